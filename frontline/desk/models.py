"""The public service desk: publicity log, reporting hotline and the legal-aid channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.access import Role
from frontline.core.fields import BlindIndexField, EncryptedTextField
from frontline.core.models import TimeStampedModel


def display_code(code: str) -> str:
    """Show a tracking code in readable groups: L-7K3M-9Q2X."""
    return f"{code[:1]}-{code[1:5]}-{code[5:]}" if len(code) == 9 else code


# --- settings of the desk, per campaign ----------------------------------------------------------


class DeskSettings(TimeStampedModel):
    """The desk's configurable targets for one campaign."""

    campaign = models.OneToOneField(
        "org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="desk_settings"
    )
    tip_response_hours = models.PositiveSmallIntegerField(
        _("tip response target (hours)"),
        default=24,
        help_text=_("A tip not answered within this time is flagged overdue."),
    )
    legalaid_first_reply_hours = models.PositiveSmallIntegerField(
        _("legal-aid first reply due (hours)"),
        default=24,
        help_text=_("A legal-aid request without a lawyer's reply within this time is flagged overdue."),
    )
    public_submissions_per_hour = models.PositiveSmallIntegerField(
        _("public submissions per address and hour"),
        default=10,
        help_text=_("More submissions from one address within an hour are refused."),
    )

    class Meta:
        verbose_name = _("desk settings")  # 服务台设置
        verbose_name_plural = _("desk settings")
        constraints = [
            models.CheckConstraint(condition=Q(tip_response_hours__gte=1), name="desk_tip_hours_positive"),
            models.CheckConstraint(condition=Q(legalaid_first_reply_hours__gte=1), name="desk_legalaid_hours_positive"),
            models.CheckConstraint(condition=Q(public_submissions_per_hour__gte=1), name="desk_public_limit_positive"),
        ]

    def __str__(self) -> str:
        return str(self.campaign)


# --- publicity ------------------------------------------------------------------------------------


class Publicity(TimeStampedModel):
    """One publicity action (宣传): a poster run, a van route, a WeChat post or a rumour answered."""

    community_path = "community"

    class Kind(models.TextChoices):
        POSTER = "poster", _("Posters")
        VAN = "van", _("Publicity van")
        WECHAT = "wechat", _("WeChat post")
        RUMOUR = "rumour", _("Rumour clarified")

    campaign = models.ForeignKey("org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publicity",
    )
    happened_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("number of posters"), null=True, blank=True)
    route = models.TextField(_("streets of the route"), blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reads = models.PositiveIntegerField(_("reads"), null=True, blank=True)
    rumour = models.TextField(_("the rumour"), blank=True)
    facts = models.TextField(_("the facts"), blank=True)
    answered_where = models.CharField(_("where it was answered"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to="desk/publicity/%Y/%m/", blank=True, max_length=200)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("publicity action")  # 宣传
        verbose_name_plural = _("publicity log")
        ordering = ["-happened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="poster") | Q(quantity__gte=1), name="publicity_poster_has_quantity"
            ),
            models.CheckConstraint(
                condition=~Q(kind="van") | (~Q(route="") & Q(start_time__isnull=False) & Q(end_time__isnull=False)),
                name="publicity_van_has_route_and_times",
            ),
            models.CheckConstraint(
                condition=~Q(kind="wechat") | (~Q(link="") & Q(published_at__isnull=False)),
                name="publicity_wechat_has_link_and_time",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rumour") | (~Q(rumour="") & ~Q(facts="")), name="publicity_rumour_has_facts"
            ),
        ]
        indexes = [models.Index(fields=["campaign", "kind", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


# --- the reporting hotline ----------------------------------------------------------------------


class HotlineNumber(TimeStampedModel):
    """A published reporting-hotline number (举报电话) of the campaign."""

    campaign = models.ForeignKey(
        "org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="hotline_numbers"
    )
    label = models.CharField(_("label"), max_length=100)
    number = models.CharField(_("number"), max_length=30)
    hours = models.CharField(_("hours"), max_length=100, blank=True, help_text=_("e.g. 24 hours, or 08:00–20:00"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("hotline number")  # 举报电话
        verbose_name_plural = _("hotline numbers")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="hotline_number_unique")]

    def __str__(self) -> str:
        return f"{self.label} {self.number}"


class Channel(models.TextChoices):
    WEB = "web", _("Public web form")
    PHONE = "phone", _("Telephone")
    WALK_IN = "walk_in", _("Walk-in")


class Tip(TimeStampedModel):
    """A tip to the reporting hotline (举报线索), from the public or taken by staff."""

    community_path = "community"

    class Category(models.TextChoices):
        RETURNEE = "returnee", _("Unregistered returnee")
        GATHERING = "gathering", _("Gathering")
        RUMOUR = "rumour", _("Rumour")
        GOODS = "goods", _("Fake or overpriced goods")
        ISOLATION_BREACH = "isolation_breach", _("Isolation breach")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        VERIFIED = "verified", _("Verified")
        HANDLED = "handled", _("Handled")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    # Still waiting for someone to act (the dashboard's "tips open" and the list's "open" filter).
    OPEN_STATUSES = (Status.RECEIVED, Status.ASSIGNED, Status.VERIFIED)

    class Watch(models.TextChoices):
        NONE = "", _("—")
        PENDING = "pending", _("Queued for the health module")
        DONE = "done", _("Person to watch created")

    campaign = models.ForeignKey("org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("tracking code"), max_length=12, unique=True)
    lookup_digest = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    community = models.ForeignKey(
        "org.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tips",
    )
    location = models.CharField(_("where"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = EncryptedTextField(_("reporter's phone"), kind="phone")
    subject_name = models.CharField(_("name of the person reported"), max_length=50, blank=True)
    subject_id_number = EncryptedTextField(_("ID number of the person reported"), kind="id_number")
    subject_id_hash = BlindIndexField(source="subject_id_number", kind="id_number")
    subject_phone = EncryptedTextField(_("phone of the person reported"), kind="phone")
    subject_address = EncryptedTextField(_("address of the person reported"), kind="address")
    came_from = models.CharField(_("returned from"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desk_tips",
    )
    verified_true = models.BooleanField(_("found to be true"), null=True, blank=True)
    handling = models.TextField(_("how it was handled"), blank=True)
    answer = models.TextField(_("answer to the reporter"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    watch_status = models.CharField(_("person to watch"), max_length=10, choices=Watch.choices, default="", blank=True)
    watch_person_ref = models.CharField(_("person to watch (reference)"), max_length=40, blank=True)
    watch_error = models.CharField(max_length=300, blank=True)
    watch_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("hotline tip")  # 举报线索
        verbose_name_plural = _("hotline tips")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=F("received_at")), name="tip_due_after_received"),
            models.CheckConstraint(
                condition=Q(status__in=["received", "closed"]) | Q(assignee__isnull=False),
                name="tip_assigned_has_assignee",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"]) | ~Q(answer=""), name="tip_answered_has_answer"
            ),
            models.CheckConstraint(
                condition=~Q(anonymous=True) | Q(reporter_name=""), name="tip_anonymous_has_no_name"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.display_code} {self.get_category_display()}"

    @property
    def display_code(self) -> str:
        return display_code(self.code)

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.ANSWERED, self.Status.CLOSED)

    def is_overdue(self, now: datetime | None = None) -> bool:
        """An open tip past its answer target (or already flagged and still open)."""
        return self.is_open and (self.overdue_flagged_at is not None or self.due_at <= (now or timezone.now()))


# --- legal aid ----------------------------------------------------------------------------------


class DutyLawyer(TimeStampedModel):
    """A duty lawyer (值班律师) rostered on one day; a day may have several."""

    campaign = models.ForeignKey("org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        on_delete=models.PROTECT,
        related_name="duty_days",
        limit_choices_to={"role": Role.LAWYER, "is_active": True},
    )

    class Meta:
        verbose_name = _("duty lawyer day")  # 值班律师排班
        verbose_name_plural = _("duty-lawyer schedule")
        ordering = ["day", "lawyer__username"]
        constraints = [models.UniqueConstraint(fields=["campaign", "day", "lawyer"], name="duty_lawyer_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.lawyer}"


class LegalAidRequest(TimeStampedModel):
    """A request for free legal advice (法律援助) at the public legal services centre."""

    class Topic(models.TextChoices):
        LABOUR = "labour", _("Wages and labour during the epidemic")
        CONTRACT = "contract", _("Contracts and force majeure")
        LEASE = "lease", _("Leases")
        OFFENCE = "offence", _("Epidemic-related offences and penalties")
        FAMILY = "family", _("Family matters")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a lawyer")
        ASSIGNED = "assigned", _("With the lawyer")
        ANSWERED = "answered", _("Answered")
        FOLLOW_UP = "follow_up", _("Follow-up question")
        CLOSED = "closed", _("Closed")

    # Waiting for a lawyer's answer (the dashboard's "requests open" and the list's "open" filter).
    OPEN_STATUSES = (Status.WAITING, Status.ASSIGNED, Status.FOLLOW_UP)

    campaign = models.ForeignKey("org.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("tracking code"), max_length=12, unique=True)
    lookup_digest = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    description = models.TextField(_("your question"))
    requester_name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    requester_phone = EncryptedTextField(_("phone"), kind="phone")
    requester_phone_hash = BlindIndexField(source="requester_phone", kind="phone")
    community = models.ForeignKey(
        "org.Community", verbose_name=_("community"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    lawyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lawyer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_aid_queue",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    first_reply_due_at = models.DateTimeField(_("first reply due"))
    first_replied_at = models.DateTimeField(_("first replied at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the service"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legal-aid request")  # 法律援助申请
        verbose_name_plural = _("legal-aid requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_reply_due_at__gt=F("submitted_at")), name="legalaid_due_after_submitted"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="legalaid_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(lawyer__isnull=False), name="legalaid_assigned_has_lawyer"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "follow_up"]) | Q(first_replied_at__isnull=False),
                name="legalaid_answered_has_reply",
            ),
        ]
        indexes = [
            models.Index(fields=["lawyer", "status"]),
            models.Index(fields=["first_replied_at", "first_reply_due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.get_topic_display()}"

    @property
    def display_code(self) -> str:
        return display_code(self.code)

    @classmethod
    def scope_for_user(cls, qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
        """Lawyers see only the requests assigned to them; the office and leaders see all."""
        if user is None or not user.is_authenticated:
            return qs.none()
        if user.is_superuser or user.role in (Role.OFFICE, Role.LEADER):
            return qs
        if user.role == Role.LAWYER:
            return qs.filter(lawyer=user)
        return qs.none()

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, now: datetime | None = None) -> bool:
        """No first reply and past the due time (or flagged by the job)."""
        if self.first_replied_at is not None:
            return False
        return self.overdue_flagged_at is not None or self.first_reply_due_at <= (now or timezone.now())


class LegalAidMessage(models.Model):
    """One message in a request's thread: the question's follow-ups and the lawyer's replies."""

    class Author(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        LAWYER = "lawyer", _("Lawyer")
        STAFF = "staff", _("Centre staff")

    request = models.ForeignKey(
        LegalAidRequest,
        verbose_name=pgettext_lazy("legal aid", "request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author_kind = models.CharField(pgettext_lazy("message", "from"), max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("legal-aid message")  # 法律援助答复
        verbose_name_plural = _("legal-aid messages")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_kind="requester") | Q(author__isnull=False), name="legalaid_staff_message_has_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request.code} {self.get_author_kind_display()}"
