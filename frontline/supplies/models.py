"""Supplies: the item catalogue, stores, an immutable stock ledger, stock levels, requests and alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role, is_community_bound


class Item(models.Model):
    """An article of supply in the catalogue, with its unit and when stock counts as low."""

    class Category(models.TextChoices):
        MASK = "mask", _("Masks")
        GLOVES = "gloves", _("Gloves")
        PROTECTIVE = "protective", _("Protective clothing")
        DISINFECTANT = "disinfectant", _("Disinfectant")
        EQUIPMENT = "equipment", _("Equipment")
        WELFARE = "welfare", _("Food and warmth")

    name = models.CharField(_("item name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("The counting unit, e.g. 只, 副, 件, 瓶."))
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), default=0, help_text=_("Alert when the bureau's store holds fewer than this.")
    )
    min_days_of_cover = models.PositiveSmallIntegerField(
        _("minimum days of cover"),
        default=3,
        help_text=_("Alert when a store's stock lasts fewer days than this at the current rate of use."),
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("item")  # 物资品目
        verbose_name_plural = _("items")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Store(models.Model):
    """A place that holds stock: the bureau's store, a checkpoint's or a community's."""

    community_path = "community"

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Bureau store")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        COMMUNITY = "community", _("Community")

    name = models.CharField(_("store name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    checkpoint = models.OneToOneField(
        "org.Checkpoint",
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="store",
    )
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stores",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("store")  # 物资库
        verbose_name_plural = _("stores")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="checkpoint") | (Q(checkpoint__isnull=False) & Q(community__isnull=False)),
                name="supplies_store_checkpoint_has_checkpoint",
                violation_error_message=_("Checkpoint: choose the checkpoint this store belongs to."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="community") | (Q(community__isnull=False) & Q(checkpoint__isnull=True)),
                name="supplies_store_community_has_community",
                violation_error_message=_("Community: choose the community this store belongs to."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="bureau") | (Q(community__isnull=True) & Q(checkpoint__isnull=True)),
                name="supplies_store_bureau_is_central",
                violation_error_message=_("Kind: the bureau's central store belongs to no checkpoint or community."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """What a store holds of one item and lot; kept in step with the ledger and never negative."""

    community_path = "store__community"

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="levels")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="levels")
    lot = models.CharField(_("lot"), max_length=50, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.IntegerField(_("quantity"), default=0)

    class Meta:
        verbose_name = _("stock level")  # 库存
        verbose_name_plural = _("stock levels")
        ordering = ["store", "item", F("expiry_date").asc(nulls_last=True), "lot"]
        constraints = [
            models.UniqueConstraint(fields=["store", "item", "lot"], name="supplies_level_one_row"),
            # The last guard against overselling: a racing issue that would take more than is
            # there fails here, in the database, whatever the Python code believed.
            models.CheckConstraint(condition=Q(quantity__gte=0), name="supplies_level_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.item} {self.lot} {self.quantity}"

    def is_expired(self, today: date | None = None) -> bool:
        return bool(self.expiry_date and self.expiry_date < (today or timezone.localdate()))


class Movement(models.Model):
    """One change of stock in the ledger; never edited or deleted, corrected by a reversing movement."""

    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("Purchase")
        DONATION = "donation", _("Donation")
        ALLOCATION = "allocation", _("Allocation from higher authority")
        ISSUE = "issue", _("Issue")
        TRANSFER = "transfer", _("Transfer")
        ADJUSTMENT = "adjustment", _("Stocktake adjustment")
        CORRECTION = "correction", _("Correction")

    RECEIPTS = (Kind.PURCHASE, Kind.DONATION, Kind.ALLOCATION)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="movements")
    lot = models.CharField(_("lot"), max_length=50, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    from_store = models.ForeignKey(
        Store,
        verbose_name=_("from store"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="out_movements",
    )
    to_store = models.ForeignKey(
        Store, verbose_name=_("to store"), null=True, blank=True, on_delete=models.PROTECT, related_name="in_movements"
    )
    source = models.CharField(
        _("supplier, donor or authority"), max_length=200, blank=True, help_text=_("Who the goods came from.")
    )
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    document_no = models.CharField(_("voucher number"), max_length=60, blank=True)
    checkpoint = models.ForeignKey(
        "org.Checkpoint",
        verbose_name=_("for checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_movements",
    )
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("for community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_movements",
    )
    staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("to staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_movements",
    )
    request = models.ForeignKey(
        "supplies.SupplyRequest",
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="movements",
    )
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    occurred_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")  # 出入库记录
        verbose_name_plural = _("stock movements")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["item", "occurred_on"]), models.Index(fields=["checkpoint", "occurred_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="supplies_movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(from_store__isnull=False) | Q(to_store__isnull=False), name="supplies_movement_has_a_store"
            ),
            models.CheckConstraint(condition=~Q(from_store=F("to_store")), name="supplies_movement_two_stores"),
            models.CheckConstraint(
                condition=~Q(kind__in=["purchase", "donation", "allocation"])
                | (Q(from_store__isnull=True) & Q(to_store__isnull=False) & ~Q(source="")),
                name="supplies_receipt_shape",
            ),
            models.CheckConstraint(
                condition=~Q(kind="issue")
                | (
                    Q(from_store__isnull=False)
                    & Q(to_store__isnull=True)
                    & (Q(checkpoint__isnull=False) | Q(community__isnull=False) | Q(staff__isnull=False))
                ),
                name="supplies_issue_shape",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer") | (Q(from_store__isnull=False) & Q(to_store__isnull=False)),
                name="supplies_transfer_shape",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["adjustment", "correction"]) | ~Q(reason=""),
                name="supplies_adjustment_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(reverses__isnull=False), name="supplies_correction_reverses"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.item} ×{self.quantity}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A stock movement is never edited; record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("A stock movement is never deleted; record a correction instead.")

    @property
    def recipient(self) -> str:
        return str(self.staff or self.checkpoint or self.community or self.to_store or "")

    @classmethod
    def scope_for_user(cls, qs: QuerySet[Movement], user: Any) -> QuerySet[Movement]:
        if not is_community_bound(user):
            return qs
        cid = getattr(user, "community_id", None)
        if not cid:
            return qs.none()
        return qs.filter(
            Q(from_store__community_id=cid)
            | Q(to_store__community_id=cid)
            | Q(community_id=cid)
            | Q(checkpoint__community_id=cid)
        )


class SupplyRequest(models.Model):
    """A checkpoint's or community's request for supplies, approved all or in part, then issued."""

    community_path = "community"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        PARTLY_APPROVED = "partly_approved", _("Approved in part")
        REJECTED = "rejected", _("Rejected")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    checkpoint = models.ForeignKey(
        "org.Checkpoint",
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supply_requests",
    )
    community = models.ForeignKey(
        "org.Community", verbose_name=_("community"), on_delete=models.PROTECT, related_name="supply_requests"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_from = models.ForeignKey(
        Store, verbose_name=_("issued from"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supply request")  # 物资申领
        verbose_name_plural = _("supply requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "partly_approved", "rejected", "issued"])
                | Q(decided_at__isnull=False),
                name="supplies_request_decided",
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | (Q(issued_at__isnull=False) & Q(issued_from__isnull=False)),
                name="supplies_request_issued",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Request %(n)s") % {"n": self.pk})

    @property
    def requester_place(self) -> str:
        return str(self.checkpoint or self.community)

    @classmethod
    def scope_for_user(cls, qs: QuerySet[SupplyRequest], user: Any) -> QuerySet[SupplyRequest]:
        if is_community_bound(user):
            cid = getattr(user, "community_id", None)
            return qs.filter(community_id=cid) if cid else qs.none()
        if not user.is_superuser and getattr(user, "role", "") == Role.DUTY:
            # Duty staff follow the requests they made themselves.
            return qs.filter(requested_by=user)
        return qs


class SupplyRequestLine(models.Model):
    """One item of a request: how much was asked, approved and issued."""

    request = models.ForeignKey(SupplyRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity_requested = models.PositiveIntegerField(_("requested"))
    quantity_approved = models.PositiveIntegerField(_("approved"), null=True, blank=True)
    quantity_issued = models.PositiveIntegerField(_("issued"), default=0)

    class Meta:
        verbose_name = _("request line")  # 申领明细
        verbose_name_plural = _("request lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="supplies_line_one_per_item"),
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="supplies_line_requested_positive"),
            models.CheckConstraint(
                condition=Q(quantity_approved__isnull=True) | Q(quantity_approved__lte=F("quantity_requested")),
                name="supplies_line_approved_le_requested",
            ),
            models.CheckConstraint(
                condition=Q(quantity_issued__lte=F("quantity_approved")) | Q(quantity_issued=0),
                name="supplies_line_issued_le_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity_requested}"


class StockAlert(models.Model):
    """A low-stock episode of one item at one store: opened when it falls short, closed when restocked."""

    community_path = "store__community"

    class Reason(models.TextChoices):
        THRESHOLD = "threshold", _("Under the low-stock threshold")
        COVER = "cover", _("Too few days of cover")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="alerts")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="alerts")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    on_hand = models.IntegerField(_("on hand"))
    days_of_cover = models.DecimalField(_("days of cover"), max_digits=8, decimal_places=1, null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("low-stock alert")  # 库存预警
        verbose_name_plural = _("low-stock alerts")
        ordering = ["-opened_at", "-id"]
        constraints = [
            # One open episode per item and store: the alert is sent when it opens, not on every movement.
            models.UniqueConstraint(
                fields=["store", "item"], condition=Q(closed_at__isnull=True), name="supplies_one_open_alert"
            )
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.item} {self.get_reason_display()}"

    @property
    def dedupe_key(self) -> str:
        return f"supplies.low:{self.store_id}:{self.item_id}:{self.pk}"
