"""Supplies pages: overview, ledger entry forms, requests, cover, front-line issuance, reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from frontline.core.access import can, get_scoped, require, scope
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.excel import Sheet, xlsx_response
from frontline.core.forms import call_service, edit_page
from frontline.core.listing import Column, Filter, ListPage, apply_list_params, render_list
from frontline.supplies import selectors, services
from frontline.supplies.forms import (
    AdjustForm,
    ApproveForm,
    CorrectForm,
    IssueForm,
    IssueRequestForm,
    ItemForm,
    KitForm,
    ReceiveForm,
    RejectForm,
    RequestForm,
    StoreForm,
    TransferForm,
)
from frontline.supplies.models import Item, Movement, StockAlert, StockLevel, Store, SupplyRequest


def _require_any(user: Any, *caps: str) -> None:
    if not any(can(user, c) for c in caps):
        raise PermissionDenied


def _form_page(request: HttpRequest, form: Any, title: Any, cancel_url: str = "") -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "cancel_url": cancel_url})


def _period(request: HttpRequest, default_days: int = 30) -> tuple[date, date]:
    today = timezone.localdate()
    end = parse_date(request.GET.get("to", "") or "") or today
    start = parse_date(request.GET.get("from", "") or "") or end - timedelta(days=default_days - 1)
    if start > end:
        start, end = end, start
    return start, end


def _fmt_days(value: Any) -> str:
    return "∞" if value is None else f"{value:.1f}"


# --- overview and cover --------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Stock on hand per item, days of cover, open alerts, expired lots and requests waiting."""
    _require_any(request.user, "supplies.view", "supplies.request")
    today = timezone.localdate()
    requests = scope(SupplyRequest.objects.all(), request.user)
    context = {
        "title": _("Supplies overview"),
        "totals": selectors.item_totals(user=request.user, today=today),
        "alerts": scope(
            StockAlert.objects.filter(closed_at__isnull=True).select_related("store", "item"), request.user
        ),
        "expired": selectors.expired_levels(user=request.user, today=today, within_days=14)[:20],
        "waiting": requests.filter(status=SupplyRequest.Status.SUBMITTED).count(),
        "to_issue": requests.filter(
            status__in=[SupplyRequest.Status.APPROVED, SupplyRequest.Status.PARTLY_APPROVED]
        ).count(),
        "today": today,
        "window": selectors.rate_window_days(),
        "manage": can(request.user, "supplies.manage"),
        "view": can(request.user, "supplies.view"),
    }
    return render(request, "supplies/overview.html", context)


@login_required
def cover(request: HttpRequest) -> HttpResponse:
    """Days of cover per store and item, and consumption per checkpoint and day."""
    _require_any(request.user, "supplies.view", "supplies.request")
    today = timezone.localdate()
    start, end = _period(request, default_days=14)
    item = Item.objects.filter(pk=request.GET.get("item") or 0).first()
    days, rows = selectors.consumption_by_checkpoint(user=request.user, start=start, end=end, item=item)
    context = {
        "title": _("Days of cover and consumption"),
        "cover_rows": selectors.cover_rows(user=request.user, today=today),
        "days": days,
        "rows": rows,
        "day_totals": [sum(r["days"][i] for r in rows) for i in range(len(days))],
        "items": Item.objects.filter(active=True),
        "item": item,
        "start": start,
        "end": end,
        "window": selectors.rate_window_days(),
        "manage": can(request.user, "supplies.manage"),
    }
    return render(request, "supplies/cover.html", context)


# --- ledger entry --------------------------------------------------------------------------


def _ledger_form(request: HttpRequest, form_class: Any, service: Any, title: Any, success: Any) -> HttpResponse:
    require(request.user, "supplies.manage")
    form = form_class(request.POST or None, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, service, actor=request.user, **form.cleaned_data) is not None:
            messages.success(request, success)
            return redirect("supplies:movement_list")
    return _form_page(request, form, title, reverse("supplies:overview"))


@login_required
def receive(request: HttpRequest) -> HttpResponse:
    return _ledger_form(
        request, ReceiveForm, services.stock_receive, _("Receive supplies"), gettext("Received into stock.")
    )


@login_required
def issue(request: HttpRequest) -> HttpResponse:
    return _ledger_form(request, IssueForm, services.stock_issue, _("Issue supplies"), gettext("Issued."))


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    return _ledger_form(
        request, TransferForm, services.stock_transfer, _("Transfer between stores"), gettext("Transferred.")
    )


@login_required
def adjust(request: HttpRequest) -> HttpResponse:
    return _ledger_form(
        request, AdjustForm, services.stock_adjust, _("Stocktake adjustment"), gettext("Stock adjusted to the count.")
    )


# --- the ledger ----------------------------------------------------------------------------


def movement_page(request: HttpRequest) -> ListPage:
    return ListPage(
        title=_("Stock ledger"),
        columns=[
            Column(_("Date"), lambda m: m.occurred_on.isoformat(), sort="occurred_on", link=True),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Item"), "item.name", sort="item__name"),
            Column(_("Lot"), "lot"),
            Column(_("Quantity"), "quantity", sort="quantity", css="text-end"),
            Column(_("Unit"), "item.unit"),
            Column(_("Source"), lambda m: m.from_store or m.source),
            Column(_("Destination"), lambda m: m.to_store or m.recipient),
            Column(_("Note"), lambda m: m.reason or m.note),
            Column(_("Entered by"), "created_by.username"),
        ],
        search=("source", "item__name", "lot", "document_no", "staff__name", "note", "reason"),
        filters=[
            Filter("kind", _("Kind"), Movement.Kind.choices),
            Filter("item", _("Item"), list(Item.objects.values_list("pk", "name")), lookup="item_id"),
            Filter(
                "store",
                _("Store"),
                list(scope(Store.objects.all(), request.user).values_list("pk", "name")),
                apply=lambda qs, v: qs.filter(Q(from_store_id=v) | Q(to_store_id=v)),
            ),
        ],
        default_sort="-occurred_on",
        detail_url=lambda m: reverse("supplies:movement_detail", args=[m.pk]),
        actions=[
            (_("Export to Excel"), reverse("supplies:movement_export") + "?" + request.GET.urlencode(), "download")
        ],
        search_placeholder=_("Donor, supplier, item, lot, staff"),
    )


def movement_queryset(request: HttpRequest) -> QuerySet[Movement]:
    start, end = _period(request, default_days=3650)
    return scope(
        Movement.objects.select_related(
            "item", "from_store", "to_store", "checkpoint", "community", "staff", "created_by"
        ),
        request.user,
    ).filter(occurred_on__range=(start, end))


@login_required
def movement_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "supplies.view")
    extra = {
        "period_from": request.GET.get("from", ""),
        "period_to": request.GET.get("to", ""),
        "manage": can(request.user, "supplies.manage"),
    }
    return render_list(
        request, movement_queryset(request), movement_page(request), template="supplies/movement_list.html", extra=extra
    )


@login_required
def movement_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "supplies.view")
    qs, _state = apply_list_params(request, movement_queryset(request), movement_page(request))
    audit_record(actor=request.user, action="stock.export", changes={"rows": qs.count()})
    sheet = Sheet(
        _("Stock ledger"),
        [
            _("Date"),
            _("Kind"),
            _("Item"),
            _("Lot"),
            _("Expiry date"),
            _("Quantity"),
            _("Unit"),
            _("Source"),
            _("Destination"),
            _("Supplier, donor or authority"),
            _("Value (yuan)"),
            _("Voucher number"),
            _("Reason"),
            _("Note"),
            _("Entered by"),
        ],
        [
            (
                m.occurred_on,
                m.get_kind_display(),
                m.item.name,
                m.lot,
                m.expiry_date,
                m.quantity,
                m.item.unit,
                str(m.from_store or ""),
                str(m.to_store or m.recipient),
                m.source,
                float(m.value) if m.value is not None else None,
                m.document_no,
                m.reason,
                m.note,
                m.created_by.username if m.created_by else "",
            )
            for m in qs
        ],
    )
    return xlsx_response(f"stock-ledger-{timezone.localdate()}.xlsx", [sheet])


@login_required
def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "supplies.view")
    m = get_scoped(
        Movement.objects.select_related(
            "item", "from_store", "to_store", "checkpoint", "community", "staff", "request", "reverses"
        ),
        request.user,
        pk=pk,
    )
    reversed_by = Movement.objects.filter(reverses=m).first()
    manage = can(request.user, "supplies.manage")
    form = CorrectForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "supplies.manage")
        if form.is_valid():
            reversal = call_service(
                form, services.stock_correct, actor=request.user, movement=m, reason=form.cleaned_data["reason"]
            )
            if reversal is not None:
                messages.success(request, gettext("Corrected: a reversing movement was recorded."))
                return redirect("supplies:movement_detail", pk=pk)
    context = {
        "title": str(m),
        "subtitle": m.get_kind_display(),
        "fields": [
            (_("Date"), m.occurred_on),
            (_("Item"), m.item),
            (_("Quantity"), f"{m.quantity} {m.item.unit}"),
            (_("Lot"), m.lot),
            (_("Expiry date"), m.expiry_date),
            (_("From store"), m.from_store),
            (_("To store"), m.to_store),
            (_("Supplier, donor or authority"), m.source),
            (_("Value (yuan)"), m.value),
            (_("Voucher number"), m.document_no),
            (_("For checkpoint"), m.checkpoint),
            (_("For community"), m.community),
            (_("To staff member"), m.staff),
            (_("Request"), m.request),
            (_("Reverses"), m.reverses),
            (_("Corrected by"), reversed_by),
            (_("Reason"), m.reason),
            (_("Note"), m.note),
            (_("Entered by"), m.created_by),
            (_("Entered at"), timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M")),
        ],
        "sections": [],
        "movement": m,
        "form": form if manage and m.kind != Movement.Kind.CORRECTION and reversed_by is None else None,
    }
    return render(request, "supplies/movement_detail.html", context)


# --- items and stores ----------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    page = ListPage(
        title=_("Item catalogue"),
        columns=[
            Column(_("Item name"), "name", sort="name", link=True),
            Column(_("Category"), "get_category_display", sort="category"),
            Column(_("Unit"), "unit"),
            Column(_("Low-stock threshold"), "low_stock_threshold", css="text-end"),
            Column(_("Minimum days of cover"), "min_days_of_cover", css="text-end"),
            Column(_("Active"), lambda i: gettext("Yes") if i.active else gettext("No")),
        ],
        search=("name",),
        filters=[Filter("category", _("Category"), Item.Category.choices)],
        default_sort="category",
        detail_url=lambda i: reverse("supplies:item_detail", args=[i.pk]),
        actions=[(_("New item"), reverse("supplies:item_create"), "plus")]
        if can(request.user, "supplies.manage")
        else [],
    )
    return render_list(request, Item.objects.all(), page)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    item = get_scoped(Item.objects.all(), request.user, pk=pk)
    today = timezone.localdate()
    levels = scope(StockLevel.objects.filter(item=item, quantity__gt=0).select_related("store"), request.user)
    moves = scope(
        Movement.objects.filter(item=item).select_related("from_store", "to_store", "staff", "checkpoint", "community"),
        request.user,
    )[:30]
    context = {
        "title": item.name,
        "subtitle": item.get_category_display(),
        "fields": [
            (_("Unit"), item.unit),
            (_("Low-stock threshold"), item.low_stock_threshold),
            (_("Minimum days of cover"), item.min_days_of_cover),
            (_("Note"), item.note),
        ],
        "sections": [
            {
                "title": _("Stock on hand"),
                "count": sum(lv.quantity for lv in levels if not lv.is_expired(today)),
                "headers": [_("Store"), _("Lot"), _("Expiry date"), _("Quantity"), _("Expired")],
                "rows": [
                    (
                        lv.store,
                        lv.lot,
                        lv.expiry_date or "",
                        lv.quantity,
                        gettext("Expired") if lv.is_expired(today) else "",
                    )
                    for lv in levels
                ],
            },
            {
                "title": _("Latest movements"),
                "headers": [_("Date"), _("Kind"), _("Quantity"), _("Source"), _("Destination")],
                "rows": [
                    (
                        m.occurred_on,
                        m.get_kind_display(),
                        m.quantity,
                        m.from_store or m.source,
                        m.to_store or m.recipient,
                    )
                    for m in moves
                ],
            },
        ],
        "actions": [(_("Edit"), reverse("supplies:item_edit", args=[pk]), "pencil")]
        if can(request.user, "supplies.manage")
        else [],
    }
    return render(request, "core/detail.html", context)


@login_required
def item_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "supplies.manage")
    item = get_scoped(Item.objects.all(), request.user, pk=pk) if pk else None
    return edit_page(
        request,
        form=ItemForm(request.POST or None, instance=item),
        service=services.item_save,
        item=item,
        title=_("Edit item") if item else _("New item"),
        success_url=lambda saved: reverse("supplies:item_detail", args=[saved.pk]),
        cancel_url=reverse("supplies:item_list"),
    )


@login_required
def store_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    page = ListPage(
        title=_("Stores"),
        columns=[
            Column(_("Store name"), "name", sort="name", link=True),
            Column(_("Kind"), "get_kind_display", sort="kind"),
            Column(_("Community"), "community.name"),
            Column(_("Lots held"), "n_levels", css="text-end"),
            Column(_("Active"), lambda s: gettext("Yes") if s.active else gettext("No")),
        ],
        search=("name",),
        filters=[Filter("kind", _("Kind"), Store.Kind.choices)],
        default_sort="kind",
        detail_url=lambda s: reverse("supplies:store_detail", args=[s.pk]),
        actions=[(_("New store"), reverse("supplies:store_create"), "plus")]
        if can(request.user, "supplies.manage")
        else [],
    )
    qs = scope(Store.objects.select_related("community"), request.user).annotate(
        n_levels=Count("levels", filter=Q(levels__quantity__gt=0))
    )
    return render_list(request, qs, page)


@login_required
def store_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    store = get_scoped(Store.objects.select_related("community", "checkpoint"), request.user, pk=pk)
    today = timezone.localdate()
    levels = store.levels.filter(quantity__gt=0).select_related("item")
    manage = can(request.user, "supplies.manage")
    context = {
        "title": store.name,
        "subtitle": store.get_kind_display(),
        "fields": [(_("Community"), store.community), (_("Checkpoint"), store.checkpoint)],
        "sections": [
            {
                "title": _("Stock on hand"),
                "count": len(levels),
                "headers": [_("Item"), _("Lot"), _("Expiry date"), _("Quantity"), _("Unit"), _("Expired")],
                "rows": [
                    (
                        lv.item,
                        lv.lot,
                        lv.expiry_date or "",
                        lv.quantity,
                        lv.item.unit,
                        gettext("Expired") if lv.is_expired(today) else "",
                    )
                    for lv in levels
                ],
            }
        ],
        "actions": (
            [
                (_("Edit"), reverse("supplies:store_edit", args=[pk]), "pencil"),
                (_("Stocktake"), reverse("supplies:adjust") + f"?store={pk}", "clipboard-check"),
            ]
            if manage
            else []
        ),
    }
    return render(request, "core/detail.html", context)


@login_required
def store_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request.user, "supplies.manage")
    store = get_scoped(Store.objects.all(), request.user, pk=pk) if pk else None
    return edit_page(
        request,
        form=StoreForm(request.POST or None, instance=store),
        service=services.store_save,
        store=store,
        title=_("Edit store") if store else _("New store"),
        success_url=lambda saved: reverse("supplies:store_detail", args=[saved.pk]),
        cancel_url=reverse("supplies:store_list"),
    )


# --- requests ------------------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    page = ListPage(
        title=_("Supply requests"),
        columns=[
            Column(_("No."), "pk", sort="id", link=True),
            Column(
                _("Requested at"),
                lambda r: timezone.localtime(r.requested_at).strftime("%m-%d %H:%M"),
                sort="requested_at",
            ),
            Column(_("For"), "requester_place"),
            Column(_("Items"), lambda r: "、".join(f"{ln.item.name}×{ln.quantity_requested}" for ln in r.lines.all())),
            Column(_("Status"), "get_status_display", sort="status"),
            Column(_("Requested by"), "requested_by.display_name"),
        ],
        search=("checkpoint__name", "community__name", "note"),
        filters=[Filter("status", _("Status"), SupplyRequest.Status.choices)],
        default_sort="-requested_at",
        detail_url=lambda r: reverse("supplies:request_detail", args=[r.pk]),
        actions=[(_("New request"), reverse("supplies:request_create"), "plus")]
        if can(request.user, "supplies.request")
        else [],
    )
    qs = scope(
        SupplyRequest.objects.select_related("checkpoint", "community", "requested_by__staff"), request.user
    ).prefetch_related("lines__item")
    return render_list(request, qs, page)


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "supplies.request")
    form = RequestForm(request.POST or None, user=request.user, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = call_service(
            form,
            services.request_submit,
            actor=request.user,
            lines=form.lines(),
            checkpoint=d["checkpoint"],
            community=d["community"],
            needed_by=d["needed_by"],
            note=d["note"],
        )
        if saved:
            messages.success(request, gettext("Request sent to logistics."))
            return redirect("supplies:request_detail", pk=saved.pk)
    return render(request, "supplies/request_form.html", {"form": form, "title": _("Request supplies")})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_any(request.user, "supplies.view", "supplies.request")
    obj = get_scoped(
        SupplyRequest.objects.select_related(
            "checkpoint", "community", "requested_by", "decided_by", "issued_by", "issued_from"
        ),
        request.user,
        pk=pk,
    )
    manage = can(request.user, "supplies.manage")
    S = SupplyRequest.Status
    action = request.POST.get("action", "")
    approve_form = ApproveForm(request.POST if action == "approve" else None, request_obj=obj)
    reject_form = RejectForm(request.POST if action == "reject" else None)
    issue_form = IssueRequestForm(request.POST if action == "issue" else None)
    if request.method == "POST":
        done: Any = None
        if action == "approve":
            require(request.user, "supplies.manage")
            if approve_form.is_valid():
                done = call_service(
                    approve_form,
                    services.request_approve,
                    actor=request.user,
                    request=obj,
                    approved=approve_form.approved(),
                    note=approve_form.cleaned_data["note"],
                )
        elif action == "reject":
            require(request.user, "supplies.manage")
            if reject_form.is_valid():
                done = call_service(
                    reject_form,
                    services.request_reject,
                    actor=request.user,
                    request=obj,
                    note=reject_form.cleaned_data["note"],
                )
        elif action == "issue":
            require(request.user, "supplies.manage")
            if issue_form.is_valid():
                done = call_service(
                    issue_form,
                    services.request_issue,
                    actor=request.user,
                    request=obj,
                    store=issue_form.cleaned_data["store"],
                )
        elif action == "cancel":
            if not (manage or obj.requested_by_id == request.user.pk):
                raise PermissionDenied
            try:
                done = services.request_cancel(actor=request.user, request=obj)
            except DomainError as exc:
                messages.error(request, str(exc))
        if done is not None:
            messages.success(request, gettext("Request updated: %(status)s.") % {"status": done.get_status_display()})
            return redirect("supplies:request_detail", pk=pk)
    steps = [
        (_("Submitted"), obj.requested_at, obj.requested_by, obj.note, True),
        (
            obj.get_status_display() if obj.status in (S.APPROVED, S.PARTLY_APPROVED, S.REJECTED) else _("Approved"),
            obj.decided_at,
            obj.decided_by,
            obj.decision_note,
            obj.decided_at is not None,
        ),
        (_("Issued"), obj.issued_at, obj.issued_by, obj.issued_from or "", obj.issued_at is not None),
    ]
    context = {
        "title": _("Supply request %(n)s") % {"n": obj.pk},
        "obj": obj,
        "lines": obj.lines.select_related("item"),
        "steps": steps,
        "manage": manage,
        "approve_form": approve_form if manage and obj.status == S.SUBMITTED else None,
        "reject_form": reject_form if manage and obj.status == S.SUBMITTED else None,
        "issue_form": issue_form if manage and obj.status in (S.APPROVED, S.PARTLY_APPROVED) else None,
        "can_cancel": obj.status in (S.SUBMITTED,)
        and (manage or obj.requested_by_id == request.user.pk)
        or obj.status in (S.APPROVED, S.PARTLY_APPROVED)
        and manage,
        "movements": obj.movements.select_related("item", "from_store"),
    }
    return render(request, "supplies/request_detail.html", context)


# --- front-line issuance -------------------------------------------------------------------


@login_required
def frontline(request: HttpRequest) -> HttpResponse:
    """Who was on duty on a day and whether each had masks and gloves; issue the kit to those without."""
    require(request.user, "supplies.view")
    today = timezone.localdate()
    day = parse_date(request.GET.get("day", "") or request.POST.get("day", "") or "") or today
    day = min(day, today)
    manage = can(request.user, "supplies.manage")
    form = KitForm(request.POST or None) if manage else None
    if request.method == "POST":
        require(request.user, "supplies.manage")
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            missing = [r["staff"] for r in selectors.frontline_check(day=day)[0] if not r["complete"]]
            done = call_service(
                form,
                services.frontline_kit_issue,
                actor=request.user,
                store=d["store"],
                staff=missing,
                kit=[(d["mask"], d["mask_quantity"]), (d["gloves"], d["gloves_quantity"])],
                occurred_on=day,
            )
            if done is not None:
                messages.success(request, gettext("Issued the kit to %(n)s staff members.") % {"n": len(missing)})
                return redirect(reverse("supplies:frontline") + f"?day={day}")
    rows, source = selectors.frontline_check(day=day)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"frontline-issuance-{day}.xlsx",
            [
                Sheet(
                    _("Front-line issuance"),
                    [_("Staff member"), _("Unit"), _("Masks"), _("Gloves"), _("Complete")],
                    [
                        (
                            r["staff"].name,
                            str(r["staff"].unit),
                            r["masks"],
                            r["gloves"],
                            gettext("Yes") if r["complete"] else gettext("No"),
                        )
                        for r in rows
                    ],
                )
            ],
        )
    context = {
        "title": _("Front-line issuance"),
        "day": day,
        "prev_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "rows": rows,
        "missing": sum(1 for r in rows if not r["complete"]),
        "source": source,
        "form": form,
    }
    return render(request, "supplies/frontline.html", context)


@login_required
def staff_issues(request: HttpRequest) -> HttpResponse:
    """What each staff member received and when."""
    require(request.user, "supplies.view")
    page = ListPage(
        title=_("Issued to staff"),
        columns=[
            Column(_("Date"), lambda m: m.occurred_on.isoformat(), sort="occurred_on", link=True),
            Column(_("Staff member"), "staff.name", sort="staff__name"),
            Column(_("Item"), "item.name", sort="item__name"),
            Column(
                _("Quantity"),
                lambda m: -m.quantity if m.kind == Movement.Kind.CORRECTION else m.quantity,
                css="text-end",
            ),
            Column(_("Unit"), "item.unit"),
            Column(_("From store"), "from_store.name"),
            Column(_("Checkpoint"), "checkpoint"),
        ],
        search=("staff__name", "item__name"),
        filters=[Filter("item", _("Item"), list(Item.objects.values_list("pk", "name")), lookup="item_id")],
        default_sort="-occurred_on",
        detail_url=lambda m: reverse("supplies:movement_detail", args=[m.pk]),
    )
    qs = scope(selectors.issues().filter(staff__isnull=False), request.user).select_related(
        "staff", "item", "from_store", "to_store", "checkpoint"
    )
    return render_list(request, qs, page)


# --- reports -------------------------------------------------------------------------------


@login_required
def stock_report(request: HttpRequest) -> HttpResponse:
    """Stock on hand by store (store × item)."""
    require(request.user, "supplies.view")
    today = timezone.localdate()
    items, rows = selectors.stock_by_store(user=request.user, today=today)
    if request.GET.get("format") == "xlsx":
        audit_record(actor=request.user, action="stock.export", changes={"report": "stock_by_store"})
        headers = [_("Store")] + [f"{i.name}（{i.unit}）" for i in items]
        return xlsx_response(
            f"stock-on-hand-{today}.xlsx",
            [
                Sheet(
                    _("Stock on hand"),
                    headers,
                    [[str(r["store"])] + [c[0] for c in r["cells"]] for r in rows],
                    notes=[_("Expired stock is not counted.")],
                )
            ],
        )
    return render(
        request,
        "supplies/stock_report.html",
        {"title": _("Stock on hand by store"), "items": items, "rows": rows, "today": today},
    )


@login_required
def donors(request: HttpRequest) -> HttpResponse:
    """Donations received, by donor: a list to print for thanks."""
    require(request.user, "supplies.view")
    from frontline.org.selectors import current_campaign

    campaign = current_campaign()
    today = timezone.localdate()
    start = parse_date(request.GET.get("from", "") or "") or (
        campaign.start_date if campaign else today - timedelta(days=60)
    )
    end = parse_date(request.GET.get("to", "") or "") or today
    rows = selectors.donor_list(start=start, end=end)
    if request.GET.get("format") == "xlsx":
        audit_record(actor=request.user, action="stock.export", changes={"report": "donors"})
        return xlsx_response(
            f"donors-{today}.xlsx",
            [
                Sheet(
                    _("Donations"),
                    [_("Donor"), _("First donation"), _("Last donation"), _("Items"), _("Value (yuan)")],
                    [
                        (
                            d["donor"],
                            d["first"],
                            d["last"],
                            "；".join(f"{n} {q}{u}" for n, q, u in d["lines"]),
                            float(d["value"]) or None,
                        )
                        for d in rows
                    ],
                )
            ],
        )
    return render(
        request,
        "supplies/donors.html",
        {"title": _("Donor list"), "rows": rows, "start": start, "end": end, "campaign": campaign},
    )


@login_required
def issues_report(request: HttpRequest) -> HttpResponse:
    """Issues by checkpoint and by staff member over a period."""
    require(request.user, "supplies.view")
    start, end = _period(request, default_days=30)
    by = "staff" if request.GET.get("by") == "staff" else "checkpoint"
    items, rows = selectors.issues_by(user=request.user, start=start, end=end, by=by)
    if request.GET.get("format") == "xlsx":
        audit_record(actor=request.user, action="stock.export", changes={"report": f"issues_by_{by}"})
        first = _("Checkpoint") if by == "checkpoint" else _("Staff member")
        return xlsx_response(
            f"issues-by-{by}-{start}-{end}.xlsx",
            [
                Sheet(
                    _("Issues"),
                    [first] + [f"{i.name}（{i.unit}）" for i in items] + [_("Total")],
                    [[str(r["owner"])] + r["cells"] + [r["total"]] for r in rows],
                )
            ],
        )
    context = {
        "title": _("Issues by checkpoint and by staff"),
        "items": items,
        "rows": rows,
        "start": start,
        "end": end,
        "by": by,
    }
    return render(request, "supplies/issues_report.html", context)


@login_required
@require_POST
def alerts_check(request: HttpRequest) -> HttpResponse:
    """Re-evaluate every low-stock alert now (the scheduler does it every half hour)."""
    require(request.user, "supplies.manage")
    result = services.stock_alerts_evaluate()
    messages.info(request, gettext("Alerts checked: %(opened)s opened, %(closed)s closed.") % result)
    return redirect("supplies:cover")
