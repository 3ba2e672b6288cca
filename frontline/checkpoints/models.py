"""Passages of people and vehicles at checkpoints, QR self-registrations, and daily tallies."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.fields import BlindIndexField, EncryptedTextField

TEMPERATURE_MIN = Decimal("35.0")
TEMPERATURE_MAX = Decimal("42.5")


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    TURNED_BACK = "turned_back", _("Turned back")
    REFERRED_COMMUNITY = "referred_community", _("Referred to community")
    REFERRED_HEALTH = "referred_health", _("Referred to health department")


class VehicleOutcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    TURNED_BACK = "turned_back", _("Turned back")


class VehicleType(models.TextChoices):
    CAR = "car", _("Car")
    VAN = "van", _("Van")
    TRUCK = "truck", _("Truck")
    BUS = "bus", _("Bus")
    MOTORCYCLE = "motorcycle", _("Motorcycle")
    OTHER = "other", _("Other vehicle")


class Symptom(models.TextChoices):
    DRY_COUGH = "dry_cough", _("Dry cough")
    FATIGUE = "fatigue", _("Fatigue")
    SORE_THROAT = "sore_throat", _("Sore throat")
    SHORT_BREATH = "short_breath", _("Shortness of breath")
    MUSCLE_ACHE = "muscle_ache", _("Muscle ache")
    DIARRHOEA = "diarrhoea", _("Diarrhoea")
    LOSS_OF_TASTE = "loss_of_taste", _("Loss of taste or smell")


class Source(models.TextChoices):
    FIELD = "field", _("Field page")
    API = "api", _("API")
    QR = "qr", _("QR self-registration")
    IMPORT = "import", _("Paper sheet import")


class VehiclePassage(models.Model):
    """A vehicle checked at a checkpoint (车辆登记)."""

    community_path = "checkpoint__community"

    checkpoint = models.ForeignKey(
        "org.Checkpoint", verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="vehicle_passages"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    day = models.DateField(_("date"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.IN)
    plate = models.CharField(_("licence plate"), max_length=10, db_index=True)
    vehicle_type = models.CharField(
        _("vehicle type"), max_length=12, choices=VehicleType.choices, default=VehicleType.CAR
    )
    occupants = models.PositiveSmallIntegerField(_("occupants"), default=1)
    origin_region = models.CharField(_("coming from"), max_length=6, blank=True)
    high_risk = models.BooleanField(_("high-risk origin"), default=False)
    outcome = models.CharField(_("outcome"), max_length=12, choices=VehicleOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FIELD)
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle passage")  # 车辆登记
        verbose_name_plural = _("vehicle passages")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["checkpoint", "day"], name="vehicle_checkpoint_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupants__gte=1) & Q(occupants__lte=80), name="vehicle_occupants_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.at:%Y-%m-%d %H:%M}"


class Passage(models.Model):
    """A person checked at a checkpoint: temperature, where from, outcome (人员登记)."""

    community_path = "checkpoint__community"

    checkpoint = models.ForeignKey(
        "org.Checkpoint",
        verbose_name=_("checkpoint"),
        on_delete=models.PROTECT,
        related_name="passages",
        db_index=False,  # passage_checkpoint_day (checkpoint, day) serves it: one index less per insert
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    day = models.DateField(_("date"))  # the local date of `at`: tallies and lists group by it
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.IN)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    document_type = models.CharField(
        _("document type"), max_length=12, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    id_number = EncryptedTextField(_("document number"), kind="id_number")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    phone = EncryptedTextField(_("phone"), kind="phone")
    # Kept for finding a person's passages by phone, but no page asks that of ten million rows yet:
    # unindexed, it costs the 2,300 registrations a day nothing (an index is updated by every insert).
    phone_hash = BlindIndexField(source="phone", kind="phone", db_index=False)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    fever = models.BooleanField(_("fever"), default=False)  # at or above the campaign's threshold
    fever_event = models.BooleanField(_("fever or dry cough"), default=False)  # raised to the health workflow
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    origin_region = models.CharField(_("coming from"), max_length=6, blank=True)
    high_risk = models.BooleanField(_("high-risk origin"), default=False)
    arrived_on = models.DateField(_("arrived in the district on"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    vehicle = models.ForeignKey(
        VehiclePassage,
        verbose_name=_("vehicle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occupant_passages",
        db_index=False,  # passage_vehicle: only the few passages that came in a vehicle
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.FIELD)
    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("passage")  # 人员登记
        verbose_name_plural = _("passages")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["checkpoint", "day"], name="passage_checkpoint_day"),
            models.Index(fields=["day", "fever_event"], name="passage_day_fever"),
            models.Index(fields=["vehicle"], name="passage_vehicle", condition=Q(vehicle__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(temperature__isnull=True)
                | Q(temperature__gte=TEMPERATURE_MIN, temperature__lte=TEMPERATURE_MAX),
                name="passage_temperature_plausible",
            ),
            models.CheckConstraint(condition=Q(fever=False) | Q(fever_event=True), name="passage_fever_is_event"),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.at:%Y-%m-%d %H:%M}"


def receipt_code() -> str:
    """Return a short code a resident can read out: no 0/O, 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(6))


class SelfRegistration(models.Model):
    """A resident's own registration through a checkpoint's QR code, waiting for the staff (扫码登记)."""

    community_path = "checkpoint__community"

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting at the checkpoint")
        CONFIRMED = "confirmed", _("Confirmed")
        EXPIRED = "expired", _("Expired")

    checkpoint = models.ForeignKey(
        "org.Checkpoint", verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="self_registrations"
    )
    receipt = models.CharField(_("receipt code"), max_length=8, unique=True, default=receipt_code)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = EncryptedTextField(_("resident ID number"), kind="id_number")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    phone = EncryptedTextField(_("phone"), kind="phone")
    phone_hash = BlindIndexField(source="phone", kind="phone")
    origin_region = models.CharField(_("coming from"), max_length=6, blank=True)
    arrived_on = models.DateField(_("arrived in the district on"), null=True, blank=True)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    consented_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    passage = models.OneToOneField(
        Passage,
        verbose_name=_("passage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="self_registration",
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("self-registration")  # 扫码自助登记
        verbose_name_plural = _("self-registrations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["checkpoint", "status"], name="selfreg_checkpoint_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(passage__isnull=False), name="selfreg_confirmed_has_passage"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt


class DailyTally(models.Model):
    """Counters of one checkpoint on one local day, kept in step with every passage (每日统计)."""

    community_path = "checkpoint__community"

    checkpoint = models.ForeignKey(
        "org.Checkpoint",
        verbose_name=_("checkpoint"),
        on_delete=models.CASCADE,
        related_name="tallies",
        db_index=False,  # tally_one_per_checkpoint_day (checkpoint, day) serves it
    )
    day = models.DateField(_("date"))
    people_in = models.PositiveIntegerField(_("people in"), default=0)
    people_out = models.PositiveIntegerField(_("people out"), default=0)
    turned_back = models.PositiveIntegerField(_("people turned back"), default=0)
    referred = models.PositiveIntegerField(_("people referred"), default=0)
    fevers = models.PositiveIntegerField(_("fevers"), default=0)
    fever_events = models.PositiveIntegerField(_("fever or dry cough"), default=0)
    high_risk = models.PositiveIntegerField(_("high-risk arrivals"), default=0)
    vehicles = models.PositiveIntegerField(_("vehicles"), default=0)
    vehicles_turned_back = models.PositiveIntegerField(_("vehicles turned back"), default=0)

    COUNTERS = (
        "people_in",
        "people_out",
        "turned_back",
        "referred",
        "fevers",
        "fever_events",
        "high_risk",
        "vehicles",
        "vehicles_turned_back",
    )

    class Meta:
        verbose_name = _("daily tally")  # 每日统计
        verbose_name_plural = _("daily tallies")
        ordering = ["-day", "checkpoint"]
        constraints = [models.UniqueConstraint(fields=["checkpoint", "day"], name="tally_one_per_checkpoint_day")]
        # The tally page reads a range of days for all checkpoints: (day, checkpoint) answers it from the
        # index alone, in the page's order; (checkpoint, day) answers one checkpoint's days.
        indexes = [models.Index(fields=["day", "checkpoint"], name="tally_day_checkpoint")]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.day}"

    @property
    def people(self) -> int:
        return self.people_in + self.people_out


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
