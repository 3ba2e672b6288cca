"""Pages of the organisation: campaign, batches, units, groups, teams, staff, communities, checkpoints."""

from __future__ import annotations

from typing import Any

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
from frontline.core.audit import audit_record
from frontline.core.excel import Sheet, xlsx_response
from frontline.core.forms import call_service, edit_page
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.core.masking import mask_phone
from frontline.org import imports, services
from frontline.org.forms import (
    BatchForm,
    CampaignForm,
    CheckpointForm,
    CommunityForm,
    GroupForm,
    ImportForm,
    StaffForm,
    TeamForm,
    UnitForm,
    UserForm,
)
from frontline.org.models import Batch, Campaign, Checkpoint, Community, Staff, Team, Unit, User, WorkingGroup
from frontline.org.selectors import current_campaign


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str = "") -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})


def yes_no(value: bool) -> str:
    return gettext("Yes") if value else gettext("No")


# --- campaigns and batches -------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    page = ListPage(
        title=_("Campaigns"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Start date"), "start_date", sort="start_date"),
            Column(_("End date"), "end_date", sort="end_date"),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("Batches"), "n_batches"),
        ],
        search=("name",),
        filters=[Filter("status", _("Status"), Campaign.Status.choices)],
        default_sort="-start_date",
        detail_url=lambda c: reverse("org:campaign_detail", args=[c.pk]),
        actions=[(_("New campaign"), reverse("org:campaign_create"), "plus")]
        if can(request.user, "campaign.manage")
        else [],
    )
    return render_list(request, Campaign.objects.annotate(n_batches=Count("batches")), page)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "org.view")
    campaign = get_scoped(Campaign.objects.all(), request.user, pk=pk)
    batches = campaign.batches.annotate(n_staff=Count("staff"))
    groups = campaign.groups.select_related("leader").annotate(n=Count("members"))
    manage = can(request.user, "campaign.manage")
    context = {
        "title": campaign.name,
        "subtitle": campaign.get_status_display(),
        "campaign": campaign,
        "fields": [
            (_("Start date"), campaign.start_date),
            (_("End date"), campaign.end_date),
            (_("Duration (days)"), campaign.duration_days),
            (_("Fever threshold (°C)"), campaign.fever_threshold),
            (_("High-risk regions"), ", ".join(_region_names(campaign.high_risk_regions))),
            (_("Isolation days"), campaign.isolation_days),
            (_("Description"), campaign.description),
        ],
        "batches": batches,
        "groups": groups,
        "manage": manage,
        "next_status": services.CAMPAIGN_MOVES[Campaign.Status(campaign.status)],
        "actions": [(_("Edit"), reverse("org:campaign_edit", args=[pk]), "pencil")] if manage else [],
    }
    return render(request, "org/campaign_detail.html", context)


def _region_names(codes: list[str]) -> list[str]:
    from frontline.core.validators import region_full_name

    names = []
    for code in codes:
        try:
            names.append(f"{region_full_name(code)} ({code})")
        except Exception:
            names.append(code)
    return names


@login_required
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "campaign.manage")
    campaign = get_scoped(Campaign.objects.all(), request.user, pk=pk) if pk else None
    form = CampaignForm(request.POST or None, instance=campaign)
    return edit_page(
        request,
        form=form,
        service=services.campaign_save,
        title=_("Edit campaign") if campaign else _("New campaign"),
        success_url=lambda saved: reverse("org:campaign_detail", args=[saved.pk]),
        campaign=campaign,
    )


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "campaign.manage")
    campaign = get_scoped(Campaign.objects.all(), request.user, pk=pk)
    from frontline.core.errors import DomainError

    try:
        services.campaign_set_status(actor=request.user, campaign=campaign, status=request.POST.get("status", ""))
        messages.success(request, gettext("Status changed."))
    except (DomainError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("org:campaign_detail", pk=pk)


@login_required
def batch_edit(request: HttpRequest, campaign_pk: int, pk: int | None = None) -> HttpResponse:
    require(request.user, "campaign.manage")
    campaign = get_scoped(Campaign.objects.all(), request.user, pk=campaign_pk)
    batch = get_scoped(Batch.objects.filter(campaign=campaign), request.user, pk=pk) if pk else None
    form = BatchForm(request.POST or None, instance=batch)
    return edit_page(
        request,
        form=form,
        service=services.batch_save,
        title=_("Edit batch") if batch else _("New batch"),
        success_url=lambda saved: reverse("org:campaign_detail", args=[campaign.pk]),
        cancel_url=reverse("org:campaign_detail", args=[campaign.pk]),
        batch=batch,
        campaign=campaign,
    )


# --- units, groups, teams --------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    page = ListPage(
        title=_("Units"),
        columns=[
            Column(_("Name"), "name", sort="name", link=can(request.user, "org.manage")),
            Column(_("Short name"), "short_name"),
            Column(_("Staff"), "n_staff", sort="n_staff"),
        ],
        search=("name", "short_name"),
        default_sort="order",
        detail_url=lambda u: reverse("org:unit_edit", args=[u.pk]),
        actions=[(_("New unit"), reverse("org:unit_create"), "plus")] if can(request.user, "org.manage") else [],
    )
    return render_list(request, Unit.objects.annotate(n_staff=Count("staff", filter=Q(staff__active=True))), page)


@login_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    unit = get_scoped(Unit.objects.all(), request.user, pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    return edit_page(
        request,
        form=form,
        service=services.unit_save,
        title=_("Edit unit") if unit else _("New unit"),
        success_url=lambda saved: reverse("org:unit_list"),
        cancel_url=reverse("org:unit_list"),
        unit=unit,
    )


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    campaign = current_campaign()
    page = ListPage(
        title=_("Leadership group, office and working groups"),
        columns=[
            Column(_("Name"), "name", link=True),
            Column(_("Kind"), "get_kind_display"),
            Column(_("Leader"), "leader.name"),
            Column(_("Members"), "n_members"),
            Column(_("Duties"), "duties"),
        ],
        detail_url=lambda g: reverse("org:group_detail", args=[g.pk]),
        actions=[(_("New group"), reverse("org:group_create"), "plus")] if can(request.user, "org.manage") else [],
    )
    qs = WorkingGroup.objects.filter(campaign=campaign).select_related("leader").annotate(n_members=Count("members"))
    return render_list(request, qs.order_by("id"), page)


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "org.view")
    group = get_scoped(WorkingGroup.objects.select_related("leader", "campaign"), request.user, pk=pk)
    members = group.members.select_related("unit").order_by("name")
    context = {
        "title": group.name,
        "subtitle": group.get_kind_display(),
        "fields": [(_("Campaign"), group.campaign), (_("Leader"), group.leader), (_("Duties"), group.duties)],
        "sections": [
            {
                "title": _("Members"),
                "count": len(members),
                "headers": [_("Name"), _("Unit"), _("Position"), _("Phone")],
                "rows": [(m.name, m.unit, m.position, mask_phone(m.phone)) for m in members],
            }
        ],
        "actions": [(_("Edit"), reverse("org:group_edit", args=[pk]), "pencil")]
        if can(request.user, "org.manage")
        else [],
    }
    return render(request, "core/detail.html", context)


@login_required
def group_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    group = get_scoped(WorkingGroup.objects.all(), request.user, pk=pk) if pk else None
    form = GroupForm(request.POST or None, instance=group)
    campaign = group.campaign if group else current_campaign()
    if campaign is None:
        messages.error(request, gettext("Create a campaign first."))
        return redirect("org:campaign_create")
    return edit_page(
        request,
        form=form,
        service=services.group_save,
        title=_("Edit group") if group else _("New group"),
        success_url=lambda saved: reverse("org:group_detail", args=[saved.pk]),
        cancel_url=reverse("org:group_list"),
        group=group,
        campaign=campaign,
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "org.view")
    page = ListPage(
        title=_("Teams"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Leader"), "leader.name"),
            Column(_("Members"), "n_members", sort="n_members"),
            Column(_("Formed on"), "formed_on", sort="formed_on"),
        ],
        search=("name",),
        filters=[Filter("kind", _("Kind"), Team.Kind.choices)],
        default_sort="name",
        detail_url=lambda t: reverse("org:team_detail", args=[t.pk]),
        actions=[(_("New team"), reverse("org:team_create"), "plus")] if can(request.user, "org.manage") else [],
    )
    return render_list(request, Team.objects.select_related("leader").annotate(n_members=Count("members")), page)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "org.view")
    team = get_scoped(Team.objects.select_related("leader"), request.user, pk=pk)
    members = team.members.select_related("unit").order_by("name")
    context = {
        "title": team.name,
        "subtitle": team.get_kind_display(),
        "fields": [(_("Leader"), team.leader), (_("Formed on"), team.formed_on), (_("Description"), team.description)],
        "sections": [
            {
                "title": _("Members"),
                "count": len(members),
                "headers": [_("Name"), _("Sex"), _("Unit"), _("Position")],
                "rows": [(m.name, m.get_sex_display(), m.unit, m.position) for m in members],
            }
        ],
        "actions": [(_("Edit"), reverse("org:team_edit", args=[pk]), "pencil")]
        if can(request.user, "org.manage")
        else [],
    }
    return render(request, "core/detail.html", context)


@login_required
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    team = get_scoped(Team.objects.all(), request.user, pk=pk) if pk else None
    form = TeamForm(request.POST or None, instance=team)
    return edit_page(
        request,
        form=form,
        service=services.team_save,
        title=_("Edit team") if team else _("New team"),
        success_url=lambda saved: reverse("org:team_detail", args=[saved.pk]),
        cancel_url=reverse("org:team_list"),
        team=team,
    )


# --- staff -----------------------------------------------------------------------------


def staff_list_page(request: HttpRequest) -> ListPage:
    today = timezone.localdate()
    campaign = current_campaign()
    groups = list(WorkingGroup.objects.filter(campaign=campaign).values_list("pk", "name")) if campaign else []
    actions = []
    if can(request.user, "staff.manage"):
        actions += [
            (_("New staff member"), reverse("org:staff_create"), "person-plus"),
            (_("Import from Excel"), reverse("org:staff_import"), "upload"),
        ]
    actions.append((_("Export to Excel"), reverse("org:staff_export") + "?" + request.GET.urlencode(), "download"))
    return ListPage(
        title=_("Staff"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Sex"), "get_sex_display", sort="sex"),
            Column(_("Age"), lambda s: s.age_on(today) or ""),
            Column(_("Unit"), "unit.name", sort="unit__order"),
            Column(_("Position"), "position"),
            Column(_("Party status"), "get_party_status_display", sort="party_status"),
            Column(_("Veteran"), lambda s: gettext("Veteran") if s.military_years else ""),
            Column(_("Phone"), "phone_masked", css="font-monospace"),
            Column(_("Teams"), lambda s: "、".join(t.name for t in s.teams.all())),
        ],
        search=("name", "position"),
        filters=[
            Filter("unit", _("Unit"), list(Unit.objects.values_list("pk", "name")), lookup="unit_id"),
            Filter("group", _("Group"), groups, lookup="groups__id"),
            Filter("team", _("Team"), list(Team.objects.values_list("pk", "name")), lookup="teams__id"),
            Filter("party", _("Party status"), Staff.PartyStatus.choices, lookup="party_status"),
            Filter("sex", _("Sex"), Staff.Sex.choices),
            Filter(
                "veteran",
                _("Veteran"),
                [("1", _("Veterans"))],
                apply=lambda qs, v: qs.filter(military_years__gt=0),
            ),
            Filter(
                "active",
                _("Active"),
                [("1", _("Active")), ("0", _("Inactive"))],
                apply=lambda qs, v: qs.filter(active=v == "1"),
            ),
        ],
        default_sort="name",
        detail_url=lambda s: reverse("org:staff_detail", args=[s.pk]),
        actions=actions,
        search_placeholder=_("Name or position"),
    )


def staff_queryset() -> Any:
    return (
        Staff.objects.select_related("unit")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("name")))
        .distinct()
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.view")
    return render_list(request, staff_queryset(), staff_list_page(request))


@login_required
def staff_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.view")
    from frontline.core.listing import apply_list_params

    qs, _state = apply_list_params(request, staff_queryset(), staff_list_page(request))
    audit_record(actor=request.user, action="staff.export", changes={"rows": qs.count()})
    return xlsx_response(f"staff-{timezone.localdate()}.xlsx", [imports.staff_export_sheet(qs)])


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "staff.view")
    staff = get_scoped(Staff.objects.select_related("unit", "home_community", "user"), request.user, pk=pk)
    return render(request, "org/staff_detail.html", staff_profile_context(request, staff))


def staff_profile_context(request: HttpRequest, staff: Staff) -> dict[str, Any]:
    """Build what a staff profile page shows; other apps add sections through `profile_sections`."""
    from frontline.org.profile import profile_sections

    today = timezone.localdate()
    return {
        "title": staff.name,
        "subtitle": " · ".join(str(p) for p in (staff.unit, staff.position) if p),
        "staff": staff,
        "age": staff.age_on(today),
        "groups": staff.groups.all(),
        "teams": staff.teams.all(),
        "batches": staff.batches.all(),
        "sections": profile_sections(request, staff),
        "manage": can(request.user, "staff.manage"),
    }


@login_required
def staff_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "staff.manage")
    staff = get_scoped(Staff.objects.all(), request.user, pk=pk) if pk else None
    form = StaffForm(request.POST or None, instance=staff)
    return edit_page(
        request,
        form=form,
        service=services.staff_save,
        title=_("Edit staff member") if staff else _("New staff member"),
        success_url=lambda saved: reverse("org:staff_detail", args=[saved.pk]),
        cancel_url=reverse("org:staff_list"),
        staff=staff,
    )


@login_required
def staff_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(form, imports.staff_import, actor=request.user, upload=form.cleaned_data["file"])
        if result and not result.errors:
            messages.success(request, gettext("Imported %(n)s staff members.") % {"n": result.created})
            return redirect("org:staff_list")
    return render(request, "org/staff_import.html", {"form": form, "result": result})


@login_required
def staff_import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.manage")
    return xlsx_response("staff-import-template.xlsx", [imports.staff_template_sheet()])


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    """The 24-hour contact list (通讯录) of all active staff, printable; full numbers are logged."""
    require(request.user, "contacts.view")
    full = can(request.user, "sensitive.reveal") and request.GET.get("full") == "1"
    staff = list(
        Staff.objects.filter(active=True)
        .select_related("unit")
        .prefetch_related("groups")
        .order_by("unit__order", "name")
    )
    if full:
        audit_record(actor=request.user, action="sensitive.reveal", changes={"contact_list": len(staff)})
    rows = [
        {
            "staff": s,
            "phone": s.phone if full else mask_phone(s.phone),
            "emergency": f"{s.emergency_contact} {s.emergency_phone if full else mask_phone(s.emergency_phone)}".strip(),
            "groups": "、".join(g.name for g in s.groups.all()),
        }
        for s in staff
    ]
    return render(
        request,
        "org/contact_list.html",
        {"rows": rows, "full": full, "can_full": can(request.user, "sensitive.reveal"), "now": timezone.localtime()},
    )


@login_required
def contact_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "contacts.view")
    full = can(request.user, "sensitive.reveal")
    staff = Staff.objects.filter(active=True).select_related("unit").order_by("unit__order", "name")
    if full:
        audit_record(actor=request.user, action="sensitive.reveal", changes={"contact_export": staff.count()})
    return xlsx_response(f"contacts-{timezone.localdate()}.xlsx", [imports.contact_sheet(staff, full=full)])


# --- communities and checkpoints -----------------------------------------------------------


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "community.view")
    manage = can(request.user, "org.manage")
    page = ListPage(
        title=_("Communities"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Sub-district"), "subdistrict", sort="subdistrict"),
            Column(_("Address"), "address"),
            Column(_("Liaison"), "liaison_name"),
            Column(_("Liaison phone"), "liaison_phone"),
            Column(_("Checkpoints"), "n_checkpoints", sort="n_checkpoints"),
        ],
        search=("name", "subdistrict", "address", "liaison_name"),
        default_sort="name",
        detail_url=lambda c: reverse("org:community_detail", args=[c.pk]),
        actions=([(_("New community"), reverse("org:community_create"), "plus")] if manage else [])
        + [(_("Export to Excel"), reverse("org:community_export"), "download")],
    )
    qs = scope(
        Community.objects.annotate(n_checkpoints=Count("checkpoints", filter=Q(checkpoints__active=True))), request.user
    )
    return render_list(request, qs, page)


@login_required
def community_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "community.view")
    qs = scope(Community.objects.all(), request.user)
    headers = [
        _("Name"),
        _("Sub-district"),
        _("Address"),
        _("Region code"),
        _("Liaison"),
        _("Liaison phone"),
        _("Office phone"),
    ]
    rows = [
        (c.name, c.subdistrict, c.address, c.region_code, c.liaison_name, c.liaison_phone, c.office_phone) for c in qs
    ]
    return xlsx_response("communities.xlsx", [Sheet(_("Communities"), headers, rows)])


@login_required
def community_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "community.view")
    community = get_scoped(Community.objects.all(), request.user, pk=pk)
    checkpoints = community.checkpoints.all()
    context = {
        "title": community.name,
        "subtitle": community.subdistrict,
        "fields": [
            (_("Sub-district"), community.subdistrict),
            (_("Address"), community.address),
            (_("Region code"), community.region_code),
            (_("Liaison"), community.liaison_name),
            (_("Liaison phone"), community.liaison_phone),
            (_("Office phone"), community.office_phone),
        ],
        "sections": [
            {
                "title": _("Checkpoints"),
                "count": len(checkpoints),
                "headers": [_("Code"), _("Name"), _("Kind"), _("Opened on"), _("Status")],
                "rows": [
                    (
                        c.code,
                        c.name,
                        c.get_kind_display(),
                        c.opened_on,
                        gettext("Active") if c.active else gettext("Closed"),
                    )
                    for c in checkpoints
                ],
            }
        ],
        "actions": [(_("Edit"), reverse("org:community_edit", args=[pk]), "pencil")]
        if can(request.user, "org.manage")
        else [],
    }
    return render(request, "core/detail.html", context)


@login_required
def community_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    community = get_scoped(Community.objects.all(), request.user, pk=pk) if pk else None
    form = CommunityForm(request.POST or None, instance=community)
    return edit_page(
        request,
        form=form,
        service=services.community_save,
        title=_("Edit community") if community else _("New community"),
        success_url=lambda saved: reverse("org:community_detail", args=[saved.pk]),
        cancel_url=reverse("org:community_list"),
        community=community,
    )


def checkpoint_list_page(request: HttpRequest) -> ListPage:
    manage = can(request.user, "org.manage")
    return ListPage(
        title=_("Checkpoints"),
        columns=[
            Column(_("Code"), "code", sort="code", link=True),
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Community"), "community.name", sort="community__name"),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Shifts"), lambda c: "、".join(c.shift_pattern)),
            Column(_("Staff per shift"), lambda c: f"{c.staff_min}–{c.staff_max}"),
            Column(_("Opened on"), "opened_on", sort="opened_on"),
            Column(_("Status"), lambda c: gettext("Active") if c.active else gettext("Closed"), sort="active"),
        ],
        search=("code", "name", "address", "community__name"),
        filters=[
            Filter(
                "community",
                _("Community"),
                list(scope(Community.objects.all(), request.user).values_list("pk", "name")),
                lookup="community_id",
            ),
            Filter("kind", _("Kind"), Checkpoint.Kind.choices),
            Filter(
                "active",
                _("Status"),
                [("1", _("Active")), ("0", _("Closed"))],
                apply=lambda qs, v: qs.filter(active=v == "1"),
            ),
        ],
        default_sort="code",
        detail_url=lambda c: reverse("org:checkpoint_detail", args=[c.pk]),
        actions=([(_("New checkpoint"), reverse("org:checkpoint_create"), "plus")] if manage else [])
        + [(_("Export to Excel"), reverse("org:checkpoint_export") + "?" + request.GET.urlencode(), "download")],
    )


@login_required
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "checkpoint.view")
    qs = scope(Checkpoint.objects.select_related("community"), request.user)
    return render_list(request, qs, checkpoint_list_page(request))


@login_required
def checkpoint_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "checkpoint.view")
    from frontline.core.listing import apply_list_params

    qs, _state = apply_list_params(
        request, scope(Checkpoint.objects.select_related("community"), request.user), checkpoint_list_page(request)
    )
    headers = [
        _("Code"),
        _("Name"),
        _("Community"),
        _("Address"),
        _("Kind"),
        _("Opened on"),
        _("Closed on"),
        _("Shifts"),
        _("Staff per shift (min)"),
        _("Staff per shift (max)"),
        _("Status"),
    ]
    rows = [
        (
            c.code,
            c.name,
            c.community.name,
            c.address,
            c.get_kind_display(),
            c.opened_on,
            c.closed_on,
            "、".join(c.shift_pattern),
            c.staff_min,
            c.staff_max,
            gettext("Active") if c.active else gettext("Closed"),
        )
        for c in qs
    ]
    return xlsx_response("checkpoints.xlsx", [Sheet(_("Checkpoints"), headers, rows)])


@login_required
def checkpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "checkpoint.view")
    checkpoint = get_scoped(Checkpoint.objects.select_related("community"), request.user, pk=pk)
    from frontline.org.profile import checkpoint_sections

    manage = can(request.user, "org.manage")
    context = {
        "title": f"{checkpoint.code} {checkpoint.name}",
        "subtitle": gettext("Active") if checkpoint.active else gettext("Closed"),
        "checkpoint": checkpoint,
        "fields": [
            (_("Community"), checkpoint.community),
            (_("Address"), checkpoint.address),
            (_("Kind"), checkpoint.get_kind_display()),
            (_("Opened on"), checkpoint.opened_on),
            (_("Closed on"), checkpoint.closed_on),
            (_("Shifts"), "、".join(checkpoint.shift_pattern)),
            (_("Staff per shift"), f"{checkpoint.staff_min}–{checkpoint.staff_max}"),
        ],
        "sections": checkpoint_sections(request, checkpoint),
        "actions": [(_("Edit"), reverse("org:checkpoint_edit", args=[pk]), "pencil")] if manage else [],
        "manage": manage,
    }
    return render(request, "org/checkpoint_detail.html", context)


@login_required
def checkpoint_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "org.manage")
    checkpoint = get_scoped(Checkpoint.objects.all(), request.user, pk=pk) if pk else None
    form = CheckpointForm(request.POST or None, instance=checkpoint)
    return edit_page(
        request,
        form=form,
        service=services.checkpoint_save,
        title=_("Edit checkpoint") if checkpoint else _("New checkpoint"),
        success_url=lambda saved: reverse("org:checkpoint_detail", args=[saved.pk]),
        cancel_url=reverse("org:checkpoint_list"),
        checkpoint=checkpoint,
        active=checkpoint.active if checkpoint else True,
    )


@login_required
@require_POST
def checkpoint_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "org.manage")
    checkpoint = get_scoped(Checkpoint.objects.all(), request.user, pk=pk)
    from frontline.core.errors import DomainError

    try:
        services.checkpoint_close(actor=request.user, checkpoint=checkpoint, closed_on=timezone.localdate())
        messages.success(request, gettext("Checkpoint closed."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("org:checkpoint_detail", pk=pk)


# --- log-ins and profile ---------------------------------------------------------------------


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.manage")
    from frontline.core.access import Role

    page = ListPage(
        title=_("Log-ins"),
        columns=[
            Column(_("User name"), "username", sort="username", link=True),
            Column(_("Name"), "display_name"),
            Column(_("Role"), "get_role_display", sort="role"),
            Column(_("Community"), "community.name"),
            Column(_("Active"), lambda u: yes_no(u.is_active)),
            Column(
                _("Last log-in"),
                lambda u: timezone.localtime(u.last_login).strftime("%Y-%m-%d %H:%M") if u.last_login else "",
                sort="last_login",
            ),
        ],
        search=("username", "staff__name"),
        filters=[Filter("role", _("Role"), Role.choices)],
        default_sort="username",
        detail_url=lambda u: reverse("org:user_edit", args=[u.pk]),
        actions=[(_("New log-in"), reverse("org:user_create"), "plus")],
    )
    return render_list(request, User.objects.select_related("community", "staff"), page)


@login_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "staff.manage")
    user = get_scoped(User.objects.all(), request.user, pk=pk) if pk else None
    initial = (
        {"username": user.username, "role": user.role, "community": user.community, "is_active": user.is_active}
        if user
        else {"is_active": True}
    )
    form = UserForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            services.user_save,
            actor=request.user,
            user=user,
            username=data["username"],
            role=data["role"],
            community=data["community"],
            password=data["password"] or None,
            is_active=data["is_active"],
        )
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("org:user_list")
    return _form_page(request, form, _("Edit log-in") if user else _("New log-in"), reverse("org:user_list"))


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own page: their staff record, API tokens, language."""
    staff = getattr(request.user, "staff", None)
    context: dict[str, Any] = {"title": _("My profile"), "me": request.user}
    if staff is not None:
        context.update(staff_profile_context(request, staff))
        context["title"] = _("My profile")
    from frontline.org.profile import api_tokens_context

    context.update(api_tokens_context(request))
    context["new_token"] = getattr(request, "new_token", None)
    return render(request, "org/profile.html", context)
