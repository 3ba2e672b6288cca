"""Party work: branches (incl. temporary ones), members' status history, reports to communities,
special dues, membership applications, vanguard posts and commendations."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from frontline.core.models import TimeStampedModel
from frontline.org.models import Campaign, Checkpoint, Community, Staff, Team, Unit

PARTY_STATUSES = Staff.PartyStatus


class Branch(TimeStampedModel):
    """A party organisation: the general branch, a standing branch or a temporary branch."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General party branch")
        BRANCH = "branch", _("Party branch")
        TEMPORARY = "temporary", _("Temporary party branch")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BRANCH)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="party_branches"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_branches",
        help_text=_("The campaign a temporary branch was set up for."),
    )
    established_on = models.DateField(_("established on"))
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities served"), blank=True, related_name="party_branches"
    )
    secretary = models.ForeignKey(
        Staff, verbose_name=_("secretary"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members: models.ManyToManyField[Staff, BranchMembership] = models.ManyToManyField(
        Staff, verbose_name=_("members"), through="BranchMembership", blank=True, related_name="party_branches"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("party branch")  # 党组织（党总支 / 党支部 / 临时党支部）
        verbose_name_plural = _("party branches")
        ordering = ["kind", "established_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("established_on")),
                name="party_branch_dissolved_after_established",
                violation_error_message=_("Dissolved on: cannot be before the branch was established."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", dissolved_on__isnull=True)
                | Q(status="dissolved", dissolved_on__isnull=False),
                name="party_branch_dissolved_has_date",
                violation_error_message=_(
                    "Dissolved on: a dissolved branch has a dissolution date, an active one none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class BranchMembership(TimeStampedModel):
    """A member's time in a branch; rows stay after they leave or the branch is dissolved."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="memberships")
    staff = models.ForeignKey(
        Staff, verbose_name=_("member"), on_delete=models.PROTECT, related_name="party_memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("branch membership")  # 支部党员
        verbose_name_plural = _("branch memberships")
        ordering = ["branch", "joined_on", "staff__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "staff"], condition=Q(left_on__isnull=True), name="party_one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="party_membership_left_after_joined",
                violation_error_message=_("Left on: cannot be before the member joined."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.branch} · {self.staff}"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class PartyStatusChange(models.Model):
    """One change of a staff member's party status (member, probationary member, activist)."""

    staff = models.ForeignKey(
        Staff, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="party_status_changes"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=PARTY_STATUSES.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=PARTY_STATUSES.choices)
    changed_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("party status change")  # 政治面貌变更
        verbose_name_plural = _("party status changes")
        ordering = ["-changed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="party_status_change_changes")
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class CommunityReport(TimeStampedModel):
    """A party member reporting to a community to serve there (党员到社区报到)."""

    community_path = "community"

    staff = models.ForeignKey(
        Staff, verbose_name=_("member"), on_delete=models.PROTECT, related_name="community_reports"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="party_reports"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    reported_on = models.DateField(_("reported on"))
    activity = models.TextField(_("what they did"))

    class Meta:
        verbose_name = _("report to a community")  # 党员到社区报到
        verbose_name_plural = _("reports to communities")
        ordering = ["-reported_on", "community__name", "staff__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "community", "reported_on"],
                name="party_report_once_a_day",
                violation_error_message=_("Members: this member has already reported to this community that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.staff} → {self.community}"


class DuesCollectionQuerySet(models.QuerySet["DuesCollection"]):
    def with_totals(self) -> DuesCollectionQuerySet:
        """Annotate each collection with the sum and count of its entries."""
        return self.annotate(total_amount=Sum("entries__amount"), entry_count=models.Count("entries"))


class DuesCollection(TimeStampedModel):
    """A special party dues collection or donation drive; its total is the sum of its entries."""

    class Kind(models.TextChoices):
        SPECIAL_DUES = "special_dues", _("Special party dues")
        DONATION = "donation", pgettext_lazy("party", "Donation")

    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SPECIAL_DUES)
    purpose = models.CharField(_("purpose"), max_length=200)
    collected_on = models.DateField(_("date"))
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("organised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collections",
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    objects = DuesCollectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("dues collection")  # 特殊党费 / 捐款
        verbose_name_plural = _("dues collections")
        ordering = ["-collected_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def total(self) -> Decimal:
        """Sum the entries (never a stored figure)."""
        return self.entries.aggregate(t=Sum("amount"))["t"] or Decimal("0")


class DuesEntry(TimeStampedModel):
    """One member's amount in a collection."""

    collection = models.ForeignKey(
        DuesCollection, verbose_name=_("collection"), on_delete=models.CASCADE, related_name="entries"
    )
    staff = models.ForeignKey(Staff, verbose_name=_("member"), on_delete=models.PROTECT, related_name="dues_entries")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dues entry")  # 党费缴纳记录
        verbose_name_plural = _("dues entries")
        ordering = ["collection", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="party_dues_amount_positive",
                violation_error_message=_("Amount: must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["collection", "staff"],
                name="party_dues_once_per_member",
                violation_error_message=_("Member: already has an entry in this collection."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.amount}"


class Application(TimeStampedModel):
    """A membership application (入党申请书) and how far it has gone."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACTIVIST = "activist", _("Listed as activist")
        CANDIDATE = "candidate", _("Candidate for admission")
        PROBATIONARY = "probationary", _("Admitted as probationary member")
        FULL = "full", _("Full member")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Status.SUBMITTED, Status.ACTIVIST, Status.CANDIDATE, Status.PROBATIONARY)

    applicant = models.ForeignKey(
        Staff, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="party_applications"
    )
    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="applications")
    submitted_on = models.DateField(_("submitted on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    status_on = models.DateField(_("status since"))
    reason = models.TextField(_("motivation"), blank=True)

    class Meta:
        verbose_name = _("membership application")  # 入党申请
        verbose_name_plural = _("membership applications")
        ordering = ["-submitted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=["submitted", "activist", "candidate", "probationary"]),
                name="party_one_open_application",
            ),
            models.CheckConstraint(condition=Q(status_on__gte=F("submitted_on")), name="party_application_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} ({self.submitted_on})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ApplicationEvent(models.Model):
    """One step in an application's history."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=12, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Application.Status.choices)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("application step")  # 入党申请进程
        verbose_name_plural = _("application steps")
        ordering = ["application", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_to_status_display()}"


class VanguardPost(TimeStampedModel):
    """A checkpoint or team designated as led by party members (党员先锋岗)."""

    name = models.CharField(_("name"), max_length=100)
    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vanguard_posts",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="vanguard_posts"
    )
    leader = models.ForeignKey(Staff, verbose_name=_("led by"), on_delete=models.PROTECT, related_name="vanguard_posts")
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), null=True, blank=True, on_delete=models.PROTECT, related_name="vanguard_posts"
    )
    designated_on = models.DateField(_("designated on"))
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vanguard post")  # 党员先锋岗
        verbose_name_plural = _("vanguard posts")
        ordering = ["-designated_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(checkpoint__isnull=False, team__isnull=True)
                | Q(checkpoint__isnull=True, team__isnull=False),
                name="party_vanguard_checkpoint_or_team",
                violation_error_message=_("Post: choose exactly one checkpoint or one team."),
            ),
            models.UniqueConstraint(
                fields=["checkpoint"],
                condition=Q(revoked_on__isnull=True, checkpoint__isnull=False),
                name="party_vanguard_one_per_checkpoint",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(revoked_on__isnull=True, team__isnull=False),
                name="party_vanguard_one_per_team",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("designated_on")),
                name="party_vanguard_revoked_after_designated",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> Checkpoint | Team | None:
        return self.checkpoint or self.team


class Commendation(TimeStampedModel):
    """An honour awarded to a unit, a team or a staff member (表彰)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Autonomous region")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        UNIT = "unit", _("Unit")

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Collective")
        INDIVIDUAL = "individual", _("Individual")

    title = models.CharField(_("title"), max_length=150)
    awarding_body = models.CharField(_("awarding body"), max_length=150)
    awarded_on = models.DateField(_("awarded on"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.DISTRICT)
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    recipient_team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="commendations"
    )
    recipient_staff = models.ForeignKey(
        Staff,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    citation = models.TextField(_("citation"), blank=True)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("commendation")  # 表彰
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_unit__isnull=False, recipient_team__isnull=True, recipient_staff__isnull=True)
                | Q(recipient_unit__isnull=True, recipient_team__isnull=False, recipient_staff__isnull=True)
                | Q(recipient_unit__isnull=True, recipient_team__isnull=True, recipient_staff__isnull=False),
                name="party_commendation_exactly_one_recipient",
                violation_error_message=_("Recipient: choose exactly one of a unit, a team or a staff member."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.recipient}"

    @property
    def recipient(self) -> Unit | Team | Staff | None:
        return self.recipient_unit or self.recipient_team or self.recipient_staff

    @property
    def kind(self) -> str:
        return self.Kind.INDIVIDUAL if self.recipient_staff_id else self.Kind.COLLECTIVE

    def get_kind_display(self) -> str:
        return str(self.Kind(self.kind).label)
