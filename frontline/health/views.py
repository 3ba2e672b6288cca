"""Health pages: people to watch, measures, reports, missed reports, releases, escalations, self-report."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.errors import DomainError
from frontline.core.excel import Sheet, xlsx_response
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, apply_list_params, render_list
from frontline.core.masking import mask_id_number, mask_name
from frontline.core.middleware import request_ip
from frontline.core.ratelimit import rate_limit_hit
from frontline.health import imports, selectors, services
from frontline.health.forms import (
    AdvanceForm,
    EndForm,
    ExtendForm,
    ImportForm,
    ManualEscalationForm,
    MeasureForm,
    PersonForm,
    ReleaseForm,
    ReportForm,
    SettingsForm,
    StaffReportForm,
)
from frontline.health.models import OPEN_STATUSES, Category, Escalation, HealthReport, Measure, MissedReport, Person
from frontline.org.models import Community
from frontline.org.selectors import current_campaign


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str = "", **extra: Any) -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url, **extra})


def _communities(request: HttpRequest) -> list[tuple[int, str]]:
    return list(scope(Community.objects.all(), request.user).values_list("pk", "name"))


def _slot_label(code: str) -> str:
    slot = selectors.slot_by_code(selectors.health_settings(), code)
    return str(slot.label) if slot else code


# --- people --------------------------------------------------------------------------------


def _people(request: HttpRequest) -> Any:
    open_measures = Measure.objects.filter(status__in=OPEN_STATUSES)
    return (
        scope(Person.objects.all(), request.user)
        .select_related("community")
        .prefetch_related("categories", Prefetch("measures", queryset=open_measures, to_attr="open_measures"))
    )


def person_list_page(request: HttpRequest) -> ListPage:
    actions = []
    if can(request.user, "health.manage"):
        actions = [
            (_("New person"), reverse("health:person_create"), "plus"),
            (_("Import screening list"), reverse("health:screening_import"), "upload"),
        ]
    actions.append((_("Export"), reverse("health:person_export") + "?" + request.GET.urlencode(), "file-earmark-excel"))
    return ListPage(
        title=_("People to watch"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("ID number"), lambda p: mask_id_number(p.id_number), css="font-monospace"),
            Column(_("Community"), "community.name", sort="community__name"),
            Column(_("Categories"), lambda p: "、".join(c.name for c in p.categories.all())),
            Column(_("Found by"), "get_found_by_display", sort="found_by"),
            Column(_("Risk level"), "get_risk_display", sort="risk"),
            Column(
                _("Measure"),
                lambda p: (
                    f"{p.open_measures[0].get_kind_display()} → {p.open_measures[0].planned_end:%m-%d}"
                    if p.open_measures
                    else ""
                ),
            ),
            Column(_("Added"), lambda p: timezone.localtime(p.created_at).strftime("%Y-%m-%d"), sort="created_at"),
        ],
        search=("name",),
        filters=[
            Filter("community", _("Community"), _communities(request), lookup="community_id"),
            Filter(
                "category", _("Category"), list(Category.objects.values_list("code", "name")), lookup="categories__code"
            ),
            Filter("found_by", _("Found by"), Person.FoundBy.choices),
            Filter("risk", _("Risk level"), Person.Risk.choices),
            Filter(
                "measure",
                _("Measure"),
                [("open", _("Under a measure")), ("none", _("No open measure"))],
                apply=lambda qs, v: (
                    qs.filter(measures__status__in=OPEN_STATUSES).distinct()
                    if v == "open"
                    else qs.exclude(measures__status__in=OPEN_STATUSES)
                ),
            ),
        ],
        default_sort="-created_at",
        detail_url=lambda p: reverse("health:person_detail", args=[p.pk]),
        actions=actions,
        search_placeholder=_("Name"),
    )


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    return render_list(request, _people(request), person_list_page(request))


@login_required
def person_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    qs, _state = apply_list_params(request, _people(request), person_list_page(request))
    headers = [
        _("Name"),
        _("ID number"),
        _("Phone"),
        _("Community"),
        _("Categories"),
        _("Found by"),
        _("Risk level"),
        _("Measure"),
        _("Planned end"),
        _("Added"),
    ]
    rows = [
        [
            p.name,
            mask_id_number(p.id_number),
            p.phone[:3] + "****" + p.phone[-4:] if p.phone else "",
            p.community.name if p.community else "",
            "、".join(c.name for c in p.categories.all()),
            p.get_found_by_display(),
            p.get_risk_display(),
            p.open_measures[0].get_kind_display() if p.open_measures else "",
            p.open_measures[0].planned_end if p.open_measures else None,
            timezone.localtime(p.created_at).date(),
        ]
        for p in qs
    ]
    return xlsx_response(f"people-{timezone.localdate()}.xlsx", [Sheet(_("People to watch"), headers, rows)])


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "health.manage")
    person = get_scoped(Person.objects.all(), request.user, pk=pk) if pk else None
    people = scope(Person.objects.all(), request.user)
    if person is not None:
        people = people.exclude(pk=person.pk)
    initial: dict[str, Any] = {}
    if person is not None:
        initial = {
            "name": person.name,
            "id_number": person.id_number,
            "phone": person.phone,
            "address": person.address,
            "community": person.community,
            "category_codes": [c.code for c in person.categories.all()],
            "found_by": person.found_by,
            "risk": person.risk,
            "contact_of": person.contact_of,
            "staff": person.staff,
            "note": person.note,
        }
    elif getattr(request.user, "community_id", None):
        initial = {"community": request.user.community}  # type: ignore[union-attr]
    form = PersonForm(
        request.POST or None, initial=initial, people=people, communities=scope(Community.objects.all(), request.user)
    )
    if request.method == "POST" and form.is_valid():
        if person is None:
            saved = call_service(form, services.person_watch_create, actor=request.user, **form.cleaned_data)
        else:
            saved = call_service(form, services.person_update, actor=request.user, person=person, **form.cleaned_data)
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("health:person_detail", pk=saved.pk)
    cancel = reverse("health:person_detail", args=[person.pk]) if person else reverse("health:person_list")
    return _form_page(request, form, _("Edit person") if person else _("New person to watch"), cancel)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.view")
    person = get_scoped(Person.objects.select_related("community", "contact_of", "staff"), request.user, pk=pk)
    measure = selectors.open_measure_of(person)
    manage = can(request.user, "health.manage")
    actions = []
    if manage:
        actions.append((_("Edit"), reverse("health:person_edit", args=[pk]), "pencil"))
        if measure is None:
            actions.append((_("Start a measure"), reverse("health:measure_start", args=[pk]), "house-lock"))
        actions.append(
            (_("Open a fever escalation"), reverse("health:escalation_create") + f"?person={pk}", "thermometer-high")
        )
    contacts = list(scope(person.contacts.all(), request.user))
    context = {
        "title": person.name,
        "subtitle": "、".join(c.name for c in person.categories.all()),
        "person": person,
        "measure": measure,
        "fields": [
            (_("Community"), person.community),
            (_("Found by"), person.get_found_by_display()),
            (_("Risk level"), person.get_risk_display()),
            (_("Contact of"), person.contact_of),
            (_("Staff member"), person.staff),
            (_("Note"), person.note),
        ],
        "sections": [
            {
                "title": _("Measures"),
                "count": person.measures.count(),
                "headers": [_("Kind"), _("Start date"), _("Planned end"), _("Status")],
                "rows": [
                    (m.get_kind_display(), m.start_date, m.planned_end, m.get_status_display())
                    for m in person.measures.all()
                ],
            },
            {
                "title": _("Their contacts"),
                "count": len(contacts),
                "headers": [_("Name"), _("Community")],
                "rows": [(c.name, c.community or "") for c in contacts],
            },
        ],
        "timeline": selectors.person_timeline(person),
        "actions": actions,
    }
    return render(request, "health/person_detail.html", context)


# --- measures ------------------------------------------------------------------------------


def _measures(request: HttpRequest) -> Any:
    today = timezone.localdate()
    return (
        scope(Measure.objects.all(), request.user)
        .select_related("person", "person__community", "responsible_staff", "liaison")
        .annotate(reports_today=Count("reports", filter=Q(reports__day=today, reports__superseded=False)))
    )


def measure_list_page(request: HttpRequest) -> ListPage:
    today = timezone.localdate()
    n_slots = len(selectors.health_settings().slot_list())
    return ListPage(
        title=_("Measures"),
        columns=[
            Column(_("Name"), "person.name", sort="person__name", link=True),
            Column(_("Community"), "person.community.name", sort="person__community__name"),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("Start date"), "start_date", sort="start_date"),
            Column(_("Planned end"), "planned_end", sort="planned_end"),
            Column(_("Day"), lambda m: f"{m.day_number(today)}/{m.planned_days}" if m.is_open else ""),
            Column(_("Reports today"), lambda m: f"{m.reports_today}/{n_slots}" if m.is_open else ""),
            Column(_("Responsible staff member"), "responsible_staff.name"),
            Column(_("Community liaison"), lambda m: m.liaison.display_name if m.liaison else ""),
        ],
        search=("person__name",),
        filters=[
            Filter("community", _("Community"), _communities(request), lookup="person__community_id"),
            Filter("kind", _("Kind"), Measure.Kind.choices),
            Filter(
                "status",
                _("Status"),
                [("open", _("Open")), *Measure.Status.choices],
                apply=lambda qs, v: qs.filter(status__in=OPEN_STATUSES) if v == "open" else qs.filter(status=v),
            ),
            Filter(
                "staff",
                _("Staff"),
                [("1", _("Our staff"))],
                apply=lambda qs, v: qs.filter(person__staff__isnull=False),
            ),
        ],
        default_sort="planned_end",
        detail_url=lambda m: reverse("health:measure_detail", args=[m.pk]),
        actions=[(_("Export"), reverse("health:measure_export") + "?" + request.GET.urlencode(), "file-earmark-excel")],
        search_placeholder=_("Name"),
    )


def _open_by_default(request: HttpRequest) -> HttpRequest:
    if "status" not in request.GET:
        params = request.GET.copy()
        params["status"] = "open"
        request.GET = params  # type: ignore[assignment]
    return request


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    request = _open_by_default(request)
    summary = (
        scope(Measure.objects.filter(status__in=OPEN_STATUSES), request.user)
        .values("person__community__name")
        .annotate(n=Count("id"))
        .order_by("person__community__name")
    )
    return render_list(
        request,
        _measures(request),
        measure_list_page(request),
        template="health/measure_list.html",
        extra={"by_community": summary},
    )


@login_required
def measure_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    request = _open_by_default(request)
    qs, _state = apply_list_params(request, _measures(request), measure_list_page(request))
    headers = [
        _("Name"),
        _("ID number"),
        _("Community"),
        _("Kind"),
        _("Status"),
        _("Start date"),
        _("Planned end"),
        _("Responsible staff member"),
        _("Community liaison"),
    ]
    rows = [
        [
            m.person.name,
            mask_id_number(m.person.id_number),
            m.person.community.name if m.person.community else "",
            m.get_kind_display(),
            m.get_status_display(),
            m.start_date,
            m.planned_end,
            m.responsible_staff.name if m.responsible_staff else "",
            m.liaison.display_name if m.liaison else "",
        ]
        for m in qs
    ]
    return xlsx_response(f"measures-{timezone.localdate()}.xlsx", [Sheet(_("Measures"), headers, rows)])


@login_required
def measure_start(request: HttpRequest, person_pk: int) -> HttpResponse:
    require(request.user, "health.manage")
    person = get_scoped(Person.objects.all(), request.user, pk=person_pk)
    form = MeasureForm(request.POST or None, person=person, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        measure = call_service(form, services.measure_start, actor=request.user, person=person, **form.cleaned_data)
        if measure:
            messages.success(request, gettext("Measure started. Give the person their report link or QR code."))
            return redirect("health:measure_detail", pk=measure.pk)
    return _form_page(
        request,
        form,
        _("Start a measure for %(name)s") % {"name": person.name},
        reverse("health:person_detail", args=[person.pk]),
    )


def _slot_choices(cfg: Any) -> list[tuple[str, Any]]:
    return [(s.code, f"{s.label} ({s.opens:%H:%M}–{s.cutoff:%H:%M})") for s in cfg.slot_list()]


def _current_slot(cfg: Any) -> str:
    now = timezone.now()
    today = timezone.localdate(now)
    opened = [s for s in cfg.slot_list() if s.opens_at(today) <= now]
    return opened[-1].code if opened else cfg.slot_list()[0].code


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.view")
    measure = get_scoped(
        Measure.objects.select_related("person", "person__community", "responsible_staff", "liaison"),
        request.user,
        pk=pk,
    )
    cfg = selectors.health_settings()
    manage = can(request.user, "health.manage")
    report_form = None
    if manage and measure.is_open:
        report_form = StaffReportForm(
            slots=_slot_choices(cfg),
            initial={
                "day": timezone.localdate(),
                "slot": _current_slot(cfg),
                "reported_by": HealthReport.By.STAFF_PHONE,
            },
            auto_id="staff_%s",
        )
    reports = measure.reports.select_related("recorded_by").order_by("-day", "slot", "superseded", "-submitted_at")
    link = request.build_absolute_uri(reverse("health:self_report", args=[measure.token]))
    context = {
        "title": measure.person.name,
        "subtitle": f"{measure.get_kind_display()} · {measure.get_status_display()}",
        "measure": measure,
        "fields": [
            (_("Community"), measure.person.community),
            (_("Start date"), measure.start_date),
            (_("Planned days"), measure.planned_days),
            (_("Planned end"), measure.planned_end),
            (_("Responsible staff member"), measure.responsible_staff),
            (_("Community liaison"), measure.liaison.display_name if measure.liaison else ""),
            (_("Ended on"), measure.ended_on),
            (
                _("Returned to post at"),
                timezone.localtime(measure.returned_to_post_at).strftime("%Y-%m-%d %H:%M")
                if measure.returned_to_post_at
                else "",
            ),
            (_("Note"), measure.note),
        ],
        "reports": reports,
        "slot_labels": {s.code: s.label for s in cfg.slot_list()},
        "missed": measure.missed.order_by("-day", "slot")[:50],
        "report_form": report_form,
        "manage": manage,
        "link": link if measure.is_open else "",
        "actions": [(_("Person"), reverse("health:person_detail", args=[measure.person_id]), "person")],
    }
    return render(request, "health/measure_detail.html", context)


@login_required
def measure_qr(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.view")
    measure = get_scoped(Measure.objects.filter(status__in=OPEN_STATUSES), request.user, pk=pk)
    link = request.build_absolute_uri(reverse("health:self_report", args=[measure.token]))
    buffer = io.BytesIO()
    # A standalone SVG document (with its namespace), so an <img> can show it.
    segno.make(link, error="m").save(buffer, kind="svg", scale=5, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@login_required
@require_POST
def measure_report(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.manage")
    measure = get_scoped(Measure.objects.all(), request.user, pk=pk)
    form = StaffReportForm(request.POST, slots=_slot_choices(selectors.health_settings()), auto_id="staff_%s")
    if form.is_valid():
        try:
            report = services.report_submit(actor=request.user, measure=measure, **form.cleaned_data)
            messages.success(request, gettext("Report saved: %(t)s °C.") % {"t": report.temperature})
            if report.abnormal:
                messages.warning(request, gettext("The report is abnormal; see the fever escalations."))
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(
            request, "; ".join(f"{form.fields[f].label}: {e[0]}" for f, e in form.errors.items() if f in form.fields)
        )
    return redirect("health:measure_detail", pk=pk)


@login_required
def measure_extend(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.manage")
    measure = get_scoped(Measure.objects.select_related("person"), request.user, pk=pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.measure_extend, actor=request.user, measure=measure, **form.cleaned_data):
            messages.success(request, gettext("Measure extended."))
            return redirect("health:measure_detail", pk=pk)
    return _form_page(
        request,
        form,
        _("Extend the measure of %(name)s") % {"name": measure.person.name},
        reverse("health:measure_detail", args=[pk]),
    )


@login_required
def measure_release(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.manage")
    measure = get_scoped(Measure.objects.select_related("person", "person__staff"), request.user, pk=pk)
    check = selectors.release_checks([measure])[0]
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.measure_release, actor=request.user, measure=measure, **form.cleaned_data):
            if measure.person.staff_id:
                messages.success(
                    request, gettext("Released; %(name)s is back at their post.") % {"name": measure.person.name}
                )
            else:
                messages.success(request, gettext("Released."))
            return redirect("health:release_due")
    return render(
        request,
        "health/release_confirm.html",
        {
            "form": form,
            "measure": measure,
            "check": check,
            "title": _("Release %(name)s") % {"name": measure.person.name},
        },
    )


@login_required
def measure_end(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.manage")
    measure = get_scoped(Measure.objects.select_related("person"), request.user, pk=pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.measure_end, actor=request.user, measure=measure, **form.cleaned_data):
            messages.success(request, gettext("Measure ended."))
            return redirect("health:measure_detail", pk=pk)
    return _form_page(
        request,
        form,
        _("End the measure of %(name)s") % {"name": measure.person.name},
        reverse("health:measure_detail", args=[pk]),
    )


@login_required
def release_due(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    checks = selectors.due_for_release(scope(Measure.objects.all(), request.user))
    checks.sort(key=lambda c: (not c.normal, c.measure.planned_end))
    if request.GET.get("format") == "xlsx":
        headers = [_("Name"), _("Community"), _("Kind"), _("Planned end"), _("Staff member"), _("Normal"), _("Reasons")]
        rows = [
            [
                c.measure.person.name,
                str(c.measure.person.community or ""),
                c.measure.get_kind_display(),
                c.measure.planned_end,
                gettext("Yes") if c.measure.person.staff_id else "",
                gettext("Yes") if c.normal else gettext("No"),
                "; ".join(c.reasons),
            ]
            for c in checks
        ]
        return xlsx_response(f"release-due-{timezone.localdate()}.xlsx", [Sheet(_("Due for release"), headers, rows)])
    return render(request, "health/release_due.html", {"checks": checks, "manage": can(request.user, "health.manage")})


# --- missed reports ------------------------------------------------------------------------


@login_required
def missed_today(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    day = timezone.localdate()
    try:
        if request.GET.get("day"):
            from datetime import date

            day = date.fromisoformat(request.GET["day"])
    except ValueError:
        messages.error(request, gettext("Day: enter a date like 2020-02-01."))
    rows = list(
        selectors.missed_on(scope(MissedReport.objects.all(), request.user), day).order_by(
            "slot", "measure__person__community__name", "measure__person__name"
        )
    )
    labels = {s.code: s.label for s in selectors.health_settings().slot_list()}
    if request.GET.get("format") == "xlsx":
        headers = [_("Day"), _("Slot"), _("Name"), _("Community"), _("Responsible staff member"), _("Reported late")]
        data = [
            [
                r.day,
                str(labels.get(r.slot, r.slot)),
                r.measure.person.name,
                str(r.measure.person.community or ""),
                r.measure.responsible_staff.name if r.measure.responsible_staff else "",
                gettext("Yes") if getattr(r, "reported_late", False) else "",
            ]
            for r in rows
        ]
        return xlsx_response(f"missed-{day}.xlsx", [Sheet(_("Missed reports"), headers, data)])
    return render(
        request,
        "health/missed_today.html",
        {
            "rows": rows,
            "day": day,
            "labels": labels,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "is_today": day == timezone.localdate(),
        },
    )


# --- escalations ---------------------------------------------------------------------------


@login_required
def escalation_board(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.view")
    qs = scope(Escalation.objects.all(), request.user)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("Detected at"),
            _("Name"),
            _("Community"),
            _("Source"),
            _("Signs"),
            _("State"),
            _("Outcome"),
            _("Community notified at"),
            _("Overdue"),
            _("Closed at"),
        ]

        def local(dt: Any) -> str:
            return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""

        rows = [
            [
                local(e.detected_at),
                e.person.name,
                str(e.person.community or ""),
                e.get_source_display(),
                e.symptoms,
                e.get_state_display(),
                e.get_outcome_display(),
                local(e.notified_at),
                gettext("Yes") if e.overdue else "",
                local(e.closed_at),
            ]
            for e in qs.select_related("person", "person__community").order_by("-detected_at")
        ]
        return xlsx_response(f"escalations-{timezone.localdate()}.xlsx", [Sheet(_("Fever escalations"), headers, rows)])
    columns = selectors.escalations_board(qs)
    overdue = sum(1 for c in columns for e in c["items"] if e.is_open and e.overdue)
    return render(
        request,
        "health/escalation_board.html",
        {"columns": columns, "overdue": overdue, "manage": can(request.user, "health.manage")},
    )


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "health.view")
    escalation = get_scoped(
        Escalation.objects.select_related("person", "person__community", "measure"), request.user, pk=pk
    )
    allowed = services.ESCALATION_MOVES[escalation.state]
    form = None
    if can(request.user, "health.manage") and allowed:
        initial = {"to_state": allowed[0]}
        community = escalation.person.community
        if allowed[0] == Escalation.State.COMMUNITY_NOTIFIED and community is not None:
            initial["to_whom"] = community.liaison_name or community.name
        form = AdvanceForm(request.POST or None, escalation=escalation, allowed=allowed, initial=initial)
        if request.method == "POST" and form.is_valid():
            if call_service(
                form, services.escalation_advance, actor=request.user, escalation=escalation, **form.cleaned_data
            ):
                messages.success(request, gettext("Moved to “%(state)s”.") % {"state": escalation.get_state_display()})
                return redirect("health:escalation_detail", pk=pk)
    elif request.method == "POST":
        require(request.user, "health.manage")
    return render(
        request,
        "health/escalation_detail.html",
        {
            "e": escalation,
            "steps": escalation.steps.select_related("by"),
            "form": form,
            "title": escalation.person.name,
        },
    )


@login_required
def escalation_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.manage")
    people = scope(Person.objects.all(), request.user)
    form = ManualEscalationForm(request.POST or None, people=people, initial={"person": request.GET.get("person")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        escalation = call_service(
            form,
            services.escalation_open,
            actor=request.user,
            person=data["person"],
            source=Escalation.Source.MANUAL,
            temperature=data["temperature"],
            symptoms=data["symptoms"],
            note=data["note"],
        )
        if escalation:
            messages.success(request, gettext("Escalation opened; notify the community now."))
            return redirect("health:escalation_detail", pk=escalation.pk)
    return _form_page(request, form, _("Open a fever escalation"), reverse("health:escalation_board"))


# --- screening lists and settings ----------------------------------------------------------


@login_required
def screening_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(form, imports.screening_import, actor=request.user, upload=form.cleaned_data["file"])
        if result and not result.errors:
            messages.success(
                request,
                gettext("Imported %(total)s rows: %(created)s new, %(matched)s matched to people already watched.")
                % {"total": result.total, "created": result.created, "matched": result.matched},
            )
            return redirect("health:person_list")
    return render(request, "health/screening_import.html", {"form": form, "result": result})


@login_required
def screening_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "health.manage")
    return xlsx_response("screening-list-template.xlsx", [imports.template_sheet()])


@login_required
def settings_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, "campaign.manage")
    campaign = current_campaign()
    if campaign is None:
        messages.error(request, gettext("Create a campaign first."))
        return redirect("org:campaign_create")
    cfg = selectors.health_settings(campaign)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(cfg))
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.health_settings_save, actor=request.user, campaign=campaign, **form.cleaned_data
        ):
            messages.success(request, gettext("Saved."))
            return redirect("health:settings")
    categories = Category.objects.all()
    return _form_page(
        request, form, _("Health settings of %(campaign)s") % {"campaign": campaign}, "", categories=categories
    )


# --- the person's own report page (no log-in) ----------------------------------------------

SELF_REPORT_LIMIT = 30  # submissions per link per hour: a person reports a few times a day


def self_report(request: HttpRequest, token: str) -> HttpResponse:
    measure = Measure.objects.select_related("person").filter(token=token, status__in=OPEN_STATUSES).first()
    if measure is None:
        return render(request, "health/self_report_closed.html", status=404)
    cfg = selectors.health_settings()
    form = ReportForm(request.POST or None, slots=_slot_choices(cfg), initial={"slot": _current_slot(cfg)})
    today = timezone.localdate()
    done = None
    if request.method == "POST":
        allowed = rate_limit_hit(key=f"health.self:{measure.pk}", limit=SELF_REPORT_LIMIT, window=timedelta(hours=1))
        allowed = (
            rate_limit_hit(key=f"health.self.ip:{request_ip(request)}", limit=120, window=timedelta(hours=1))
            and allowed
        )
        if not allowed:
            form.add_error(
                None, gettext("Too many reports from this link; try again in an hour or call your community.")
            )
        elif form.is_valid():
            done = call_service(
                form,
                services.report_submit,
                actor=None,
                measure=measure,
                reported_by=HealthReport.By.SELF,
                **form.cleaned_data,
            )
            if done:
                form = ReportForm(slots=_slot_choices(cfg), initial={"slot": _current_slot(cfg)})
    reports = measure.reports.filter(day=today, superseded=False)
    got = {r.slot: r for r in reports}
    slots = [
        {"slot": s, "report": got.get(s.code), "late": timezone.now() > s.cutoff_at(today)} for s in cfg.slot_list()
    ]
    if measure.planned_end < today:
        days_left = 0
    else:
        days_left = (measure.planned_end - today).days + 1
    return render(
        request,
        "health/self_report.html",
        {
            "measure": measure,
            "name": mask_name(measure.person.name),
            "form": form,
            "done": done,
            "slots": slots,
            "day": measure.day_number(today),
            "days_left": days_left,
        },
    )
