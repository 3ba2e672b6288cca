"""Every app's Chinese catalogue says what the page will show.

Django merges all catalogues into one per language: the project's (``LOCALE_PATHS``)
first, then the apps' in ``INSTALLED_APPS`` order, and the first translation of a msgid
wins everywhere. An app that translates "Pending" or "name" its own way is silently
overridden (a swap request read 待发送, "not yet sent", the outbox's word; a resident's
name read 名称, the name of a thing). A word that means something else in an app gets a
context (``pgettext``, ``{% translate ... context ... %}``); this test fails on any entry
the merged catalogue would show differently.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

ROOT = Path(settings.BASE_DIR)
ENTRY = re.compile(r'^(?:msgctxt "(?P<ctx>.*)"\n)?msgid "(?P<id>.+)"\nmsgstr "(?P<str>.+)"$', re.M)


def _unquote(text: str) -> str:
    return str(ast.literal_eval(f'"{text}"'))


def test_every_app_catalogue_entry_is_what_the_page_shows() -> None:
    catalogues = sorted(ROOT.glob("frontline/*/locale/zh_Hans/LC_MESSAGES/django.po"))
    catalogues.append(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po")
    assert len(catalogues) > 1
    wrong = []
    checked = 0
    with translation.override("zh-hans"):
        for po in catalogues:
            for block in po.read_text(encoding="utf-8").split("\n\n"):
                block = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
                entry = ENTRY.fullmatch(block.strip())
                if entry is None:
                    continue  # plurals and wrapped entries
                msgid, want = _unquote(entry["id"]), _unquote(entry["str"])
                ctx = entry["ctx"]
                shown = pgettext(_unquote(ctx), msgid) if ctx is not None else gettext(msgid)
                checked += 1
                if shown != want:
                    wrong.append(f"{po.relative_to(ROOT)}: {msgid!r} shows {shown!r}, not {want!r}")
    assert checked > 1000
    assert wrong == []


def test_words_that_mean_something_else_in_an_app_have_their_own_context() -> None:
    from frontline.checkpoints.models import Passage
    from frontline.core.models import OutboxMessage
    from frontline.desk.models import LegalAidRequest
    from frontline.health.models import Escalation
    from frontline.roster.models import Unavailability

    with translation.override("zh-hans"):
        assert str(Passage._meta.get_field("name").verbose_name) == "姓名"  # a person's, not a thing's
        assert str(LegalAidRequest._meta.get_field("requester_name").verbose_name) == "姓名"
        assert str(Unavailability._meta.get_field("start_date").verbose_name) == "开始日期"  # not 原状态
        assert str(OutboxMessage.Status.PENDING.label) == "待发送"
        assert str(Escalation.Outcome.CONFIRMED.label) == "确诊"  # a confirmed case, not 已确认


def test_a_forms_check_constraints_say_which_field_and_why() -> None:
    # A ModelForm validates its model's CheckConstraints before the service runs; without a
    # message of its own the user reads Django's 'Constraint "…" is violated'.
    import importlib
    import inspect

    from django import forms
    from django.db import models

    missing = []
    for app in ("checkpoints", "desk", "health", "org", "party", "reports", "roster", "supplies"):
        try:
            module = importlib.import_module(f"frontline.{app}.forms")
        except ImportError:
            continue
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.ModelForm) or form.__module__ != module.__name__:
                continue
            model, fields = form._meta.model, set(form._meta.fields or ())
            for constraint in model._meta.constraints:
                if not isinstance(constraint, models.CheckConstraint):
                    continue
                refs = {model._meta.get_field(n).name for n in _referenced(constraint.condition)}
                default = constraint.default_violation_error_message
                if refs <= fields and constraint.violation_error_message == default:
                    missing.append(f"{model.__name__}.{constraint.name} (in {form.__name__})")
    assert missing == []


def _referenced(q: object) -> set[str]:
    from django.db.models import F, Q

    names: set[str] = set()
    for child in getattr(q, "children", ()):
        if isinstance(child, Q):
            names |= _referenced(child)
        else:
            lookup, value = child
            names.add(lookup.split("__")[0])
            if isinstance(value, F):
                names.add(value.name.split("__")[0])
    return names


def _renders_now(node: ast.expr) -> bool:
    """``_("…") % {…}`` or ``str(_("…"))``: a message rendered in the language of whoever acts."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _renders_now(node.left) or (isinstance(node.left, ast.Call) and _is_gettext(node.left))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return bool(node.args) and isinstance(node.args[0], ast.Call) and _is_gettext(node.args[0])
    return False


def _is_gettext(call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id in ("_", "gettext", "gettext_lazy")


def test_stored_text_is_not_rendered_in_the_actors_language() -> None:
    # Notifications and notes are read by others, in the campaign's language: they are passed as
    # core.notify.later(...) (or written with stored(...)), which notify renders in LANGUAGE_CODE.
    stored_args = {"title", "body", "note", "reason", "purpose", "answer", "symptoms"}
    found = []
    for path in sorted(ROOT.glob("frontline/*/services.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg in stored_args and _renders_now(kw.value):
                        found.append(f"{path.relative_to(ROOT)}:{kw.value.lineno} {kw.arg}=")
            elif isinstance(node, ast.Assign) and _renders_now(node.value):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if names & stored_args:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {', '.join(sorted(names))} =")
    assert not found, found
