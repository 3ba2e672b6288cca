"""Pages of party work: organisation, members, reports to communities, dues, applications,
vanguard posts and honours."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.errors import DomainError
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.org.models import Community, Staff
from frontline.org.selectors import current_campaign
from frontline.party import selectors, services
from frontline.party.forms import (
    ApplicationForm,
    ApplicationMoveForm,
    BranchForm,
    CollectionForm,
    CommendationForm,
    DateForm,
    DuesEntryForm,
    MembersAddForm,
    ReportForm,
    StatusForm,
    VanguardForm,
)
from frontline.party.models import (
    Application,
    Branch,
    BranchMembership,
    Commendation,
    CommunityReport,
    DuesCollection,
    DuesEntry,
    VanguardPost,
)


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str = "", intro: Any = "") -> HttpResponse:
    return render(request, "party/form.html", {"form": form, "title": title, "cancel_url": cancel_url, "intro": intro})


def _yuan(value: Any) -> str:
    return f"{value or 0:,.2f}"


# --- overview ------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    branches = list(selectors.branches_with_counts().prefetch_related("communities"))
    known = {b.pk for b in branches}
    children: dict[int | None, list[Branch]] = {}
    for b in branches:
        children.setdefault(b.parent_id if b.parent_id in known else None, []).append(b)
    tree: list[tuple[Branch, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for b in children.get(parent, []):
            tree.append((b, depth))
            walk(b.pk, depth + 1)

    walk(None, 0)
    context = {
        "title": _("Party work"),
        "summary": selectors.party_summary(),
        "tree": tree,
        "manage": can(request.user, "party.manage"),
    }
    return render(request, "party/home.html", context)


# --- branches ------------------------------------------------------------------------------


@login_required
def branch_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    page = ListPage(
        title=_("Party organisations"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Parent organisation"), "parent.name"),
            Column(_("Established on"), "established_on", sort="established_on"),
            Column(_("Communities served"), lambda b: "、".join(c.name for c in b.communities.all())),
            Column(_("Secretary"), "secretary.name"),
            Column(_("Members"), "n_members", sort="n_members"),
            Column(pgettext_lazy("party", "Reports"), "n_reports", sort="n_reports"),
            Column(_("Status"), lambda b: b.get_status_display() + (f" {b.dissolved_on}" if b.dissolved_on else "")),
        ],
        search=("name", "secretary__name"),
        filters=[
            Filter("kind", _("Kind"), Branch.Kind.choices),
            Filter("status", _("Status"), Branch.Status.choices),
            Filter(
                "community", _("Community"), list(Community.objects.values_list("pk", "name")), lookup="communities__id"
            ),
        ],
        default_sort="kind",
        detail_url=lambda b: reverse("party:branch_detail", args=[b.pk]),
        actions=[(_("New branch"), reverse("party:branch_create"), "plus")]
        if can(request.user, "party.manage")
        else [],
    )
    qs = selectors.branches_with_counts().prefetch_related("communities")
    return render_list(request, qs, page)


@login_required
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.view")
    branch = get_scoped(Branch.objects.select_related("parent", "secretary", "unit", "campaign"), request.user, pk=pk)
    manage = can(request.user, "party.manage") and branch.is_active
    memberships = list(branch.memberships.select_related("staff__unit").order_by("left_on", "staff__name"))
    reports = branch.reports.select_related("staff", "community").order_by("-reported_on", "staff__name")[:100]
    communities = list(branch.communities.all())
    actions: list[tuple[Any, str, str]] = []
    if manage:
        actions = [
            (_("Edit"), reverse("party:branch_edit", args=[pk]), "pencil"),
            (_("Add members"), reverse("party:branch_members", args=[pk]), "person-plus"),
            (_("Record reports to a community"), reverse("party:report_create") + f"?branch={pk}", "journal-plus"),
        ]
    context = {
        "title": branch.name,
        "subtitle": branch.get_kind_display(),
        "branch": branch,
        "manage": manage,
        "actions": actions,
        "fields": [
            (_("Kind"), branch.get_kind_display()),
            (_("Parent organisation"), branch.parent),
            (_("Unit"), branch.unit),
            (_("Established on"), branch.established_on),
            (_("Status"), branch.get_status_display()),
            (_("Dissolved on"), branch.dissolved_on),
            (_("Communities served"), "、".join(c.name for c in communities)),
            (_("Secretary"), branch.secretary),
            (_("Current members"), sum(1 for m in memberships if m.left_on is None)),
            (_("Note"), branch.note),
        ],
        "memberships": memberships,
        "communities": communities,
        "sections": [
            {
                "title": _("Reports to communities"),
                "count": branch.reports.count(),
                "headers": [_("Reported on"), _("Member"), _("Community"), _("What they did")],
                "rows": [(r.reported_on, r.staff.name, r.community.name, r.activity) for r in reports],
            },
            {
                "title": _("Branches under it"),
                "count": None,
                "headers": [_("Name"), _("Kind"), _("Established on"), _("Status")],
                "rows": [
                    (c.name, c.get_kind_display(), c.established_on, c.get_status_display())
                    for c in branch.children.order_by("established_on")
                ],
            },
        ],
    }
    return render(request, "party/branch_detail.html", context)


@login_required
def branch_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "party.manage")
    branch = get_scoped(Branch.objects.all(), request.user, pk=pk) if pk else None
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = (
            branch.campaign if branch else (current_campaign() if data["kind"] == Branch.Kind.TEMPORARY else None)
        )
        stored = Branch.objects.get(pk=branch.pk) if branch else None  # the form has changed `branch` in memory
        saved = call_service(form, services.branch_save, actor=request.user, branch=stored, campaign=campaign, **data)
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("party:branch_detail", pk=saved.pk)
    cancel = reverse("party:branch_detail", args=[pk]) if pk else reverse("party:branch_list")
    return _form_page(request, form, _("Edit branch") if branch else _("New branch"), cancel)


@login_required
def branch_members(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    branch = get_scoped(Branch.objects.all(), request.user, pk=pk)
    form = MembersAddForm(request.POST or None, initial={"joined_on": max(branch.established_on, timezone.localdate())})
    current = branch.memberships.filter(left_on__isnull=True).values_list("staff_id", flat=True)
    form.fields["staff"].queryset = form.fields["staff"].queryset.exclude(pk__in=list(current))  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        made = call_service(
            form,
            services.branch_members_add,
            actor=request.user,
            branch=branch,
            staff=list(form.cleaned_data["staff"]),
            joined_on=form.cleaned_data["joined_on"],
        )
        if made:
            messages.success(request, gettext("%(n)d members added.") % {"n": len(made)})
            return redirect("party:branch_detail", pk=pk)
    title = gettext("Add members to %(name)s") % {"name": branch.name}
    return _form_page(request, form, title, reverse("party:branch_detail", args=[pk]))


@login_required
def branch_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    branch = get_scoped(Branch.objects.all(), request.user, pk=pk)
    form = DateForm(request.POST or None, initial={"on": timezone.localdate()})
    form.fields["on"].label = _("Dissolved on")
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_dissolve(actor=request.user, branch=branch, on=form.cleaned_data["on"])
        except DomainError as exc:
            form.add_error("on" if exc.field in ("dissolved_on", None) else None, str(exc))
        else:
            messages.success(request, gettext("The branch is dissolved; its members, reports and history are kept."))
            return redirect("party:branch_detail", pk=pk)
    intro = gettext(
        "Dissolving %(name)s ends every current membership on that date. Members, reports and history are kept."
    ) % {"name": branch.name}
    title = gettext("Dissolve %(name)s") % {"name": branch.name}
    return _form_page(request, form, title, reverse("party:branch_detail", args=[pk]), intro)


@login_required
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    membership = get_scoped(BranchMembership.objects.select_related("branch", "staff"), request.user, pk=pk)
    form = DateForm(request.POST or None, initial={"on": timezone.localdate()})
    form.fields["on"].label = _("Left on")
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_member_leave(actor=request.user, membership=membership, left_on=form.cleaned_data["on"])
        except DomainError as exc:
            form.add_error("on", str(exc))
        else:
            messages.success(request, gettext("Saved."))
            return redirect("party:branch_detail", pk=membership.branch_id)
    title = gettext("%(name)s leaves %(branch)s") % {"name": membership.staff.name, "branch": membership.branch.name}
    return _form_page(request, form, title, reverse("party:branch_detail", args=[membership.branch_id]))


# --- members and their status ---------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    manage = can(request.user, "party.manage")
    page = ListPage(
        title=_("Party members and activists"),
        columns=[
            Column(_("Name"), "name", sort="name", link=True),
            Column(_("Unit"), "unit.name", sort="unit__order"),
            Column(_("Position"), "position"),
            Column(_("Party status"), "get_party_status_display", sort="party_status"),
            Column(_("Since"), "party_since", sort="party_since"),
            Column(_("Branches"), lambda s: "、".join(m.branch.name for m in s.open_memberships)),
            Column(pgettext_lazy("party", "Reports"), "n_reports", sort="n_reports"),
        ],
        search=("name", "position"),
        filters=[
            Filter(
                "status",
                _("Party status"),
                [c for c in Staff.PartyStatus.choices if c[0] != "none"],
                lookup="party_status",
            ),
            Filter(
                "branch",
                _("Branch"),
                list(Branch.objects.filter(status=Branch.Status.ACTIVE).values_list("pk", "name")),
                apply=lambda qs, v: qs.filter(party_memberships__branch_id=v, party_memberships__left_on__isnull=True),
            ),
        ],
        default_sort="unit__order",
        detail_url=lambda s: (
            reverse("party:member_status", args=[s.pk]) if manage else reverse("org:staff_detail", args=[s.pk])
        ),
    )
    qs = (
        Staff.objects.filter(active=True)
        .exclude(party_status=Staff.PartyStatus.NONE)
        .select_related("unit")
        .annotate(n_reports=Count("community_reports", distinct=True))
        .prefetch_related(
            Prefetch(
                "party_memberships",
                queryset=BranchMembership.objects.filter(left_on__isnull=True).select_related("branch"),
                to_attr="open_memberships",
            )
        )
    )
    return render_list(request, qs, page)


@login_required
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    staff = get_scoped(Staff.objects.select_related("unit"), request.user, pk=pk)
    form = StatusForm(request.POST or None, staff=staff, initial={"changed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            services.party_status_change,
            actor=request.user,
            staff=staff,
            status=data["status"],
            on=data["changed_on"],
            note=data["note"],
        ):
            messages.success(request, gettext("Party status changed."))
            return redirect("org:staff_detail", pk=pk)
    history = staff.party_status_changes.all()
    context = {
        "form": form,
        "title": gettext("Party status of %(name)s") % {"name": staff.name},
        "staff": staff,
        "history": history,
        "cancel_url": reverse("org:staff_detail", args=[pk]),
    }
    return render(request, "party/member_status.html", context)


# --- reports to communities -------------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    page = ListPage(
        title=_("Reports to communities"),
        columns=[
            Column(_("Reported on"), "reported_on", sort="reported_on"),
            Column(_("Member"), "staff.name", sort="staff__name"),
            Column(_("Party status"), "staff.get_party_status_display"),
            Column(_("Community"), "community.name", sort="community__name", link=True),
            Column(_("Branch"), "branch.name"),
            Column(_("What they did"), "activity", css="text-wrap"),
        ],
        search=("staff__name", "activity"),
        filters=[
            Filter(
                "community", _("Community"), list(Community.objects.values_list("pk", "name")), lookup="community_id"
            ),
            Filter(
                "branch",
                _("Branch"),
                list(Branch.objects.filter(kind=Branch.Kind.TEMPORARY).values_list("pk", "name")),
                lookup="branch_id",
            ),
        ],
        default_sort="-reported_on",
        detail_url=lambda r: reverse("party:community_members", args=[r.community_id]),
        actions=[(_("Record reports"), reverse("party:report_create"), "journal-plus")]
        if can(request.user, "party.manage")
        else [],
    )
    qs = scope(CommunityReport.objects.select_related("staff", "community", "branch"), request.user)
    return render_list(request, qs, page)


@login_required
def report_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.manage")
    branch = None
    if request.GET.get("branch"):
        branch = get_scoped(Branch.objects.filter(status=Branch.Status.ACTIVE), request.user, pk=request.GET["branch"])
    initial: dict[str, Any] = {"reported_on": timezone.localdate(), "branch": branch}
    if branch is not None:
        first = branch.communities.first()
        initial["community"] = first
    if request.GET.get("community"):
        initial["community"] = request.GET["community"]
    form = ReportForm(request.POST or None, branch=branch, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made = call_service(
            form,
            services.report_record,
            actor=request.user,
            staff=list(data["staff"]),
            community=data["community"],
            branch=data["branch"],
            reported_on=data["reported_on"],
            activity=data["activity"],
        )
        if made:
            messages.success(request, gettext("%(n)d reports recorded.") % {"n": len(made)})
            return redirect("party:community_members", pk=data["community"].pk)
    title = gettext("Record reports to a community") + (f" · {branch.name}" if branch else "")
    cancel = reverse("party:branch_detail", args=[branch.pk]) if branch else reverse("party:report_list")
    return _form_page(request, form, title, cancel)


@login_required
def community_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    page = ListPage(
        title=_("Communities served by party members"),
        columns=[
            Column(_("Community"), "name", sort="name", link=True),
            Column(_("Sub-district"), "subdistrict"),
            Column(_("Branches serving it"), "n_branches", sort="n_branches"),
            Column(_("Members who reported"), "n_reporters", sort="n_reporters"),
            Column(pgettext_lazy("party", "Reports"), "n_reports", sort="n_reports"),
        ],
        search=("name",),
        default_sort="name",
        detail_url=lambda c: reverse("party:community_members", args=[c.pk]),
    )
    return render_list(request, scope(selectors.community_overview(), request.user), page)


@login_required
def community_members(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.view")
    community = get_scoped(Community.objects.all(), request.user, pk=pk)
    serving = selectors.members_serving(community)
    branches = community.party_branches.select_related("secretary").order_by("status", "established_on")
    context = {
        "title": gettext("Party members serving %(name)s") % {"name": community.name},
        "community": community,
        "serving": serving,
        "branches": branches,
        "recent": community.party_reports.select_related("staff", "branch").order_by("-reported_on", "staff__name")[
            :30
        ],
        "manage": can(request.user, "party.manage"),
    }
    return render(request, "party/community_members.html", context)


# --- dues and donations ----------------------------------------------------------------------


@login_required
def dues_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    page = ListPage(
        title=_("Special dues and donations"),
        columns=[
            Column(_("Title"), "title", sort="title", link=True),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Purpose"), "purpose"),
            Column(_("Date"), "collected_on", sort="collected_on"),
            Column(_("Organised by"), "branch.name"),
            Column(_("Entries"), "entry_count", sort="entry_count"),
            Column(
                _("Total (yuan)"), lambda c: _yuan(c.total_amount), sort="total_amount", css="text-end font-monospace"
            ),
        ],
        search=("title", "purpose"),
        filters=[Filter("kind", _("Kind"), DuesCollection.Kind.choices)],
        default_sort="-collected_on",
        detail_url=lambda c: reverse("party:dues_detail", args=[c.pk]),
        actions=[(_("New collection"), reverse("party:dues_create"), "plus")]
        if can(request.user, "party.manage")
        else [],
    )
    return render_list(request, selectors.collections_with_totals(), page)


@login_required
def dues_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "party.manage")
    collection = get_scoped(DuesCollection.objects.all(), request.user, pk=pk) if pk else None
    initial = {}
    if collection is None:
        general = Branch.objects.filter(kind=Branch.Kind.GENERAL, status=Branch.Status.ACTIVE).first()
        initial = {"collected_on": timezone.localdate(), "branch": general}
    form = CollectionForm(request.POST or None, instance=collection, initial=initial)
    if request.method == "POST" and form.is_valid():
        campaign = collection.campaign if collection else current_campaign()
        stored = DuesCollection.objects.get(pk=collection.pk) if collection else None
        saved = call_service(
            form,
            services.collection_save,
            actor=request.user,
            collection=stored,
            campaign=campaign,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("party:dues_detail", pk=saved.pk)
    cancel = reverse("party:dues_detail", args=[pk]) if pk else reverse("party:dues_list")
    return _form_page(request, form, _("Edit collection") if collection else _("New collection"), cancel)


@login_required
def dues_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.view")
    collection = get_scoped(selectors.collections_with_totals(), request.user, pk=pk)
    manage = can(request.user, "party.manage")
    form = DuesEntryForm(request.POST or None, collection=collection, initial={"paid_on": collection.collected_on})
    if request.method == "POST":
        require(request.user, "party.manage")
        if form.is_valid():
            data = form.cleaned_data
            entry = call_service(
                form,
                services.dues_entry_add,
                actor=request.user,
                collection=collection,
                staff=data["staff"],
                amount=data["amount"],
                paid_on=data["paid_on"],
                note=data["note"],
            )
            if entry:
                messages.success(
                    request,
                    gettext("Recorded %(amount)s yuan from %(name)s.")
                    % {"amount": _yuan(entry.amount), "name": entry.staff.name},
                )
                return redirect("party:dues_detail", pk=pk)
    entries = collection.entries.select_related("staff__unit").order_by("id")
    context = {
        "title": collection.title,
        "collection": collection,
        "entries": entries,
        "total": collection.total(),
        "form": form,
        "manage": manage,
    }
    return render(request, "party/dues_detail.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def dues_entry_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    entry = get_scoped(DuesEntry.objects.select_related("collection", "staff"), request.user, pk=pk)
    services.dues_entry_remove(actor=request.user, entry=entry)
    messages.success(request, gettext("Entry removed."))
    return redirect("party:dues_detail", pk=entry.collection_id)


@login_required
def dues_print(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.view")
    collection = get_scoped(DuesCollection.objects.select_related("branch"), request.user, pk=pk)
    entries = list(collection.entries.select_related("staff__unit").order_by("staff__unit__order", "id"))
    context = {
        "title": gettext("Receipt list: %(title)s") % {"title": collection.title},
        "collection": collection,
        "entries": entries,
        "total": collection.total(),
        "printed_at": timezone.localtime(),
    }
    return render(request, "party/dues_print.html", context)


# --- membership applications ----------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    page = ListPage(
        title=_("Membership applications"),
        columns=[
            Column(_("Applicant"), "applicant.name", sort="applicant__name", link=True),
            Column(_("Unit"), "applicant.unit.name"),
            Column(_("Branch"), "branch.name"),
            Column(_("Submitted on"), "submitted_on", sort="submitted_on"),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("Status since"), "status_on", sort="status_on"),
        ],
        search=("applicant__name",),
        filters=[Filter("status", _("Status"), Application.Status.choices)],
        default_sort="-submitted_on",
        detail_url=lambda a: reverse("party:application_detail", args=[a.pk]),
        actions=[(_("New application"), reverse("party:application_create"), "plus")]
        if can(request.user, "party.manage")
        else [],
    )
    return render_list(request, Application.objects.select_related("applicant__unit", "branch"), page)


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.manage")
    form = ApplicationForm(request.POST or None, initial={"submitted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.application_submit, actor=request.user, **form.cleaned_data)
        if saved:
            messages.success(request, gettext("Saved."))
            return redirect("party:application_detail", pk=saved.pk)
    return _form_page(request, form, _("New membership application"), reverse("party:application_list"))


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.view")
    application = get_scoped(Application.objects.select_related("applicant__unit", "branch"), request.user, pk=pk)
    manage = can(request.user, "party.manage") and bool(services.APPLICATION_MOVES[application.status])
    form = ApplicationMoveForm(request.POST or None, application=application, initial={"on": timezone.localdate()})
    if request.method == "POST":
        require(request.user, "party.manage")
        if form.is_valid():
            data = form.cleaned_data
            if call_service(
                form,
                services.application_move,
                actor=request.user,
                application=application,
                status=data["status"],
                on=data["on"],
                note=data["note"],
            ):
                messages.success(request, gettext("Status changed."))
                return redirect("party:application_detail", pk=pk)
    staff = application.applicant
    context = {
        "title": gettext("Membership application of %(name)s") % {"name": staff.name},
        "subtitle": application.get_status_display(),
        "application": application,
        "fields": [
            (_("Applicant"), staff.name),
            (_("Unit"), staff.unit),
            (_("Age"), staff.age_on(application.submitted_on)),
            (_("Party status"), staff.get_party_status_display()),
            (_("Branch"), application.branch),
            (_("Submitted on"), application.submitted_on),
            (_("Status"), application.get_status_display()),
            (_("Status since"), application.status_on),
            (_("Motivation"), application.reason),
        ],
        "sections": [
            {
                "title": _("History"),
                "count": None,
                "headers": [_("Date"), _("Step"), _("Note"), _("Recorded by")],
                "rows": [(e.on, e.get_to_status_display(), e.note, e.recorded_by) for e in application.events.all()],
            }
        ],
        "actions": [(_("Staff profile"), reverse("org:staff_detail", args=[staff.pk]), "person")],
        "form": form if manage else None,
    }
    return render(request, "party/application_detail.html", context)


# --- vanguard posts ------------------------------------------------------------------------


@login_required
def vanguard_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    manage = can(request.user, "party.manage")
    posts = VanguardPost.objects.select_related("checkpoint__community", "team", "leader__unit", "branch").order_by(
        "revoked_on", "-designated_on", "name"
    )
    context = {"title": _("Vanguard posts"), "posts": posts, "manage": manage, "today": timezone.localdate()}
    return render(request, "party/vanguard_list.html", context)


@login_required
def vanguard_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.manage")
    form = VanguardForm(request.POST or None, initial={"designated_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.vanguard_designate, actor=request.user, **form.cleaned_data):
            messages.success(request, gettext("Saved."))
            return redirect("party:vanguard_list")
    return _form_page(request, form, _("New vanguard post"), reverse("party:vanguard_list"))


@login_required
@require_POST
def vanguard_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "party.manage")
    post = get_scoped(VanguardPost.objects.all(), request.user, pk=pk)
    try:
        services.vanguard_revoke(actor=request.user, post=post, on=timezone.localdate())
        messages.success(request, gettext("The vanguard post is revoked."))
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("party:vanguard_list")


# --- commendations -------------------------------------------------------------------------


def _honours_context(request: HttpRequest) -> dict[str, Any]:
    qs = Commendation.objects.all()
    level = request.GET.get("level", "")
    if level in Commendation.Level.values:
        qs = qs.filter(level=level)
    data = selectors.honours(qs)
    return {"honours": data, "level": level, "levels": Commendation.Level.choices}


@login_required
def honours(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    context = {"title": _("Honours"), "manage": can(request.user, "party.manage"), **_honours_context(request)}
    return render(request, "party/honours.html", context)


@login_required
def honours_print(request: HttpRequest) -> HttpResponse:
    require(request.user, "party.view")
    campaign = current_campaign()
    context = {
        "title": _("List of commendations"),
        "campaign": campaign,
        "printed_at": timezone.localtime(),
        **_honours_context(request),
    }
    return render(request, "party/honours_print.html", context)


@login_required
def commendation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "party.manage")
    commendation = get_scoped(Commendation.objects.all(), request.user, pk=pk) if pk else None
    form = CommendationForm(request.POST or None, instance=commendation)
    if request.method == "POST" and form.is_valid():
        campaign = commendation.campaign if commendation else current_campaign()
        stored = Commendation.objects.get(pk=commendation.pk) if commendation else None
        if call_service(
            form,
            services.commendation_save,
            actor=request.user,
            commendation=stored,
            campaign=campaign,
            **form.cleaned_data,
        ):
            messages.success(request, gettext("Saved."))
            return redirect("party:honours")
    return _form_page(
        request, form, _("Edit commendation") if commendation else _("New commendation"), reverse("party:honours")
    )
