"""Office pages of the service desk: tips, legal aid, the duty schedule, publicity, figures."""

from __future__ import annotations

import mimetypes
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.excel import Sheet, xlsx_response
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.core.masking import mask_phone
from frontline.core.models import AuditLog
from frontline.desk import selectors, services
from frontline.desk.forms import (
    AssignForm,
    CloseForm,
    DeskSettingsForm,
    DutyForm,
    HotlineNumberForm,
    LegalAidForm,
    MessageForm,
    PublicityForm,
    TipForm,
    TipMoveForm,
)
from frontline.desk.models import Channel, DutyLawyer, HotlineNumber, LegalAidRequest, Publicity, Tip
from frontline.org.models import Campaign, Community
from frontline.org.selectors import current_campaign


def _campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _form_page(
    request: HttpRequest, form: Any, title: Any, cancel_url: str = "", template: str = "core/form.html"
) -> HttpResponse:
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


def _overdue_badge(obj: Any) -> str:
    return gettext("Overdue") if obj.is_overdue() else ""


# --- hotline tips -------------------------------------------------------------------------------


def _may_work_tip(user: Any, tip: Tip) -> bool:
    return can(user, "desk.manage") or (tip.assignee_id is not None and tip.assignee_id == user.pk)


@login_required
def tip_list(request: HttpRequest) -> HttpResponse:
    """List hotline tips, overdue first in the filter."""
    require(request.user, "desk.view")
    now = timezone.now()
    open_q = ~Q(status__in=[Tip.Status.ANSWERED, Tip.Status.CLOSED])
    page = ListPage(
        title=_("Hotline tips"),
        columns=[
            Column(_("Tracking code"), "display_code", sort="code", link=True, css="font-monospace"),
            Column(_("Received at"), lambda t: _when(t.received_at), sort="received_at"),
            Column(_("Channel"), "get_channel_display", sort="channel"),
            Column(_("Category"), "get_category_display", sort="category"),
            Column(_("Community"), "community.name", sort="community__name"),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("Handled by"), lambda t: t.assignee.display_name if t.assignee else ""),
            Column(_("Answer due"), lambda t: _when(t.due_at), sort="due_at"),
            Column(_("Overdue"), _overdue_badge, css="text-danger fw-semibold"),
            Column(_("Person to watch"), "get_watch_status_display"),
        ],
        search=("code", "location", "subject_name", "description"),
        filters=[
            Filter(
                "open",
                pgettext_lazy("desk", "Open"),
                [("1", _("Waiting for action"))],
                apply=lambda qs, v: qs.filter(status__in=Tip.OPEN_STATUSES),
            ),
            Filter("status", _("Status"), Tip.Status.choices),
            Filter("category", _("Category"), Tip.Category.choices),
            Filter("channel", _("Channel"), Channel.choices),
            Filter(
                "overdue",
                _("Overdue"),
                [("1", _("Overdue")), ("0", _("On time"))],
                apply=lambda qs, v: (
                    qs.filter(open_q, due_at__lte=now) if v == "1" else qs.exclude(open_q & Q(due_at__lte=now))
                ),
            ),
            Filter(
                "mine", _("Mine"), [("1", _("Assigned to me"))], apply=lambda qs, v: qs.filter(assignee=request.user)
            ),
        ],
        default_sort="-received_at",
        detail_url=lambda t: reverse("desk:tip_detail", args=[t.pk]),
        actions=(
            [(_("Take a tip"), reverse("desk:tip_create"), "telephone-inbound")]
            if can(request.user, "desk.manage")
            else []
        )
        + [(_("Export to Excel"), reverse("desk:tip_export"), "download")],
        search_placeholder=_("Code, place, name or text"),
    )
    qs = scope(Tip.objects.select_related("community", "assignee__staff"), request.user)
    return render_list(request, qs, page)


@login_required
def tip_export(request: HttpRequest) -> HttpResponse:
    """Export the tips this user may see (personal details left out)."""
    require(request.user, "desk.view")
    qs = scope(Tip.objects.select_related("community", "assignee__staff"), request.user).order_by("received_at")
    headers = [
        _("Tracking code"),
        _("Received at"),
        _("Channel"),
        _("Category"),
        _("Community"),
        _("Status"),
        _("Handled by"),
        _("Answer due"),
        _("Answered at"),
        _("Overdue"),
        _("Person to watch"),
    ]
    rows = [
        (
            t.display_code,
            _when(t.received_at),
            t.get_channel_display(),
            t.get_category_display(),
            t.community.name if t.community else "",
            t.get_status_display(),
            t.assignee.display_name if t.assignee else "",
            _when(t.due_at),
            _when(t.answered_at),
            gettext("Yes") if t.is_overdue() else "",
            t.get_watch_status_display(),
        )
        for t in qs
    ]
    audit_record(actor=request.user, action="tip.export", changes={"rows": len(rows)})
    return xlsx_response("hotline-tips.xlsx", [Sheet(_("Hotline tips"), headers, rows)])


@login_required
def tip_create(request: HttpRequest) -> HttpResponse:
    """Take a tip on the phone or at the counter."""
    require(request.user, "desk.manage")
    form = TipForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form, services.tip_submit, actor=request.user, campaign=_campaign(), **form.service_kwargs()
        )
        if result:
            tip, secret = result
            if tip.reporter_phone:
                messages.success(
                    request,
                    gettext("Tip taken. Tell the caller the tracking code %(code)s.") % {"code": tip.display_code},
                )
            else:
                messages.success(
                    request,
                    gettext("Tip taken. Tell the caller the tracking code %(code)s and the PIN %(pin)s.")
                    % {"code": tip.display_code, "pin": secret},
                )
            return redirect("desk:tip_detail", pk=tip.pk)
    return _form_page(request, form, _("Take a hotline tip"), reverse("desk:tip_list"))


@login_required
def tip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One tip: what was reported, who handles it, and the next step of its workflow."""
    require(request.user, "desk.view")
    tip = get_scoped(Tip.objects.select_related("community", "assignee__staff", "taken_by"), request.user, pk=pk)
    return _tip_page(request, tip, TipMoveForm(initial={"assignee": tip.assignee_id}))


def _tip_page(request: HttpRequest, tip: Tip, move_form: TipMoveForm, status: int = 200) -> HttpResponse:
    history = list(AuditLog.objects.filter(target_type="desk.tip", target_id=str(tip.pk)).order_by("at", "id"))
    context = {
        "title": gettext("Hotline tip %(code)s") % {"code": tip.display_code},
        "subtitle": tip.get_status_display(),
        "tip": tip,
        "may_work": _may_work_tip(request.user, tip),
        "moves": sorted(services.TIP_MOVES[tip.status], key=list(Tip.Status.values).index),
        "move_form": move_form,
        "history": history,
        "overdue": tip.is_overdue(),
    }
    return render(request, "desk/tip_detail.html", context, status=status)


@login_required
@require_POST
def tip_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a tip one step along its workflow."""
    require(request.user, "desk.view")
    tip = get_scoped(Tip.objects.select_related("community", "assignee__staff"), request.user, pk=pk)
    if not _may_work_tip(request.user, tip):
        require(request.user, "desk.manage")
    form = TipMoveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        saved = call_service(
            form,
            services.tip_transition,
            actor=request.user,
            tip=tip,
            to=d["to"],
            assignee=d["assignee"],
            verified_true=d["verified_true"],
            handling=d["handling"],
            answer=d["answer"],
        )
        if saved:
            messages.success(request, gettext("The tip is now: %(status)s.") % {"status": saved.get_status_display()})
            return redirect("desk:tip_detail", pk=pk)
    tip.refresh_from_db()
    return _tip_page(request, tip, form, status=422)


@login_required
@require_POST
def tip_watch(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the returnee a tip names into a person to watch, in one step."""
    require(request.user, "desk.manage")
    tip = get_scoped(Tip.objects.all(), request.user, pk=pk)
    try:
        saved = services.tip_convert_to_watch(actor=request.user, tip=tip)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if saved.watch_status == Tip.Watch.DONE:
            messages.success(request, gettext("A person to watch was created in the health module."))
        else:
            messages.warning(
                request,
                gettext("The health module is not available yet: the person is queued and will be created when it is."),
            )
    return redirect("desk:tip_detail", pk=pk)


# --- legal aid ----------------------------------------------------------------------------------


@login_required
def legalaid_list(request: HttpRequest) -> HttpResponse:
    """The legal-aid queue: a lawyer sees their own, the office sees all."""
    require(request.user, "legalaid.view")
    now = timezone.now()
    late = Q(first_replied_at__isnull=True, first_reply_due_at__lte=now) & ~Q(status=LegalAidRequest.Status.CLOSED)
    actions = []
    if can(request.user, "legalaid.manage"):
        actions += [
            (_("Walk-in or phone request"), reverse("desk:legalaid_create"), "person-plus"),
            (_("Duty lawyers"), reverse("desk:duty_list"), "calendar-week"),
        ]
    actions += [
        (_("Figures"), reverse("desk:figures"), "bar-chart"),
        (_("Export to Excel"), reverse("desk:legalaid_export"), "download"),
    ]
    page = ListPage(
        title=_("Legal-aid requests"),
        columns=[
            Column(_("Tracking code"), "display_code", sort="code", link=True, css="font-monospace"),
            Column(_("Submitted at"), lambda r: _when(r.submitted_at), sort="submitted_at"),
            Column(_("Topic"), "get_topic_display", sort="topic"),
            Column(_("Channel"), "get_channel_display", sort="channel"),
            Column(_("Name"), lambda r: r.requester_name[:1] + "**" if r.requester_name else ""),
            Column(_("Lawyer"), lambda r: r.lawyer.display_name if r.lawyer else gettext("Not assigned")),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("First reply due"), lambda r: _when(r.first_reply_due_at), sort="first_reply_due_at"),
            Column(_("Overdue"), _overdue_badge, css="text-danger fw-semibold"),
            Column(_("Rating"), lambda r: "★" * r.rating if r.rating else "", sort="rating"),
        ],
        search=("code",),
        filters=[
            Filter(
                "open",
                pgettext_lazy("desk", "Open"),
                [("1", _("Waiting for an answer"))],
                apply=lambda qs, v: qs.filter(status__in=LegalAidRequest.OPEN_STATUSES),
            ),
            Filter("status", _("Status"), LegalAidRequest.Status.choices),
            Filter("topic", _("Topic"), LegalAidRequest.Topic.choices),
            Filter(
                "overdue",
                _("Overdue"),
                [("1", _("No reply, overdue"))],
                apply=lambda qs, v: qs.filter(late),
            ),
        ],
        default_sort="-submitted_at",
        detail_url=lambda r: reverse("desk:legalaid_detail", args=[r.pk]),
        actions=actions,
        search_placeholder=_("Tracking code"),
    )
    qs = scope(LegalAidRequest.objects.select_related("lawyer__staff"), request.user)
    return render_list(request, qs, page)


@login_required
def legalaid_export(request: HttpRequest) -> HttpResponse:
    """Export the requests this user may see; phones masked."""
    require(request.user, "legalaid.view")
    qs = scope(LegalAidRequest.objects.select_related("lawyer__staff"), request.user).order_by("submitted_at")
    headers = [
        _("Tracking code"),
        _("Submitted at"),
        _("Topic"),
        _("Channel"),
        _("Phone"),
        _("Lawyer"),
        _("Status"),
        _("First reply due"),
        _("First replied at"),
        _("Overdue"),
        _("Rating"),
    ]
    rows = [
        (
            r.display_code,
            _when(r.submitted_at),
            r.get_topic_display(),
            r.get_channel_display(),
            mask_phone(r.requester_phone),
            r.lawyer.display_name if r.lawyer else "",
            r.get_status_display(),
            _when(r.first_reply_due_at),
            _when(r.first_replied_at),
            gettext("Yes") if r.is_overdue() else "",
            r.rating or "",
        )
        for r in qs
    ]
    audit_record(actor=request.user, action="legalaid.export", changes={"rows": len(rows)})
    return xlsx_response("legal-aid.xlsx", [Sheet(_("Legal-aid requests"), headers, rows)])


@login_required
def legalaid_create(request: HttpRequest) -> HttpResponse:
    """Enter a walk-in or telephone request; it goes to the lawyer on duty."""
    require(request.user, "legalaid.manage")
    form = LegalAidForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.legalaid_submit, actor=request.user, campaign=_campaign(), **form.service_kwargs()
        )
        if saved:
            messages.success(
                request,
                gettext("Request taken. Tell the requester the tracking code %(code)s.") % {"code": saved.display_code},
            )
            return redirect("desk:legalaid_detail", pk=saved.pk)
    return _form_page(request, form, _("Walk-in or phone legal-aid request"), reverse("desk:legalaid_list"))


def _legalaid_page(request: HttpRequest, item: LegalAidRequest, **forms: Any) -> HttpResponse:
    user = request.user
    may_reply = item.status in (
        LegalAidRequest.Status.ASSIGNED,
        LegalAidRequest.Status.FOLLOW_UP,
        LegalAidRequest.Status.ANSWERED,
    ) and (
        user.is_superuser or (user.role == "lawyer" and item.lawyer_id == user.pk)  # type: ignore[union-attr]
    )
    manage = can(user, "legalaid.manage")
    context = {
        "title": gettext("Legal-aid request %(code)s") % {"code": item.display_code},
        "subtitle": item.get_status_display(),
        "item": item,
        "thread": item.messages.select_related("author__staff"),
        "may_reply": may_reply,
        "may_assign": manage and item.is_open,
        "may_close": item.is_open and (manage or item.lawyer_id == user.pk),
        "reply_form": forms.get("reply_form") or MessageForm(),
        "assign_form": forms.get("assign_form") or AssignForm(initial={"lawyer": item.lawyer_id}),
        "close_form": forms.get("close_form") or CloseForm(),
        "overdue": item.is_overdue(),
        "phone_masked": mask_phone(item.requester_phone),
    }
    return render(request, "desk/legalaid_detail.html", context, status=422 if forms else 200)


@login_required
def legalaid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with its thread; the lawyer replies here."""
    require(request.user, "legalaid.view")
    item = get_scoped(LegalAidRequest.objects.select_related("lawyer__staff", "community"), request.user, pk=pk)
    return _legalaid_page(request, item)


@login_required
@require_POST
def legalaid_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The assigned lawyer replies to the requester."""
    require(request.user, "legalaid.answer")
    item = get_scoped(LegalAidRequest.objects.all(), request.user, pk=pk)
    form = MessageForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form, services.legalaid_reply, actor=request.user, request=item, body=form.cleaned_data["body"]
        )
        is not None
    ):
        messages.success(request, gettext("Reply sent. The requester reads it with the tracking code."))
        return redirect("desk:legalaid_detail", pk=pk)
    return _legalaid_page(request, item, reply_form=form)


@login_required
@require_POST
def legalaid_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The office gives a request to a lawyer."""
    require(request.user, "legalaid.manage")
    item = get_scoped(LegalAidRequest.objects.all(), request.user, pk=pk)
    form = AssignForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form, services.legalaid_assign, actor=request.user, request=item, lawyer=form.cleaned_data["lawyer"]
        )
        is not None
    ):
        messages.success(request, gettext("Assigned."))
        return redirect("desk:legalaid_detail", pk=pk)
    return _legalaid_page(request, item, assign_form=form)


@login_required
@require_POST
def legalaid_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a request."""
    require(request.user, "legalaid.view")
    item = get_scoped(LegalAidRequest.objects.all(), request.user, pk=pk)
    form = CloseForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form, services.legalaid_close, actor=request.user, request=item, note=form.cleaned_data["note"]
        )
        is not None
    ):
        messages.success(request, gettext("Closed."))
        return redirect("desk:legalaid_detail", pk=pk)
    return _legalaid_page(request, item, close_form=form)


@login_required
@require_POST
def legalaid_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the requester's phone to the assigned lawyer (to call back) or the office; logged."""
    require(request.user, "legalaid.view")
    item = get_scoped(LegalAidRequest.objects.all(), request.user, pk=pk)
    audit_record(actor=request.user, action="sensitive.reveal", target=item, changes={"field": "requester_phone"})
    return HttpResponse(f'<span class="revealed font-monospace">{escape(item.requester_phone)}</span>')


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    """Legal-aid figures by topic and lawyer, and hotline tips by category (of what the user may see)."""
    require(request.user, "legalaid.view")
    campaign = _campaign()
    requests = scope(LegalAidRequest.objects.filter(campaign=campaign), request.user)
    context: dict[str, Any] = {"title": _("Service desk figures"), "legal": selectors.legalaid_figures(requests)}
    if can(request.user, "desk.view"):
        context["tips"] = selectors.tip_figures(scope(Tip.objects.filter(campaign=campaign), request.user))
    return render(request, "desk/figures.html", context)


# --- the duty-lawyer schedule --------------------------------------------------------------------


@login_required
def duty_list(request: HttpRequest) -> HttpResponse:
    """The duty-lawyer schedule for the coming two weeks, with a form to add days."""
    require(request.user, "legalaid.view")
    campaign = _campaign()
    manage = can(request.user, "legalaid.manage")
    form = DutyForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "legalaid.manage")
        if form.is_valid():
            d = form.cleaned_data
            added = call_service(
                form,
                services.duty_lawyer_add,
                actor=request.user,
                campaign=campaign,
                lawyer=d["lawyer"],
                first_day=d["first_day"],
                last_day=d["last_day"],
            )
            if added is not None:
                messages.success(request, gettext("%(n)s duty days added.") % {"n": len(added)})
                return redirect("desk:duty_list")
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = timezone.localdate()
    context = {
        "title": _("Duty lawyers"),
        "days": selectors.duty_days(campaign, start),
        "today": timezone.localdate(),
        "form": form,
        "manage": manage,
        "prev": start - timedelta(days=14),
        "next": start + timedelta(days=14),
    }
    return render(request, "desk/duty_list.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def duty_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a lawyer off one duty day."""
    require(request.user, "legalaid.manage")
    slot = get_scoped(DutyLawyer.objects.select_related("lawyer"), request.user, pk=pk)
    services.duty_lawyer_remove(actor=request.user, slot=slot)
    messages.success(request, gettext("Removed from the schedule."))
    return redirect("desk:duty_list")


# --- publicity ------------------------------------------------------------------------------------


@login_required
def publicity_list(request: HttpRequest) -> HttpResponse:
    """The publicity log: posters, vans, WeChat posts, rumours clarified."""
    require(request.user, "desk.view")

    def detail(p: Publicity) -> str:
        if p.kind == Publicity.Kind.POSTER:
            return gettext("%(n)s posters at %(place)s") % {"n": p.quantity, "place": p.place}
        if p.kind == Publicity.Kind.VAN:
            return f"{p.start_time:%H:%M}–{p.end_time:%H:%M} {p.route[:40]}"
        if p.kind == Publicity.Kind.WECHAT:
            return gettext("%(n)s reads") % {"n": p.reads if p.reads is not None else "—"}
        return p.answered_where

    page = ListPage(
        title=_("Publicity log"),
        columns=[
            Column(_("Date"), "happened_on", sort="happened_on"),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Title"), "title", sort="title", link=True),
            Column(_("Community"), "community.name", sort="community__name"),
            Column(_("Details"), detail),
            Column(_("Photo"), lambda p: "📷" if p.photo else ""),
        ],
        search=("title", "place", "route", "rumour", "facts"),
        filters=[
            Filter("kind", _("Kind"), Publicity.Kind.choices),
            Filter("community", _("Community"), [(c.pk, c.name) for c in scope(Community.objects.all(), request.user)]),
        ],
        default_sort="-happened_on",
        detail_url=lambda p: reverse("desk:publicity_detail", args=[p.pk]),
        actions=(
            [(_("Record publicity"), reverse("desk:publicity_create"), "megaphone")]
            if can(request.user, "desk.manage")
            else []
        )
        + [(_("By community"), reverse("desk:community_list"), "houses")],
        search_placeholder=_("Title, place, route or text"),
    )
    return render_list(request, scope(Publicity.objects.select_related("community"), request.user), page)


@login_required
def publicity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record or edit a publicity action with an optional photo."""
    require(request.user, "desk.manage")
    item = get_scoped(Publicity.objects.all(), request.user, pk=pk) if pk else None
    initial = PublicityForm.initial_from(item) if item else {"happened_on": timezone.localdate()}
    form = PublicityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        photo = d.pop("photo", None)
        saved = call_service(
            form,
            services.publicity_save,
            actor=request.user,
            publicity=item,
            campaign=item.campaign if item else _campaign(),
            photo=photo or None,
            **d,
        )
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("desk:publicity_detail", pk=saved.pk)
    title = _("Edit publicity") if item else _("Record publicity")
    return render(
        request,
        "desk/publicity_form.html",
        {"form": form, "title": title, "cancel_url": reverse("desk:publicity_list")},
        status=422 if form.errors else 200,
    )


@login_required
def publicity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One publicity action and its photo."""
    require(request.user, "desk.view")
    p = get_scoped(Publicity.objects.select_related("community", "created_by"), request.user, pk=pk)
    fields: list[tuple[Any, Any]] = [
        (_("Kind"), p.get_kind_display()),
        (_("Date"), p.happened_on),
        (_("Community"), p.community),
    ]
    if p.kind == Publicity.Kind.POSTER:
        fields += [(_("Place"), p.place), (_("Number of posters"), p.quantity)]
    elif p.kind == Publicity.Kind.VAN:
        fields += [(_("Streets of the route"), p.route), (_("Start time"), p.start_time), (_("End time"), p.end_time)]
    elif p.kind == Publicity.Kind.WECHAT:
        fields += [(_("Link"), p.link), (_("Published at"), _when(p.published_at)), (_("Reads"), p.reads)]
    else:
        fields += [
            (_("The rumour"), p.rumour),
            (_("The facts"), p.facts),
            (_("Where it was answered"), p.answered_where),
        ]
    fields += [(_("Note"), p.note), (_("Recorded by"), p.created_by.display_name if p.created_by else "")]
    manage = can(request.user, "desk.manage")
    context = {
        "title": p.title,
        "subtitle": p.get_kind_display(),
        "fields": fields,
        "item": p,
        "manage": manage,
        "actions": [(_("Edit"), reverse("desk:publicity_edit", args=[p.pk]), "pencil")] if manage else [],
    }
    return render(request, "desk/publicity_detail.html", context)


@login_required
def publicity_photo(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a publicity photo to those who may see the entry."""
    require(request.user, "desk.view")
    p = get_scoped(Publicity.objects.all(), request.user, pk=pk)
    if not p.photo:
        raise Http404
    try:
        handle = p.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(p.photo.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=content_type)


@login_required
@require_POST
def publicity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a publicity entry recorded by mistake."""
    require(request.user, "desk.manage")
    p = get_scoped(Publicity.objects.all(), request.user, pk=pk)
    services.publicity_delete(actor=request.user, publicity=p)
    messages.success(request, gettext("Deleted."))
    return redirect("desk:publicity_list")


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    """Communities with what the desk did in each."""
    require(request.user, "desk.view")
    page = ListPage(
        title=_("Publicity and tips by community"),
        columns=[
            Column(_("Community"), "name", sort="name", link=True),
            Column(_("Sub-district"), "subdistrict", sort="subdistrict"),
            Column(_("Publicity actions"), "n_publicity", sort="n_publicity"),
            Column(_("Hotline tips"), "n_tips", sort="n_tips"),
        ],
        search=("name", "subdistrict"),
        default_sort="name",
        detail_url=lambda c: reverse("desk:community_detail", args=[c.pk]),
    )
    qs = scope(
        Community.objects.annotate(n_publicity=Count("publicity", distinct=True), n_tips=Count("tips", distinct=True)),
        request.user,
    )
    return render_list(request, qs, page)


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the desk did in one community: publicity and tips."""
    require(request.user, "desk.view")
    community = get_scoped(Community.objects.all(), request.user, pk=pk)
    activity = selectors.community_activity(community, current_campaign())
    return render(request, "desk/community_detail.html", {"title": community.name, "community": community, **activity})


# --- hotline numbers and settings -------------------------------------------------------------------


@login_required
def hotline_list(request: HttpRequest) -> HttpResponse:
    """The published hotline numbers."""
    require(request.user, "desk.view")
    campaign = _campaign()
    page = ListPage(
        title=_("Hotline numbers"),
        columns=[
            Column(_("Label"), "label", link=can(request.user, "desk.manage")),
            Column(_("Number"), "number", css="font-monospace"),
            Column(_("Hours"), "hours"),
            Column(_("Published"), lambda h: gettext("Yes") if h.active else gettext("No")),
        ],
        default_sort="order",
        detail_url=lambda h: reverse("desk:hotline_edit", args=[h.pk]),
        actions=(
            [(_("New number"), reverse("desk:hotline_create"), "plus")] if can(request.user, "desk.manage") else []
        )
        + [(_("Public page"), reverse("desk:public_home"), "box-arrow-up-right")],
    )
    return render_list(request, HotlineNumber.objects.filter(campaign=campaign), page)


@login_required
def hotline_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Publish or edit a hotline number."""
    require(request.user, "desk.manage")
    campaign = _campaign()
    item = get_scoped(HotlineNumber.objects.filter(campaign=campaign), request.user, pk=pk) if pk else None
    form = HotlineNumberForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        d = {k: form.cleaned_data[k] for k in ("label", "number", "hours", "order", "active")}
        if call_service(form, services.hotline_number_save, actor=request.user, hotline=item, campaign=campaign, **d):
            messages.success(request, gettext("Saved."))
            return redirect("desk:hotline_list")
    return _form_page(
        request, form, _("Edit hotline number") if item else _("New hotline number"), reverse("desk:hotline_list")
    )


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    """Response targets and the public rate limit of the current campaign."""
    require(request.user, "desk.configure")
    campaign = _campaign()
    current = selectors.desk_settings(campaign)
    form = DeskSettingsForm(
        request.POST or None,
        initial={
            "tip_response_hours": current.tip_response_hours,
            "legalaid_first_reply_hours": current.legalaid_first_reply_hours,
            "public_submissions_per_hour": current.public_submissions_per_hour,
        },
    )
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.desk_settings_save, actor=request.user, campaign=campaign, **form.cleaned_data):
            messages.success(request, gettext("Saved. New targets apply to tips and requests received from now on."))
            return redirect("desk:settings")
    return _form_page(request, form, _("Service desk settings"))
