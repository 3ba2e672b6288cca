"""Kernel pages: home, audit log, sensitive-value reveal, inbox, jobs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import Role, require
from frontline.core.jobs import REGISTRY
from frontline.core.listing import Column, Filter, ListPage, render_list
from frontline.core.models import AuditLog, JobRun, Notification
from frontline.core.sensitive import sensitive_reveal

ROLE_HOME: dict[str, str] = {
    Role.LEADER: "reports:dashboard",
    Role.OFFICE: "org:staff_list",
    Role.GROUP_LEAD: "org:staff_list",
    Role.VIEWER: "reports:dashboard",
    Role.DUTY: "checkpoints:field",
    Role.LIAISON: "health:measure_list",
    Role.LAWYER: "desk:legalaid_list",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it starts its day on."""
    from django.urls import NoReverseMatch, reverse

    for name in (ROLE_HOME.get(getattr(request.user, "role", ""), "org:staff_list"), "org:profile"):  # type: ignore[union-attr]
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return redirect("org:profile")


# The first word of audit actions ("staff.create" -> "staff"), for the area filter.
AUDIT_ACTION_PREFIXES = [
    (p, p)
    for p in (
        "sensitive", "staff", "user", "campaign", "checkpoint", "community", "batch", "passage", "vehicle",
        "person", "measure", "report", "escalation", "roster", "attendance", "inspection", "stock", "request",
        "tip", "legalaid", "publicity", "party", "dues", "commendation", "api_token",
    )
]  # fmt: skip


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Search the audit log."""
    require(request.user, "audit.view")
    page = ListPage(
        title=_("Audit log"),
        columns=[
            Column(_("When"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), sort="at"),
            Column(_("Who"), "actor_name", sort="actor_name"),
            Column(_("Action"), "action", sort="action"),
            Column(_("Record"), "target_repr"),
            Column(_("Changes"), lambda e: ", ".join(f"{k}" for k in e.changes) if e.changes else ""),
            Column(_("Address"), "ip"),
        ],
        search=("actor_name", "action", "target_repr", "target_type"),
        filters=[
            Filter(
                "area",
                _("Area"),
                AUDIT_ACTION_PREFIXES,
                apply=lambda qs, v: qs.filter(action__startswith=v + "."),
            )
        ],
        default_sort="-at",
        per_page=50,
        search_placeholder=_("Person, action or record"),
    )
    return render_list(request, AuditLog.objects.all(), page)


@login_required
@require_POST
def reveal(request: HttpRequest, model: str, pk: str, field: str) -> HttpResponse:
    """Reveal one sensitive value (logged) and return it as a small HTML fragment or JSON."""
    value = sensitive_reveal(user=request.user, model_label=model, pk=pk, field=field)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"value": value})
    return HttpResponse(f'<span class="revealed font-monospace">{escape(value)}</span>')


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Show the user's notifications, newest first."""
    items = request.user.notifications.all()[:200]  # type: ignore[union-attr]
    return render(request, "core/inbox.html", {"items": items})


@login_required
@require_POST
def inbox_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and follow its link."""
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    return redirect(item.link or "core:inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())  # type: ignore[union-attr]
    return redirect("core:inbox")


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    """Show the scheduled jobs and their last runs."""
    require(request.user, "audit.view")
    runs = {r.name: r for r in JobRun.objects.all()}
    jobs = [{"name": name, "every": job.every, "run": runs.get(name)} for name, job in sorted(REGISTRY.items())]
    return render(request, "core/jobs.html", {"jobs": jobs})
