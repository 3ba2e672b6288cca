"""The side menu: apps register entries in their `menu.py`; each user sees what their role may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from frontline.core.access import can

SECTIONS: dict[str, tuple[int, Any]] = {
    "command": (10, _("Command")),
    "org": (20, _("Organisation")),
    "field": (30, _("Checkpoints")),
    "health": (40, _("Health")),
    "roster": (50, _("Duty")),
    "supplies": (60, _("Supplies")),
    "desk": (70, _("Service desk")),
    "party": (80, _("Party work")),
    "system": (90, _("System")),
}


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: Any
    url_name: str
    capability: str
    icon: str = "circle"
    order: int = 50


ITEMS: list[MenuItem] = []


def register(*items: MenuItem) -> None:
    """Add entries to the menu."""
    ITEMS.extend(items)


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """Return the sections and entries this user may use, in order."""
    sections: dict[str, dict[str, Any]] = {}
    entries = []
    for item in sorted(ITEMS, key=lambda i: (SECTIONS.get(i.section, (99, ""))[0], i.order)):
        if not can(user, item.capability):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        section = sections.setdefault(
            item.section, {"key": item.section, "label": SECTIONS.get(item.section, (99, item.section))[1], "items": []}
        )
        entry = {"label": item.label, "url": url, "icon": item.icon, "active": False}
        section["items"].append(entry)
        entries.append(entry)
    # Only the entry whose address is the longest prefix of the current page is highlighted.
    matches = [e for e in entries if current_path.startswith(str(e["url"])) and e["url"] != "/"]
    if matches:
        max(matches, key=lambda e: len(str(e["url"])))["active"] = True
    return list(sections.values())


register(
    MenuItem("system", _("Inbox"), "core:inbox", "inbox.view", "bell", 10),
    MenuItem("system", _("Audit log"), "core:audit_list", "audit.view", "journal-text", 20),
    MenuItem("system", _("Scheduled jobs"), "core:jobs", "audit.view", "clock-history", 30),
)
