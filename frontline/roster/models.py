"""Duty rosters: demand, availability, rules, versioned rosters and cells, attendance, inspections."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.models import TimeStampedModel
from frontline.org.models import Batch, Campaign, Checkpoint, Staff

# A shift is "night" when any part of it falls between these hours (it keeps older staff home).
NIGHT_START = time(22, 0)
NIGHT_END = time(6, 0)


def parse_shift(label: str) -> tuple[time, time]:
    """Return the start and end times of a shift written as "HH:MM-HH:MM"."""
    start_s, end_s = label.replace("–", "-").split("-")
    return time.fromisoformat(start_s.strip()), time.fromisoformat(end_s.strip())


def shift_bounds(day: date, label: str) -> tuple[datetime, datetime]:
    """Return the aware start and end of a shift on a day; an end at or before the start is next day."""
    start_t, end_t = parse_shift(label)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, start_t), tz)
    end_day = day + timedelta(days=1) if end_t <= start_t else day
    end = timezone.make_aware(datetime.combine(end_day, end_t), tz)
    return start, end


def shift_minutes(label: str) -> int:
    start_t, end_t = parse_shift(label)
    a = start_t.hour * 60 + start_t.minute
    b = end_t.hour * 60 + end_t.minute
    return (b - a) % (24 * 60) or 24 * 60


def shift_is_night(label: str) -> bool:
    start_t, end_t = parse_shift(label)
    a = start_t.hour * 60 + start_t.minute
    length = shift_minutes(label)
    night_from = NIGHT_START.hour * 60
    night_to = 24 * 60 + NIGHT_END.hour * 60
    # The shift occupies [a, a+length) on a 48-hour line; the night is [22:00, 30:00) and [-2:00, 6:00).
    for lo, hi in ((night_from, night_to), (night_from - 24 * 60, night_to - 24 * 60)):
        if a < hi and a + length > lo:
            return True
    return False


class RuleKey(models.TextChoices):
    """The configurable rostering rules; each is hard or soft with a weight (the solver's `Rules`)."""

    COVERAGE = "coverage", _("Staff needed per shift (minimum)")
    ROLES = "roles", _("Party member / team leader on shifts that need one")
    ONE_SHIFT_PER_DAY = "one_shift_per_day", _("At most one shift a day")
    MIN_REST_HOURS = "min_rest_hours", _("Minimum rest between shifts (hours)")
    MAX_CONSECUTIVE_DAYS = "max_consecutive_days", _("Maximum consecutive duty days")
    DAYS_OFF_AFTER_MAX_RUN = "days_off_after_max_run", _("Days off after a longest run")
    MIN_CONSECUTIVE_DAYS_OFF = "min_consecutive_days_off", _("Minimum consecutive days off")
    MAX_SHIFTS_PER_WEEK = "max_shifts_per_week", _("Maximum shifts in any 7 days")
    FAIRNESS_SHIFTS = "fairness_shifts", _("Fairness: shifts within a band")
    FAIRNESS_NIGHTS = "fairness_nights", _("Fairness: nights within a band")
    FAIRNESS_WEEKENDS = "fairness_weekends", _("Fairness: weekends within a band")
    CONTINUITY = "continuity", _("Continuity: same checkpoint on consecutive days")
    HOME_COMMUNITY = "home_community", _("Home community preference")
    STABILITY = "stability", _("Fewest changes when re-solving")


# Rules that can only be soft (they are preferences, not limits).
ALWAYS_SOFT = frozenset({RuleKey.CONTINUITY, RuleKey.HOME_COMMUNITY, RuleKey.STABILITY})

# key -> (enabled, hard, weight, value). Values are hours, days, shifts or a band width.
RULE_DEFAULTS: dict[str, tuple[bool, bool, int, int]] = {
    RuleKey.COVERAGE: (True, True, 1000, 0),
    RuleKey.ROLES: (True, False, 100, 0),
    RuleKey.ONE_SHIFT_PER_DAY: (True, True, 200, 1),
    RuleKey.MIN_REST_HOURS: (True, True, 100, 12),
    RuleKey.MAX_CONSECUTIVE_DAYS: (True, True, 50, 5),
    RuleKey.DAYS_OFF_AFTER_MAX_RUN: (True, False, 30, 1),
    RuleKey.MIN_CONSECUTIVE_DAYS_OFF: (True, False, 10, 1),
    RuleKey.MAX_SHIFTS_PER_WEEK: (True, True, 50, 5),
    RuleKey.FAIRNESS_SHIFTS: (True, False, 20, 2),
    RuleKey.FAIRNESS_NIGHTS: (True, False, 20, 1),
    RuleKey.FAIRNESS_WEEKENDS: (True, False, 10, 1),
    RuleKey.CONTINUITY: (True, False, 2, 0),
    RuleKey.HOME_COMMUNITY: (True, False, 1, 0),
    RuleKey.STABILITY: (True, False, 50, 0),
}


class RuleSetting(TimeStampedModel):
    """One rostering rule's setting for a campaign: on or off, hard or soft, weight and value."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="roster_rules"
    )
    key = models.CharField(_("rule"), max_length=40, choices=RuleKey.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    hard = models.BooleanField(_("hard rule"), default=False)
    weight = models.PositiveIntegerField(_("weight"), default=1)
    value = models.PositiveIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("rostering rule")  # 排班规则
        verbose_name_plural = _("rostering rules")
        ordering = ["campaign", "key"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="roster_rule_once")]

    def __str__(self) -> str:
        return str(RuleKey(self.key).label)


class PersonLimit(TimeStampedModel):
    """A per-person limit by age: e.g. staff aged 55 and over at most 6 hours a day and no nights."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="person_limits"
    )
    name = models.CharField(_("name"), max_length=100)
    min_age = models.PositiveSmallIntegerField(_("from age"))
    max_hours_per_day = models.PositiveSmallIntegerField(_("at most hours a day"), null=True, blank=True)
    no_nights = models.BooleanField(_("no night shifts"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("per-person limit")  # 个人限制
        verbose_name_plural = _("per-person limits")
        ordering = ["campaign", "min_age"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_hours_per_day__isnull=True) | Q(max_hours_per_day__gte=1, max_hours_per_day__lte=24),
                name="person_limit_hours_range",
                violation_error_message=_("At most hours a day: between 1 and 24."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RosterSettings(TimeStampedModel):
    """A campaign's office duty and leader-on-duty settings."""

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="roster_settings"
    )
    office_shift_pattern = models.JSONField(
        _("office duty shifts"),
        default=list,
        blank=True,
        help_text=_('Office duty (24-hour on call) as start–end times, e.g. ["08:00-20:00", "20:00-08:00"].'),
    )
    office_staff = models.PositiveSmallIntegerField(_("office staff per shift"), default=1)
    leader_rota = models.BooleanField(_("leader on duty every day"), default=True)

    class Meta:
        verbose_name = _("roster settings")  # 排班设置
        verbose_name_plural = _("roster settings")

    def __str__(self) -> str:
        return str(self.campaign)


class CheckpointDemand(TimeStampedModel):
    """Per-shift rules of a checkpoint besides its staff min/max: a party member, a team leader."""

    checkpoint = models.OneToOneField(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="roster_demand"
    )
    need_party_member = models.BooleanField(_("at least one party member per shift"), default=False)
    need_team_leader = models.BooleanField(_("at least one team leader per shift"), default=False)

    community_path = "checkpoint__community"

    class Meta:
        verbose_name = _("checkpoint demand")  # 执勤点需求
        verbose_name_plural = _("checkpoint demands")

    def __str__(self) -> str:
        return str(self.checkpoint)


class Unavailability(TimeStampedModel):
    """Dates a staff member cannot serve: leave, sick leave, a declared unavailable date."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick leave")
        UNAVAILABLE = "unavailable", _("Unavailable")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="unavailable"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.UNAVAILABLE)
    start_date = models.DateField(pgettext_lazy("roster", "from"))
    end_date = models.DateField(pgettext_lazy("roster", "to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailability")  # 不可排班日期
        verbose_name_plural = _("unavailabilities")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="unavailability_end_after_start",
                violation_error_message=_("To: must not be before the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.start_date}–{self.end_date}"


class Roster(TimeStampedModel):
    """A plan of duties for a batch and a date range; its versions hold the cells."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rosters")
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.PROTECT, related_name="rosters"
    )
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(pgettext_lazy("roster", "from"))
    end_date = models.DateField(pgettext_lazy("roster", "to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("roster")  # 排班表
        verbose_name_plural = _("rosters")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="roster_end_after_start",
                violation_error_message=_("Last day: must not be before the first day."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> list[date]:
        n = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=i) for i in range(n)]


class RosterVersion(TimeStampedModel):
    """One version of a roster: a draft being edited, a proposal, published, or superseded."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed change")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")
        DISCARDED = "discarded", _("Discarded")

    class Kind(models.TextChoices):
        GENERATED = "generated", _("Generated")
        EDITED = "edited", _("Edited")
        REPAIR = "repair", _("Repair")
        SWAP = "swap", _("Swap")

    roster = models.ForeignKey(Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GENERATED)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solver_status = models.CharField(_("solver status"), max_length=20, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    repair_staff = models.ForeignKey(
        Staff,
        verbose_name=_("unavailable staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("roster version")  # 排班版本
        verbose_name_plural = _("roster versions")
        ordering = ["roster", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "number"], name="roster_version_number_unique"),
            models.UniqueConstraint(
                fields=["roster"], condition=Q(status="published"), name="roster_one_published_version"
            ),
            models.UniqueConstraint(fields=["roster"], condition=Q(status="draft"), name="roster_one_draft"),
        ]

    def __str__(self) -> str:
        return f"{self.roster} v{self.number}"

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.PROPOSED)


class Assignment(models.Model):
    """One cell of a roster version: a staff member on one shift of a day at a post."""

    version = models.ForeignKey(
        RosterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="assignments"
    )
    day = models.DateField(_("day"))
    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text=_("Empty for office duty."),
    )
    shift = models.CharField(_("shift"), max_length=20)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    staff = models.ForeignKey(Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="duties")
    locked = models.BooleanField(_("locked"), default=False)

    class Meta:
        verbose_name = _("duty")  # 执勤班次
        verbose_name_plural = pgettext_lazy("roster", "duties")
        ordering = ["day", "starts_at", "checkpoint__code", "staff__name"]
        constraints = [
            models.UniqueConstraint(fields=["version", "staff", "starts_at"], name="assignment_one_place_at_a_time"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="assignment_end_after_start"),
        ]
        indexes = [models.Index(fields=["version", "day"]), models.Index(fields=["staff", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.shift} {self.post_name} {self.staff}"

    @property
    def post_name(self) -> str:
        return self.checkpoint.name if self.checkpoint_id and self.checkpoint else str(_("Office duty"))

    def key(self) -> tuple[Any, ...]:
        return (self.day, self.checkpoint_id, self.shift, self.staff_id)


class LeaderDuty(models.Model):
    """The leader on duty (带班领导) of one day in a roster version."""

    version = models.ForeignKey(
        RosterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="leader_duties"
    )
    day = models.DateField(_("day"))
    staff = models.ForeignKey(
        Staff, verbose_name=pgettext_lazy("roster", "leader"), on_delete=models.PROTECT, related_name="leader_days"
    )

    class Meta:
        verbose_name = _("leader on duty")  # 带班领导
        verbose_name_plural = _("leaders on duty")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["version", "day"], name="one_leader_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.staff}"


class Attendance(TimeStampedModel):
    """A planned shift and what happened: clocked in and out, or absent (出勤)."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="attendance"
    )
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    shift = models.CharField(_("shift"), max_length=20)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    clock_in = models.DateTimeField(_("clocked in"), null=True, blank=True)
    clock_out = models.DateTimeField(_("clocked out"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # A tap kept on a phone without network and sent later: its time is the phone's.
    sent_late = models.BooleanField(_("sent later from the phone"), default=False)

    community_path = "checkpoint__community"

    @classmethod
    def for_duty(cls, duty: Assignment, **fields: Any) -> Attendance:
        """An unsaved row for a published duty (its person, place and planned times), with the given fields."""
        return cls(
            staff_id=duty.staff_id,
            campaign_id=duty.version.roster.campaign_id,
            checkpoint_id=duty.checkpoint_id,
            day=duty.day,
            shift=duty.shift,
            planned_start=duty.starts_at,
            planned_end=duty.ends_at,
            **fields,
        )

    class Meta:
        verbose_name = _("attendance")  # 出勤
        verbose_name_plural = _("attendance")
        ordering = ["-planned_start", "staff__name"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "planned_start"], name="attendance_once_per_shift"),
            models.CheckConstraint(
                condition=Q(clock_out__isnull=True) | Q(clock_in__isnull=False, clock_out__gte=F("clock_in")),
                name="attendance_out_after_in",
            ),
            models.CheckConstraint(
                condition=~Q(status="absent") | Q(clock_in__isnull=True), name="attendance_absent_has_no_clock_in"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.shift} {self.staff}"


class Inspection(TimeStampedModel):
    """A leader's inspection of a checkpoint (督导检查): who, where, when, what was found."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    leader = models.ForeignKey(
        Staff, verbose_name=pgettext_lazy("roster", "leader"), on_delete=models.PROTECT, related_name="inspections"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="inspections"
    )
    at = models.DateTimeField(_("time"))
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL
    )

    community_path = "checkpoint__community"

    class Meta:
        verbose_name = _("inspection")  # 督导检查
        verbose_name_plural = _("inspections")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.leader} {self.checkpoint}"


class SwapRequest(TimeStampedModel):
    """A staff member asks to hand one of their duties to someone else; the office decides."""

    class Status(models.TextChoices):
        # A context of their own: "Pending" is also the outbox's, which means "not yet sent".
        PENDING = "pending", pgettext_lazy("swap request", "Pending")
        APPROVED = "approved", pgettext_lazy("swap request", "Approved")
        REJECTED = "rejected", pgettext_lazy("swap request", "Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    roster = models.ForeignKey(Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="swaps")
    requester = models.ForeignKey(Staff, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    substitute = models.ForeignKey(Staff, verbose_name=_("substitute"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shift = models.CharField(_("shift"), max_length=20)
    starts_at = models.DateTimeField(_("starts at"))
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("swap request")  # 换班申请
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "starts_at"], condition=Q(status="pending"), name="swap_one_pending_per_duty"
            ),
            models.CheckConstraint(condition=~Q(requester=F("substitute")), name="swap_substitute_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.substitute} {self.day} {self.shift}"


class CalendarToken(models.Model):
    """The secret in a staff member's iCalendar feed address."""

    staff = models.OneToOneField(Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="+")
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")  # 日历订阅
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.staff)
