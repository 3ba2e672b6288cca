"""Sections the supplies app adds to the staff profile and the checkpoint page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from frontline.core.access import can, scope
from frontline.org.models import Checkpoint, Staff
from frontline.org.profile import checkpoint_section, staff_section
from frontline.supplies.models import Movement, SupplyRequest
from frontline.supplies.selectors import staff_received


@staff_section
def staff_supplies(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    if not can(request.user, "supplies.view"):
        return []
    received = list(staff_received(staff=staff)[:20])
    return [
        {
            "title": _("Supplies received"),
            "count": len(received),
            "headers": [_("Date"), _("Item"), _("Quantity"), _("From store")],
            "rows": [
                (
                    m.occurred_on,
                    m.item.name,
                    f"{-m.quantity if m.kind == Movement.Kind.CORRECTION else m.quantity} {m.item.unit}",
                    m.from_store or m.to_store,
                )
                for m in received
            ],
            "link": reverse("supplies:staff_issues") + f"?q={staff.name}",
        }
    ]


@checkpoint_section
def checkpoint_supplies(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    if not (can(request.user, "supplies.view") or can(request.user, "supplies.request")):
        return []
    requests = list(
        scope(SupplyRequest.objects.filter(checkpoint=checkpoint), request.user).prefetch_related("lines__item")[:10]
    )
    return [
        {
            "title": _("Supply requests"),
            "count": len(requests),
            "headers": [_("No."), _("Items"), _("Status")],
            "rows": [
                (
                    r.pk,
                    "、".join(f"{ln.item.name}×{ln.quantity_requested}" for ln in r.lines.all()),
                    r.get_status_display(),
                )
                for r in requests
            ],
            "link": reverse("supplies:request_list") + f"?q={checkpoint.name}",
        }
    ]
