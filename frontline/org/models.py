"""The organisation: campaign and batches, units, groups, staff, teams, communities, checkpoints."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontline.core.access import Role
from frontline.core.fields import BlindIndexField, EncryptedTextField
from frontline.core.masking import mask_phone
from frontline.core.models import TimeStampedModel


class User(AbstractUser):
    """A log-in. Its role decides what it may do; a liaison is bound to one community."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Community liaisons see only this community's records."),
    )

    class Meta:
        verbose_name = _("user")  # 用户
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="liaison") | Q(community__isnull=False), name="liaison_has_community"
            )
        ]

    @property
    def display_name(self) -> str:
        staff = getattr(self, "staff", None)
        return staff.name if staff else (self.get_full_name() or self.username)


class Campaign(TimeStampedModel):
    """An epidemic prevention and control campaign, with its configurable settings."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    fever_threshold = models.DecimalField(
        _("fever threshold (°C)"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("37.3"),
        validators=[MinValueValidator(Decimal("36.5")), MaxValueValidator(Decimal("39.0"))],
    )
    high_risk_regions = models.JSONField(
        _("high-risk regions"),
        default=list,
        blank=True,
        help_text=_("Region codes (GB/T 2260); a province or city code covers everything under it."),
    )
    isolation_days = models.PositiveSmallIntegerField(_("isolation days"), default=14)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("campaign")  # 防控行动
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="campaign_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration_days(self) -> int | None:
        if not self.end_date:
            return None
        return (self.end_date - self.start_date).days + 1


class Unit(TimeStampedModel):
    """An organisation whose staff serve: the bureau, the notary office."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("unit")  # 单位
        verbose_name_plural = _("units")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Community(TimeStampedModel):
    """A residential community (社区) where checkpoints stand."""

    community_path = "pk"

    name = models.CharField(_("name"), max_length=100, unique=True)
    subdistrict = models.CharField(_("sub-district"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    liaison_name = models.CharField(_("liaison"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("liaison phone"), max_length=20, blank=True)
    office_phone = models.CharField(_("office phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("community")  # 社区
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(TimeStampedModel):
    """A volunteer or commando team (巾帼志愿服务队, 青年突击队, 老兵队)."""

    class Kind(models.TextChoices):
        WOMEN = "women", _("Women's volunteer team")
        YOUTH = "youth", _("Youth commando team")
        VETERANS = "veterans", _("Veterans' team")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    leader = models.ForeignKey(
        "org.Staff", verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("team")  # 队伍
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingGroup(TimeStampedModel):
    """The leadership group and the office and five working groups (一办五组)."""

    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership group")
        OFFICE = "office", _("Office")
        PUBLICITY = "publicity", _("Publicity group")
        LOGISTICS = "logistics", _("Logistics group")
        SCREENING = "screening", _("Screening group")
        PREVENTION = "prevention", _("Prevention and control group")
        EMERGENCY = "emergency", _("Emergency group")

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    duties = models.TextField(_("duties"), blank=True)
    leader = models.ForeignKey(
        "org.Staff", verbose_name=_("leader"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("working group")  # 工作组
        verbose_name_plural = _("working groups")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="one_group_of_a_kind")]

    def __str__(self) -> str:
        return self.name


class Staff(TimeStampedModel):
    """A member of staff of a unit, who may serve at checkpoints and in groups."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class PartyStatus(models.TextChoices):
        MEMBER = "member", _("Party member")
        PROBATIONARY = "probationary", _("Probationary member")
        ACTIVIST = "activist", _("Activist")
        NONE = "none", _("Non-member")

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), kind="phone")
    phone_hash = BlindIndexField(source="phone", kind="phone")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("position"), max_length=100, blank=True)
    groups = models.ManyToManyField(WorkingGroup, verbose_name=_("working groups"), blank=True, related_name="members")
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="members")
    party_status = models.CharField(
        _("party status"), max_length=12, choices=PartyStatus.choices, default=PartyStatus.NONE
    )
    party_since = models.DateField(_("party status since"), null=True, blank=True)
    military_years = models.PositiveSmallIntegerField(_("years of military service"), default=0)
    is_team_leader = models.BooleanField(_("team leader"), default=False)
    home_community = models.ForeignKey(
        Community, verbose_name=_("home community"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emergency_contact = models.CharField(_("emergency contact"), max_length=50, blank=True)
    emergency_phone = EncryptedTextField(_("emergency contact phone"), kind="phone")
    user = models.OneToOneField(
        "org.User", verbose_name=_("log-in"), null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("staff member")  # 工作人员
        verbose_name_plural = _("staff")
        ordering = ["unit__order", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_veteran(self) -> bool:
        return self.military_years > 0

    @property
    def is_party_member(self) -> bool:
        return self.party_status in (self.PartyStatus.MEMBER, self.PartyStatus.PROBATIONARY)

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class Batch(TimeStampedModel):
    """A wave of staff deployed to the communities (批次)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveSmallIntegerField(_("number"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    staff = models.ManyToManyField(Staff, verbose_name=_("staff"), blank=True, related_name="batches")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("batch")  # 批次
        verbose_name_plural = _("batches")
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="batch_number_unique"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="batch_end_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Batch %(n)s") % {"n": self.number})


class Checkpoint(TimeStampedModel):
    """A staffed control point (疫情防控点 / 卡口) at a compound gate or on a road."""

    community_path = "community"

    class Kind(models.TextChoices):
        GATE = "gate", _("Compound gate")
        ROAD = "road", _("Road")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="checkpoints"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GATE)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    shift_pattern = models.JSONField(
        _("shift pattern"),
        default=list,
        blank=True,
        help_text=_('Shifts as start–end times, e.g. ["07:00-13:00", "13:00-19:00", "19:00-07:00"].'),
    )
    staff_min = models.PositiveSmallIntegerField(_("staff needed per shift (min)"), default=1)
    staff_max = models.PositiveSmallIntegerField(_("staff per shift (max)"), default=2)
    active = models.BooleanField(_("active"), default=True)
    public_token = models.UUIDField(_("QR token"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("checkpoint")  # 疫情防控点
        verbose_name_plural = _("checkpoints")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="checkpoint_close_after_open",
                violation_error_message=_("The closing date is before the opening date."),
            ),
            models.CheckConstraint(
                condition=Q(staff_max__gte=F("staff_min")),
                name="checkpoint_staff_max_ge_min",
                violation_error_message=_("The maximum staff per shift is below the minimum."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
