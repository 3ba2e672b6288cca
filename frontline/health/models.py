"""Key populations, the measures they are under, their daily health reports and fever escalations."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.fields import BlindIndexField, EncryptedTextField
from frontline.core.models import TimeStampedModel

DEFAULT_SLOTS: list[dict[str, str]] = [
    {"code": "morning", "name": "上午", "opens": "06:00", "cutoff": "10:00"},
    {"code": "afternoon", "name": "下午", "opens": "14:00", "cutoff": "18:00"},
]
SLOT_LABELS = {"morning": _("Morning"), "afternoon": _("Afternoon"), "evening": _("Evening"), "noon": _("Noon")}


def _default_slots() -> list[dict[str, str]]:
    return [dict(s) for s in DEFAULT_SLOTS]


def new_token() -> str:
    """Return an unguessable token for a personal report link (192 random bits)."""
    return secrets.token_urlsafe(24)


class Category(models.Model):
    """A kind of key population, from a configurable list (重点人员类别)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    default_days = models.PositiveSmallIntegerField(_("default measure days"), default=14)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("key population category")  # 重点人员类别
        verbose_name_plural = _("key population categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class HealthSettings(models.Model):
    """A campaign's reporting slots, notification time and measure lengths (健康监测设置)."""

    campaign = models.OneToOneField(
        "org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="health_settings"
    )
    slots = models.JSONField(
        _("reporting slots"),
        default=_default_slots,
        help_text=_('Each slot: code, name, opening and cutoff time, e.g. {"code": "morning", "cutoff": "10:00"}.'),
    )
    notify_within_minutes = models.PositiveSmallIntegerField(_("notify the community within (minutes)"), default=30)
    category_days = models.JSONField(
        _("measure days per category"), default=dict, blank=True, help_text=_("Category code → days.")
    )
    extend_days = models.PositiveSmallIntegerField(_("days added when a measure ends abnormally"), default=7)
    normal_days_for_release = models.PositiveSmallIntegerField(_("normal days needed for release"), default=3)

    class Meta:
        verbose_name = _("health settings")  # 健康监测设置
        verbose_name_plural = _("health settings")

    def __str__(self) -> str:
        return str(self.campaign)

    def slot_list(self) -> list[Slot]:
        return [Slot.from_dict(s) for s in (self.slots or DEFAULT_SLOTS)]


class Slot:
    """One reporting slot of the day: reports are taken from `opens` and are late after `cutoff`."""

    def __init__(self, code: str, name: str, opens: time, cutoff: time) -> None:
        self.code, self.name, self.opens, self.cutoff = code, name, opens, cutoff

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Slot:
        return cls(
            code=str(data["code"]),
            name=str(data.get("name") or data["code"]),
            opens=time.fromisoformat(data.get("opens") or "00:00"),
            cutoff=time.fromisoformat(data["cutoff"]),
        )

    @property
    def label(self) -> Any:
        return SLOT_LABELS.get(self.code, self.name)

    def cutoff_at(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, self.cutoff))

    def opens_at(self, day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, self.opens))

    def __repr__(self) -> str:
        return f"Slot({self.code} {self.opens:%H:%M}-{self.cutoff:%H:%M})"


class Person(TimeStampedModel):
    """Someone the campaign watches (重点人员): matched by resident ID through its keyed hash."""

    community_path = "community"

    class FoundBy(models.TextChoices):
        CHECKPOINT = "checkpoint", _("Checkpoint passage")
        HOTLINE = "hotline", _("Hotline tip")
        SCREENING = "screening", _("Screening list")
        SELF = "self", _("Self-declaration")
        MANUAL = "manual", _("Entered by hand")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    name = models.CharField(_("name"), max_length=50)
    id_number = EncryptedTextField(_("ID number"), kind="id_number")
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    phone = EncryptedTextField(_("phone"), kind="phone")
    phone_hash = BlindIndexField(source="phone", kind="phone")
    address = EncryptedTextField(_("home address"), kind="address")
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="watched_people",
    )
    categories = models.ManyToManyField(Category, verbose_name=_("categories"), blank=True, related_name="people")
    found_by = models.CharField(_("found by"), max_length=12, choices=FoundBy.choices, default=FoundBy.MANUAL)
    contact_of = models.ForeignKey(
        "self", verbose_name=_("contact of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    staff = models.OneToOneField(
        "org.Staff",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="health_person",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("person to watch")  # 重点人员
        verbose_name_plural = _("people to watch")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=~Q(id_number_hash=""), name="health_person_one_per_id"
            )
        ]

    def __str__(self) -> str:
        return self.name


OPEN_STATUSES = ("active", "extended")


class Measure(TimeStampedModel):
    """Home isolation, medical observation or centralised isolation of one person (隔离/医学观察)."""

    community_path = "person__community"

    class Kind(models.TextChoices):
        HOME = "home", _("Home isolation")
        MEDICAL = "medical", _("Medical observation")
        CENTRAL = "central", _("Centralised isolation")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("measure status", "Active")
        EXTENDED = "extended", pgettext_lazy("measure status", "Extended")
        RELEASED = "released", _("Released")
        HOSPITAL = "hospital", _("Transferred to hospital")
        ENDED = "ended", _("Ended otherwise")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOME)
    start_date = models.DateField(_("start date"))
    planned_days = models.PositiveSmallIntegerField(_("planned days"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    responsible_staff = models.ForeignKey(
        "org.Staff",
        verbose_name=_("responsible staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("community liaison"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_to_post_at = models.DateTimeField(_("returned to post at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("measure")  # 管控措施
        verbose_name_plural = _("measures")
        ordering = ["planned_end", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=OPEN_STATUSES), name="health_one_open_measure_per_person"
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("start_date")), name="health_measure_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_date")),
                name="health_measure_ended_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="health_measure_open_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def day_number(self, day: date) -> int:
        return (day - self.start_date).days + 1


class HealthReport(models.Model):
    """One temperature and symptom report for a reporting slot (健康报告); later ones supersede it."""

    class By(models.TextChoices):
        SELF = "self", _("The person themselves")
        STAFF_PHONE = "staff_phone", _("Staff by phone")

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="reports")
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=20)
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1)
    dry_cough = models.BooleanField(_("dry cough"), default=False)
    fatigue = models.BooleanField(_("fatigue"), default=False)
    sore_throat = models.BooleanField(_("sore throat"), default=False)
    short_breath = models.BooleanField(_("shortness of breath"), default=False)
    diarrhoea = models.BooleanField(_("diarrhoea"), default=False)
    other_symptoms = models.CharField(_("other symptoms"), max_length=200, blank=True)
    reported_by = models.CharField(_("reported by"), max_length=12, choices=By.choices, default=By.SELF)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    late = models.BooleanField(_("late"), default=False)
    abnormal = models.BooleanField(_("abnormal"), default=False)
    superseded = models.BooleanField(_("superseded"), default=False)

    class Meta:
        verbose_name = _("health report")  # 健康报告
        verbose_name_plural = _("health reports")
        ordering = ["-day", "-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "day", "slot"], condition=Q(superseded=False), name="health_one_current_report"
            ),
            models.CheckConstraint(
                condition=Q(temperature__gte=Decimal("34.0")) & Q(temperature__lte=Decimal("43.0")),
                name="health_report_temperature_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slot} {self.temperature}"

    @property
    def symptom_list(self) -> list[str]:
        names = [
            (self.dry_cough, _("dry cough")),
            (self.fatigue, _("fatigue")),
            (self.sore_throat, _("sore throat")),
            (self.short_breath, _("shortness of breath")),
            (self.diarrhoea, _("diarrhoea")),
        ]
        out = [str(label) for on, label in names if on]
        if self.other_symptoms:
            out.append(self.other_symptoms)
        return out


class MissedReport(models.Model):
    """A slot that passed its cutoff without a report (漏报), written once by the missed-report job."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="missed")
    day = models.DateField(_("day"))
    slot = models.CharField(_("slot"), max_length=20)
    created_at = models.DateTimeField(_("found at"), default=timezone.now)

    community_path = "measure__person__community"

    class Meta:
        verbose_name = _("missed report")  # 漏报
        verbose_name_plural = _("missed reports")
        ordering = ["-day", "slot", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "day", "slot"], name="health_missed_once")]
        indexes = [models.Index(fields=["day", "slot"], name="health_missed_day_idx")]

    def __str__(self) -> str:
        return f"{self.measure} {self.day} {self.slot}"


class SlotCheck(models.Model):
    """A slot of a day whose missed reports were written and notified: later runs skip it."""

    day = models.DateField()
    slot = models.CharField(max_length=20)
    checked_at = models.DateTimeField(default=timezone.now)
    missed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "slot"], name="health_slot_checked_once")]

    def __str__(self) -> str:
        return f"{self.day} {self.slot}"


class Escalation(TimeStampedModel):
    """A fever or dry-cough case handed along: community, health department, hospital (发热处置)."""

    community_path = "person__community"

    class Source(models.TextChoices):
        CHECKPOINT = "checkpoint", _("Checkpoint passage")
        REPORT = "report", _("Health report")
        MANUAL = "manual", _("Opened by hand")

    class State(models.TextChoices):
        # With a context: "Closed" of a fever case is not "Closed" of a campaign (已结案, not 已结束).
        DETECTED = "detected", pgettext_lazy("escalation state", "Detected")
        COMMUNITY_NOTIFIED = "community_notified", pgettext_lazy("escalation state", "Community notified")
        HANDED_TO_HEALTH = "handed_to_health_dept", pgettext_lazy("escalation state", "Handed to the health department")
        AT_HOSPITAL = "at_hospital", pgettext_lazy("escalation state", "At a designated hospital")
        CLOSED = "closed", pgettext_lazy("escalation state", "Closed")

    class Outcome(models.TextChoices):
        EXCLUDED = "excluded", _("Excluded")
        SUSPECTED = "suspected", _("Suspected")
        CONFIRMED = "confirmed", pgettext_lazy("case", "Confirmed")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="escalations")
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    passage_id = models.BigIntegerField(_("passage"), null=True, blank=True)
    report = models.ForeignKey(
        HealthReport, verbose_name=_("report"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    temperature = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True)
    symptoms = models.CharField(_("symptoms"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DETECTED)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    detected_at = models.DateTimeField(_("detected at"), default=timezone.now)
    notify_due_at = models.DateTimeField(_("community to be notified by"))
    notified_at = models.DateTimeField(_("community notified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("fever escalation")  # 发热处置
        verbose_name_plural = _("fever escalations")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["passage_id"], condition=Q(passage_id__isnull=False), name="health_escalation_once_per_passage"
            ),
            models.CheckConstraint(
                condition=Q(state="closed", outcome__in=["excluded", "suspected", "confirmed", "other"])
                | (~Q(state="closed") & Q(outcome="")),
                name="health_escalation_outcome_iff_closed",
            ),
        ]
        indexes = [models.Index(fields=["state", "notify_due_at"], name="health_escalation_state_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    @property
    def overdue(self) -> bool:
        """Tell whether the community was not notified within the configured time."""
        if self.notified_at is not None:
            return self.notified_at > self.notify_due_at
        return self.state == self.State.DETECTED and timezone.now() > self.notify_due_at

    @property
    def minutes_open(self) -> int:
        end = self.closed_at or timezone.now()
        return max(int((end - self.detected_at) / timedelta(minutes=1)), 0)


class EscalationStep(models.Model):
    """One step of an escalation: who moved it, when, and to whom it was handed (处置记录)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("from"), max_length=24, choices=Escalation.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=24, choices=Escalation.State.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("by"), max_length=150, blank=True)
    to_whom = models.CharField(_("to whom"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("escalation step")  # 处置记录
        verbose_name_plural = _("escalation steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_state}→{self.to_state}"
