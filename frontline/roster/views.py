"""Roster pages: generate, grids, cell edits with live rule checks, publish, my duties, attendance."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.errors import DomainError
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.org.models import Checkpoint, Staff
from frontline.org.selectors import current_campaign
from frontline.roster import exports, planning, selectors, services
from frontline.roster.forms import (
    CellForm,
    DecisionForm,
    DemandForm,
    InspectionForm,
    OfficeSettingsForm,
    PersonLimitForm,
    RosterCreateForm,
    RuleForm,
    SwapForm,
    UnavailabilityForm,
)
from frontline.roster.models import (
    Assignment,
    CheckpointDemand,
    PersonLimit,
    Roster,
    RosterVersion,
    SwapRequest,
    Unavailability,
)


def _campaign() -> Any:
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str = "") -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# --- rosters and versions ------------------------------------------------------------------


@login_required
def roster_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    campaign = _campaign()
    page = ListPage(
        title=_("Duty rosters"),
        columns=[
            Column(_("Roster name"), "name", sort="name", link=True),
            Column(_("Batch"), lambda r: r.batch or gettext("All batches")),
            Column(_("First day"), "start_date", sort="start_date"),
            Column(_("Last day"), "end_date", sort="end_date"),
            Column(_("Published version"), lambda r: f"v{r.published_number}" if r.published_number else "—"),
            Column(_("Open draft or proposal"), lambda r: r.n_open or "—"),
        ],
        search=("name",),
        default_sort="-start_date",
        detail_url=lambda r: reverse("roster:roster_detail", args=[r.pk]),
        actions=[(_("Generate a roster"), reverse("roster:roster_create"), "magic")]
        if can(request.user, "roster.manage")
        else [],
    )
    from django.db.models import Max

    qs = (
        Roster.objects.filter(campaign=campaign)
        .select_related("batch")
        .annotate(
            published_number=Max("versions__number", filter=Q(versions__status=RosterVersion.Status.PUBLISHED)),
            n_open=Count("versions", filter=Q(versions__status__in=["draft", "proposed"])),
        )
    )
    return render_list(request, qs, page)


@login_required
def roster_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.manage")
    campaign = _campaign()
    form = RosterCreateForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = call_service(
            form,
            services.roster_create,
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            batch=data["batch"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            time_limit=float(data["time_limit"]),
        )
        if version:
            return redirect("roster:version_detail", pk=version.pk)
    return _form_page(request, form, _("Generate a roster"), reverse("roster:roster_list"))


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.view")
    roster = get_scoped(Roster.objects.all(), request.user, pk=pk)
    version = (
        roster.versions.filter(status=RosterVersion.Status.DRAFT).first()
        or selectors.published_version(roster)
        or roster.versions.order_by("-number").first()
    )
    if version is None:
        raise Http404
    return redirect("roster:version_detail", pk=version.pk)


def _version(request: HttpRequest, pk: int) -> RosterVersion:
    return get_scoped(
        RosterVersion.objects.select_related("roster", "roster__campaign", "roster__batch"), request.user, pk=pk
    )


def _checkpoints(request: HttpRequest) -> list[Checkpoint]:
    return list(scope(Checkpoint.objects.filter(active=True).exclude(shift_pattern=[]), request.user).order_by("code"))


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.view")
    version = _version(request, pk)
    roster = version.roster
    view = request.GET.get("view", "post")
    office = selectors.settings_for(roster.campaign).office_shift_pattern
    grid = (
        selectors.grid_by_staff(version)
        if view == "staff"
        else selectors.grid_by_post(version, _checkpoints(request), office)
    )
    leaders = {ld.day: ld.staff for ld in version.leader_duties.select_related("staff")}
    previous = (
        version.based_on if version.status == RosterVersion.Status.PROPOSED else selectors.previous_published(version)
    )
    if version.status in (RosterVersion.Status.DRAFT,) and previous is None:
        previous = selectors.published_version(roster)
    diff = selectors.version_diff(version, previous) if previous else None
    # The same absence may have proposed repairs of other rosters too: the office sees them all.
    absent = version.repair_staff if version.status == RosterVersion.Status.PROPOSED else None
    other_repairs = [v for v in selectors.repair_proposals(staff=absent) if v.pk != version.pk] if absent else []
    found = planning.check_version(version) if version.editable else []
    breaches = [b for b in found if b.hard]
    soft: dict[str, int] = {}
    for b in found:
        if not b.hard:
            soft[planning.rule_words(b.rule)] = soft.get(planning.rule_words(b.rule), 0) + 1
    context = {
        "title": roster.name,
        "version": version,
        "roster": roster,
        "grid": grid,
        "view": view,
        "leader_row": [leaders.get(d) for d in grid.days],
        "previous": previous,
        "diff": diff,
        "other_repairs": other_repairs,
        "breaches": breaches,
        "soft_summary": sorted(soft.items(), key=lambda kv: -kv[1]),
        "explanation": [
            dict(row, reason_text=planning.reason_text(row.get("reason", ""))) for row in version.explanation
        ],
        "versions": roster.versions.order_by("-number"),
        "manage": can(request.user, "roster.manage"),
        "today": timezone.localdate(),
        "print": request.GET.get("print") == "1",
    }
    return render(request, "roster/version_detail.html", context)


def _run(request: HttpRequest, fn: Any, success: str, **kwargs: Any) -> Any:
    try:
        result = fn(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success)
    return result


@login_required
@require_POST
def version_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require(request.user, "roster.manage")
    version = _version(request, pk)
    if action == "resolve":
        try:
            done = services.roster_resolve(
                actor=request.user,
                version=version,
                time_limit=float(request.POST.get("time_limit") or services.DEFAULT_TIME_LIMIT),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            if done.solver_status in ("optimal", "feasible"):
                messages.success(request, gettext("Re-solved; locked cells were kept."))
            else:
                messages.warning(request, gettext("No roster keeps every hard rule; see the explanation."))
    elif action in ("publish", "discard"):
        absent = version.repair_staff if version.status == RosterVersion.Status.PROPOSED else None
        fn, said = (
            (services.version_publish, gettext("Published."))
            if action == "publish"
            else (services.version_discard, gettext("Discarded."))
        )
        done = _run(request, fn, said, version=version)
        if done is not None and absent is not None:
            # The next repair proposed for the same absence, until every one is decided.
            waiting = selectors.repair_proposals(staff=absent)
            if waiting:
                messages.info(request, gettext("Next: another roster's repair for the same absence."))
                return redirect("roster:version_detail", pk=waiting[0].pk)
    elif action == "draft":
        draft = _run(request, services.version_draft, gettext("A new draft was opened."), roster=version.roster)
        if draft is not None:
            return redirect("roster:version_detail", pk=draft.pk)
    else:
        raise Http404
    return redirect("roster:version_detail", pk=version.pk)


def _cell_params(request: HttpRequest, version: RosterVersion) -> tuple[date, Checkpoint | None, str]:
    params = request.POST if request.method == "POST" else request.GET
    day = _parse_day(params.get("day"))
    if day is None:
        raise Http404
    post = params.get("post", "0")
    checkpoint = None
    if post not in ("", "0"):
        checkpoint = get_scoped(Checkpoint.objects.all(), request.user, pk=post)
    return day, checkpoint, params.get("shift", "")


def _cell_staff_qs(version: RosterVersion, checkpoint: Checkpoint | None) -> Any:
    campaign = version.roster.campaign
    if checkpoint is None:
        return Staff.objects.filter(pk__in=[s.pk for s in selectors.office_staff(campaign)]).order_by("name")
    batches = [version.roster.batch] if version.roster.batch_id else list(campaign.batches.all())
    return Staff.objects.filter(active=True, batches__in=batches).distinct().order_by("name")


@login_required
def cell_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.manage")
    version = _version(request, pk)
    day, checkpoint, shift = _cell_params(request, version)
    current = version.assignments.filter(day=day, checkpoint=checkpoint, shift=shift)
    initial = {"staff": [a.staff_id for a in current], "locked": any(a.locked for a in current)}
    busy = {
        a.staff_id: f"{a.shift} {a.checkpoint.code if a.checkpoint else gettext('Office')}"
        for a in version.assignments.filter(day=day)
        .exclude(checkpoint=checkpoint, shift=shift)
        .select_related("checkpoint")
    }
    form = CellForm(request.POST or None, initial=initial, staff_qs=_cell_staff_qs(version, checkpoint), busy=busy)
    breaches: list[planning.Breach] | None = None
    if request.method == "POST" and form.is_valid():
        found = call_service(
            form,
            services.cell_set,
            actor=request.user,
            version=version,
            day=day,
            checkpoint=checkpoint,
            shift=shift,
            staff=form.cleaned_data["staff"],
            lock=form.cleaned_data["locked"],
        )
        if found is not None:
            breaches = found
            messages.success(
                request, gettext("Saved.") if not found else gettext("Saved, but rules are broken: see below.")
            )
    elif request.method == "GET":
        breaches = planning.breaches_for_cell(version, day=day, post=checkpoint.pk if checkpoint else 0, shift=shift)
    context = {
        "title": gettext("Edit duty"),
        "version": version,
        "form": form,
        "day": day,
        "checkpoint": checkpoint,
        "post_name": str(checkpoint) if checkpoint else gettext("Office duty"),
        "shift": shift,
        "breaches": breaches,
        "back": reverse("roster:version_detail", args=[version.pk]) + f"#d{day.isoformat()}",
    }
    return render(request, "roster/cell_edit.html", context)


@login_required
@require_POST
def cell_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Check a cell's rules as the office picks people, before saving (htmx)."""
    require(request.user, "roster.manage")
    version = _version(request, pk)
    day, checkpoint, shift = _cell_params(request, version)
    ids = [int(v) for v in request.POST.getlist("staff") if v.isdigit()]
    breaches = planning.preview_cell(
        version, day=day, post=checkpoint.pk if checkpoint else 0, shift=shift, staff_ids=ids
    )
    return render(request, "roster/_breaches.html", {"breaches": breaches, "checked": True})


@login_required
@require_POST
def cell_lock(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.manage")
    version = _version(request, pk)
    day, checkpoint, shift = _cell_params(request, version)
    locked = request.POST.get("locked") == "1"
    _run(
        request,
        services.cell_lock,
        gettext("Locked.") if locked else gettext("Unlocked."),
        version=version,
        day=day,
        checkpoint=checkpoint,
        shift=shift,
        locked=locked,
    )
    return redirect(reverse("roster:version_detail", args=[version.pk]) + f"#d{day.isoformat()}")


@login_required
def version_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.view")
    version = _version(request, pk)
    return exports.version_xlsx(version, _checkpoints(request))


# --- settings ---------------------------------------------------------------------------------


@login_required
def rule_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    campaign = _campaign()
    manage = can(request.user, "roster.manage")
    rules = selectors.rules_for(campaign)
    forms_ = [
        RuleForm(
            request.POST or None,
            prefix=key,
            key=key,
            initial={"enabled": r.enabled, "hard": r.hard, "weight": r.weight, "value": r.value},
        )
        for key, r in rules.items()
    ]
    settings = selectors.settings_for(campaign)
    office_form = OfficeSettingsForm(
        request.POST or None,
        prefix="office",
        initial={
            "office_shift_pattern": ", ".join(settings.office_shift_pattern),
            "office_staff": settings.office_staff,
            "leader_rota": settings.leader_rota,
        },
    )
    if request.method == "POST":
        require(request.user, "roster.manage")
        if all(f.is_valid() for f in forms_) and office_form.is_valid():
            try:
                for f in forms_:
                    services.rule_setting_save(actor=request.user, campaign=campaign, key=f.key, **f.cleaned_data)
                services.roster_settings_save(actor=request.user, campaign=campaign, **office_form.cleaned_data)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, gettext("Saved."))
                return redirect("roster:rule_settings")
    context = {
        "title": gettext("Rostering rules"),
        "rule_forms": forms_,
        "office_form": office_form,
        "limits": PersonLimit.objects.filter(campaign=campaign),
        "demands": CheckpointDemand.objects.select_related("checkpoint").filter(
            Q(need_party_member=True) | Q(need_team_leader=True)
        ),
        "manage": manage,
    }
    return render(request, "roster/rules.html", context)


@login_required
def person_limit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "roster.manage")
    campaign = _campaign()
    limit = get_scoped(PersonLimit.objects.filter(campaign=campaign), request.user, pk=pk) if pk else None
    form = PersonLimitForm(request.POST or None, instance=limit)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.person_limit_save, actor=request.user, limit=limit, campaign=campaign, **form.cleaned_data
        ):
            messages.success(request, gettext("Saved."))
            return redirect("roster:rule_settings")
    return _form_page(request, form, _("Per-person limit"), reverse("roster:rule_settings"))


@login_required
def demand_edit(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.manage")
    form = DemandForm(request.POST or None)
    form.fields["checkpoint"].queryset = scope(Checkpoint.objects.filter(active=True), request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.checkpoint_demand_save, actor=request.user, **form.cleaned_data):
            messages.success(request, gettext("Saved."))
            return redirect("roster:rule_settings")
    return _form_page(request, form, _("Per-shift rules of a checkpoint"), reverse("roster:rule_settings"))


# --- availability -----------------------------------------------------------------------------


@login_required
def unavailability_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    page = ListPage(
        title=_("Leave and unavailable dates"),
        columns=[
            Column(_("Staff member"), "staff.name", sort="staff__name"),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("From"), "start_date", sort="start_date"),
            Column(_("To"), "end_date", sort="end_date"),
            Column(_("Reason"), "reason"),
        ],
        search=("staff__name", "reason"),
        filters=[Filter("kind", _("Kind"), Unavailability.Kind.choices)],
        default_sort="-start_date",
        actions=[(_("Record leave"), reverse("roster:unavailability_create"), "plus")]
        if can(request.user, "roster.manage")
        else [],
    )
    return render_list(request, Unavailability.objects.select_related("staff"), page)


@login_required
def unavailability_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.manage")
    form = UnavailabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        since = timezone.now()
        record = call_service(form, services.unavailability_save, actor=request.user, **form.cleaned_data)
        if record:
            # Over published duties, a repaired roster was proposed: show the office what changes.
            proposals = selectors.repair_proposals(staff=record.staff, since=since)
            if len(proposals) == 1:
                messages.success(
                    request,
                    gettext("Saved. %(name)s's duties in those days are given to others below: approve or reject.")
                    % {"name": record.staff.name},
                )
            elif proposals:
                messages.success(
                    request,
                    gettext(
                        "Saved. %(name)s's duties in those days are given to others in %(n)d rosters: approve or"
                        " reject each; the first is below."
                    )
                    % {"name": record.staff.name, "n": len(proposals)},
                )
            if proposals:
                return redirect("roster:version_detail", pk=proposals[0].pk)
            messages.success(request, gettext("Saved. Re-solve open drafts to take it into account."))
            return redirect("roster:unavailability_list")
    return _form_page(request, form, _("Record leave"), reverse("roster:unavailability_list"))


# --- my duties, clocking, calendar ----------------------------------------------------------


def _me(request: HttpRequest) -> Staff | None:
    return getattr(request.user, "staff", None)


@login_required
def my_duties(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.own")
    staff = _me(request)
    now = timezone.now()
    duties = selectors.staff_duties(staff=staff, day_from=timezone.localdate() - timedelta(days=1)) if staff else []
    duties = [d for d in duties if d.ends_at >= now - selectors.CLOCK_LATE]
    current = selectors.clockable_duty(staff=staff, at=now) if staff else None
    attendance = selectors.attendance_for(staff=staff, starts=[d.starts_at for d in duties]) if staff else {}
    token = services.calendar_token_for(actor=request.user, staff=staff) if staff else None
    swaps = SwapRequest.objects.filter(requester=staff).order_by("-created_at")[:5] if staff else []
    context = {
        "title": gettext("My duties"),
        "staff": staff,
        "current": current,
        "current_attendance": attendance.get(current.starts_at) if current else None,
        "rows": [{"duty": d, "attendance": attendance.get(d.starts_at)} for d in duties],
        "ical_url": request.build_absolute_uri(reverse("roster:ical", args=[token.token])) if token else "",
        "swaps": swaps,
        "leader_today": selectors.leader_on_duty(day=timezone.localdate()),
    }
    return render(request, "roster/my_duties.html", context)


@login_required
@require_POST
def clock(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.own")
    staff = _me(request)
    if staff is None:
        messages.error(request, gettext("Your log-in is not linked to a staff record."))
        return redirect("roster:my_duties")
    try:
        # A tap kept on the phone while it had no network carries the moment it was made.
        tapped = request.POST.get("tapped_at") or ""
        try:
            tapped_at = parse_datetime(tapped) if tapped else None
        except ValueError:
            tapped_at = None
        if tapped and tapped_at is None:
            raise services.unreadable_tap_time()
        row = services.attendance_clock(
            actor=request.user, staff=staff, action=request.POST.get("action", ""), tapped_at=tapped_at
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        when = (
            timezone.localtime(row.clock_out or row.clock_in).strftime("%H:%M")
            if (row.clock_out or row.clock_in)
            else ""
        )
        messages.success(
            request,
            (gettext("Clocked out at %(t)s.") if row.clock_out else gettext("Clocked in at %(t)s.")) % {"t": when},
        )
    return redirect("roster:my_duties")


def ical(request: HttpRequest, token: str) -> HttpResponse:
    """The staff member's duties as an iCalendar feed (the secret address is the credential)."""
    from frontline.roster.models import CalendarToken

    row = CalendarToken.objects.select_related("staff").filter(token=token).first()
    if row is None:
        raise Http404
    return exports.ical_response(
        row.staff,
        selectors.staff_duties(staff=row.staff, day_from=timezone.localdate() - timedelta(days=14), limit=500),
    )


@login_required
@require_POST
def ical_reset(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.own")
    staff = _me(request)
    if staff is not None:
        services.calendar_token_for(actor=request.user, staff=staff, reset=True)
        messages.success(request, gettext("A new calendar address was made; the old one no longer works."))
    return redirect("roster:my_duties")


# --- swaps -----------------------------------------------------------------------------------


@login_required
def swap_create(request: HttpRequest, duty_pk: int) -> HttpResponse:
    require(request.user, "roster.own")
    staff = _me(request)
    if staff is None:
        raise Http404
    duty = get_scoped(
        Assignment.objects.filter(staff=staff, version__status=RosterVersion.Status.PUBLISHED).select_related(
            "version", "checkpoint"
        ),
        request.user,
        pk=duty_pk,
    )
    qs = _cell_staff_qs(duty.version, duty.checkpoint).exclude(pk=staff.pk)
    form = SwapForm(request.POST or None, staff_qs=qs)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.swap_request, actor=request.user, requester=staff, duty=duty, **form.cleaned_data
        ):
            messages.success(request, gettext("Your request was sent to the office."))
            return redirect("roster:my_duties")
    title = gettext("Ask to swap: %(day)s %(shift)s %(post)s") % {
        "day": duty.day,
        "shift": duty.shift,
        "post": duty.post_name,
    }
    return _form_page(request, form, title, reverse("roster:my_duties"))


@login_required
def swap_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    manage = can(request.user, "roster.manage")
    swaps = SwapRequest.objects.select_related("requester", "substitute", "checkpoint", "decided_by").order_by(
        "status", "-created_at"
    )[:200]
    return render(
        request,
        "roster/swaps.html",
        {"title": gettext("Swap requests"), "swaps": swaps, "manage": manage, "form": DecisionForm()},
    )


@login_required
@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "roster.manage")
    swap = get_scoped(SwapRequest.objects.all(), request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    _run(
        request,
        services.swap_decide,
        gettext("Approved and published.") if approve else gettext("Rejected."),
        swap=swap,
        approve=approve,
        note=note,
    )
    return redirect("roster:swap_list")


# --- attendance and inspections ------------------------------------------------------------


@login_required
def attendance_day(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    campaign = _campaign()
    day = _parse_day(request.GET.get("day")) or timezone.localdate()
    rows = selectors.attendance_day(campaign=campaign, day=day)
    counts = {
        "planned": len(rows),
        "attended": sum(1 for r in rows if r["attendance"] and r["attendance"].clock_in),
        "absent": sum(1 for r in rows if r["attendance"] and r["attendance"].status == "absent"),
        "late": sum(1 for r in rows if r["attendance"] and r["attendance"].status == "late"),
    }
    context = {
        "title": gettext("Attendance"),
        "day": day,
        "prev": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "rows": rows,
        "counts": counts,
        "person_times_day": selectors.person_times(campaign=campaign, day_from=day, day_to=day),
        "person_times_total": selectors.person_times(campaign=campaign),
        "leader": selectors.leader_on_duty(day=day),
    }
    return render(request, "roster/attendance.html", context)


@login_required
def inspection_day(request: HttpRequest) -> HttpResponse:
    require(request.user, "roster.view")
    campaign = _campaign()
    day = _parse_day(request.GET.get("day")) or timezone.localdate()
    inspections = list(scope(selectors.inspections_on(campaign=campaign, day=day), request.user))
    checkpoints = _checkpoints(request)
    seen = {i.checkpoint_id for i in inspections}
    form = None
    if can(request.user, "inspection.record"):
        form = InspectionForm(
            leaders=Staff.objects.filter(pk__in=[s.pk for s in selectors.leadership_staff(campaign)]),
            checkpoints=scope(Checkpoint.objects.filter(active=True), request.user),
            initial={"leader": getattr(_me(request), "pk", None)},
        )
    context = {
        "title": gettext("Inspections"),
        "day": day,
        "prev": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "inspections": inspections,
        "by_leader": _group_by_leader(inspections),
        "not_visited": [cp for cp in checkpoints if cp.pk not in seen],
        "form": form,
        "leader_on_duty": selectors.leader_on_duty(day=day),
    }
    return render(request, "roster/inspections.html", context)


def _group_by_leader(inspections: list[Any]) -> list[tuple[Staff, list[Any]]]:
    out: dict[int, tuple[Staff, list[Any]]] = {}
    for i in inspections:
        out.setdefault(i.leader_id, (i.leader, []))[1].append(i)
    return sorted(out.values(), key=lambda kv: -len(kv[1]))


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspection.record")
    campaign = _campaign()
    form = InspectionForm(
        request.POST or None,
        leaders=Staff.objects.filter(pk__in=[s.pk for s in selectors.leadership_staff(campaign)]),
        checkpoints=scope(Checkpoint.objects.filter(active=True), request.user),
        initial={"leader": getattr(_me(request), "pk", None)},
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, services.inspection_record, actor=request.user, campaign=campaign, **form.cleaned_data
        )
        if saved:
            messages.success(request, gettext("Inspection recorded."))
            day = timezone.localtime(saved.at).date()
            return redirect(reverse("roster:inspection_day") + f"?day={day.isoformat()}")
    return _form_page(request, form, _("Record an inspection"), reverse("roster:inspection_day"))
