"""The lock on a closed campaign's records, and the one transition of a closure's status.

Every module's services call `campaign_assert_open(campaign)` (or `campaign_assert_open_on(day)`
for records that carry a date but no campaign, such as passages) before they write, so a closed
campaign's records can no longer change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from frontline.core.errors import DomainError
from frontline.org.models import Campaign


def campaign_is_closed(campaign: Campaign | None) -> bool:
    """Tell whether a campaign is closed (its records are locked)."""
    return campaign is not None and campaign.status == Campaign.Status.CLOSED


def campaign_assert_open(campaign: Campaign | None, *, field: str = "campaign") -> None:
    """Refuse a write to a closed campaign's records."""
    if campaign_is_closed(campaign):
        raise DomainError(
            _("Campaign: %(name)s is closed; its records can no longer be changed."),
            code="campaign.closed",
            field=field,
            params={"name": str(campaign)},
            status=409,
        )


def campaign_assert_open_on(day: date, *, field: str = "day") -> None:
    """Refuse a write dated within a closed campaign (for records without a campaign of their own)."""
    closed = (
        Campaign.objects.filter(status=Campaign.Status.CLOSED, start_date__lte=day)
        .exclude(closure__closed_on__lt=day)
        .exclude(closure__isnull=True, end_date__lt=day)
        .first()
    )
    if closed is not None:
        campaign_assert_open(closed, field=field)


# A closure moves from closed to erased, once; erasure cannot be undone.
CLOSURE_MOVES: dict[str, set[str]] = {"closed": {"erased"}, "erased": set()}


def closure_transition(closure: Any, to: str) -> None:
    """Move a closure to a new status, or refuse an illegal move."""
    if to not in CLOSURE_MOVES.get(closure.status, set()):
        raise DomainError(
            _("Status: a campaign closure cannot go from %(old)s to %(new)s."),
            code="closure.illegal_status",
            field="status",
            params={"old": closure.get_status_display(), "new": type(closure).Status(to).label},
        )
    closure.status = to


# Once the current campaign is closed, its records are locked: every service's audited write is
# refused except closing and erasing it, reading sensitive values, log-ins and API tokens, archiving
# reports, and starting a new campaign. Checked in core.audit.audit_record, inside each service's
# transaction, so a refused write leaves nothing behind.
ALLOWED_WHEN_CLOSED = ("campaign.", "sensitive.", "user.", "api_token.", "report.", "checkpoint.close")


def closed_campaign_guard(action: str) -> None:
    """Refuse a state change while the campaign being run is closed."""
    if action.startswith(ALLOWED_WHEN_CLOSED):
        return
    from frontline.org.selectors import current_campaign, current_campaign_status

    if current_campaign_status() == Campaign.Status.CLOSED:
        campaign_assert_open(current_campaign())
