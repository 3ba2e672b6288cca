"""Every state change of the reports app: generating daily reports, closing a campaign, erasing identifiers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontline.core.audit import audit_record
from frontline.core.erasure import REGISTRY
from frontline.core.errors import DomainError
from frontline.core.fields import BlindIndexField
from frontline.core.models import AuditLog, Notification, OutboxMessage
from frontline.core.services import save_instance
from frontline.org.models import Campaign, Checkpoint
from frontline.reports import documents
from frontline.reports.closing import closure_transition
from frontline.reports.figures import campaign_summary_figures, daily_report_figures
from frontline.reports.models import REPORT_LANGUAGES, CampaignClosure, DailyReport

# The evening job makes the day's report from this local time on.
DAILY_REPORT_AT = time(21, 0)


def retention_days_default() -> int:
    """Days a closed campaign's personal identifiers are kept before erasure (setting FRONTLINE_RETENTION_DAYS)."""
    return int(getattr(settings, "FRONTLINE_RETENTION_DAYS", 30))


def daily_report_generate(
    *,
    actor: Any,
    campaign: Campaign,
    day: date,
    language: str = "zh-hans",
    trigger: str = DailyReport.Trigger.ON_DEMAND,
) -> DailyReport:
    """Compute a day's figures, render its PDF and workbook, and archive them (replacing an earlier one)."""
    if language not in dict(REPORT_LANGUAGES):
        raise DomainError(_("Language: choose Chinese or English."), code="report.language", field="language")
    today = timezone.localdate()
    if day < campaign.start_date:
        raise DomainError(
            _("Date: the campaign starts on %(start)s; choose a day from then on."),
            code="report.before_campaign",
            field="day",
            params={"start": campaign.start_date.isoformat()},
        )
    if day > today:
        raise DomainError(
            _("Date: a report cannot be made for a day that has not come."), code="report.future", field="day"
        )
    figures = daily_report_figures(campaign, day)
    pdf, xlsx = documents.daily_report_files(figures, language=language, campaign_name=campaign.name, day=day)
    stem = f"daily-{campaign.pk}-{day.isoformat()}-{language}"
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().filter(
            campaign=campaign, day=day, language=language
        ).first() or DailyReport(campaign=campaign, day=day, language=language)
        old_files = [f.name for f in (report.pdf, report.xlsx) if f]
        report.generated_at = timezone.now()
        report.generated_by = actor if getattr(actor, "pk", None) else None
        report.trigger = trigger
        report.figures = figures
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.save()
        audit_record(
            actor=actor,
            action="report.generate",
            target=report,
            changes={"day": day, "language": language, "trigger": trigger},
        )
        storage = report.pdf.storage
        keep = {report.pdf.name, report.xlsx.name}
        transaction.on_commit(lambda: [storage.delete(n) for n in old_files if n not in keep])
    return report


def daily_reports_due(*, now: datetime | None = None) -> list[DailyReport]:
    """Make the evening's reports that are due and not yet made: today's after 21:00, and yesterday's if missed."""
    now = timezone.localtime(now or timezone.now())
    made = []
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE):
        days = [now.date() - timedelta(days=1)]
        if now.time() >= DAILY_REPORT_AT:
            days.append(now.date())
        for day in days:
            if day < campaign.start_date or (campaign.end_date and day > campaign.end_date):
                continue
            if DailyReport.objects.filter(campaign=campaign, day=day, language=settings.LANGUAGE_CODE).exists():
                continue
            made.append(
                daily_report_generate(
                    actor="scheduler",
                    campaign=campaign,
                    day=day,
                    language=settings.LANGUAGE_CODE,
                    trigger=DailyReport.Trigger.SCHEDULED,
                )
            )
    return made


# --- closing a campaign -----------------------------------------------------------------------------


def _published_duties_after(day: date) -> int:
    from django.apps import apps

    try:
        assignment = apps.get_model("roster", "Assignment")
    except LookupError:
        return 0
    return assignment.objects.filter(version__status="published", day__gt=day).count()


def campaign_close(
    *,
    actor: Any,
    campaign: Campaign,
    closed_on: date,
    retention_days: int | None = None,
) -> CampaignClosure:
    """Close a campaign whose last duty is done: close every checkpoint, lock the records, start the retention clock."""
    retention = retention_days_default() if retention_days is None else retention_days
    if campaign.status != Campaign.Status.ACTIVE:
        raise DomainError(
            _("Campaign: only an active campaign can be closed; this one is %(status)s."),
            code="campaign.not_active",
            field="campaign",
            params={"status": campaign.get_status_display()},
        )
    if closed_on < campaign.start_date or closed_on > timezone.localdate():
        raise DomainError(
            _("Last day: choose a day between the campaign's start (%(start)s) and today."),
            code="closure.bad_day",
            field="closed_on",
            params={"start": campaign.start_date.isoformat()},
        )
    if not 0 <= retention <= 3650:
        raise DomainError(
            _("Retention period: enter between 0 and 3650 days."), code="closure.retention", field="retention_days"
        )
    remaining = _published_duties_after(closed_on)
    if remaining:
        raise DomainError(
            _("Last day: %(n)s published duties come after it; withdraw them from the rosters first."),
            code="closure.duties_remain",
            field="closed_on",
            params={"n": remaining},
        )
    from frontline.org.services import campaign_set_status, checkpoint_close

    with transaction.atomic():
        open_checkpoints = list(Checkpoint.objects.select_for_update().filter(closed_on__isnull=True).order_by("code"))
        for cp in open_checkpoints:
            checkpoint_close(actor=actor, checkpoint=cp, closed_on=max(closed_on, cp.opened_on))
        if campaign.end_date != closed_on:
            save_instance(actor=actor, instance=campaign, fields={"end_date": closed_on}, action="campaign.update")
        campaign_set_status(actor=actor, campaign=campaign, status=Campaign.Status.CLOSED)
        closure = CampaignClosure.objects.create(
            campaign=campaign,
            closed_on=closed_on,
            closed_by=actor if getattr(actor, "pk", None) else None,
            retention_days=retention,
            erase_after=closed_on + timedelta(days=retention),
            checkpoints_closed=len(open_checkpoints),
            summary=campaign_summary_figures(campaign, last_day=closed_on),
        )
        audit_record(
            actor=actor,
            action="campaign.close",
            target=campaign,
            changes={"closed_on": closed_on, "retention_days": retention, "checkpoints_closed": len(open_checkpoints)},
        )
    return closure


def _erasure_filter(model: type[models.Model], campaign: Campaign) -> Q:
    """Limit erasure to the campaign's rows where a model knows its campaign; otherwise every row."""
    names = {f.name for f in model._meta.fields}
    return Q(campaign=campaign) if "campaign" in names else Q()


def _fields_to_blank(model: type[models.Model], fields: dict[str, Any]) -> dict[str, Any]:
    """Add the blind indexes of erased fields: a keyed hash of an ID number is an identifier too."""
    out = dict(fields)
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source in fields:
            out.setdefault(f.name, "")
    return out


def _identifier_pattern(values: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


def _scrub(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def campaign_erase_personal_data(*, actor: Any, campaign: Campaign, now: datetime | None = None) -> CampaignClosure:
    """Irreversibly erase residents' identifiers registered by every app, once the retention period is over.

    The registered fields are overwritten (ciphertext and blind index alike), and the same values
    are scrubbed from the kernel's free-text tables that may quote them (audit log, inbox, outbox).
    Figures read none of these fields, so every figure, report and chart stays the same.
    """
    now = now or timezone.now()
    closure = CampaignClosure.objects.filter(campaign=campaign).first()
    if closure is None:
        raise DomainError(
            _("Campaign: close the campaign before erasing personal identifiers."),
            code="erasure.not_closed",
            field="campaign",
        )
    if closure.status == CampaignClosure.Status.ERASED:
        raise DomainError(
            _("Campaign: personal identifiers were already erased on %(at)s."),
            code="erasure.done",
            field="campaign",
            params={
                "at": timezone.localtime(closure.erased_at).strftime("%Y-%m-%d %H:%M") if closure.erased_at else ""
            },
        )
    if timezone.localdate(now) < closure.erase_after:
        raise DomainError(
            _("Campaign: the retention period runs until %(day)s; erasure is possible from then on."),
            code="erasure.retention",
            field="campaign",
            params={"day": closure.erase_after.isoformat()},
        )
    others = Campaign.objects.exclude(pk=campaign.pk).exclude(status=Campaign.Status.CLOSED)
    if others.exists():
        raise DomainError(
            _("Campaign: another campaign is planned or running; erasure would touch its records too."),
            code="erasure.other_campaign",
            field="campaign",
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        closure = CampaignClosure.objects.select_for_update().get(pk=closure.pk)
        closure_transition(closure, CampaignClosure.Status.ERASED)
        # Collect the plain values first, to find them again where other tables quote them.
        plain: set[str] = set()
        labels: set[str] = set()
        for entry in REGISTRY:
            model = entry.model
            fields = _fields_to_blank(model, entry.fields)
            readable = [
                f
                for f in entry.fields
                if f in {x.name for x in model._meta.concrete_fields}
                and not isinstance(model._meta.get_field(f), BlindIndexField)
            ]
            qs = model._default_manager.filter(_erasure_filter(model, campaign))
            for row in qs.values_list(*readable) if readable else []:
                plain.update(str(v) for v in row if isinstance(v, str) and v and v not in set(entry.fields.values()))
            labels.add(model._meta.label_lower)
            try:
                with transaction.atomic():
                    erased = qs.update(**fields)
            except IntegrityError as exc:
                # The app registered a replacement its own constraints refuse: stop, nothing is erased.
                raise DomainError(
                    _("Erasure: the table %(table)s refuses its registered replacement values; nothing was erased."),
                    code="erasure.refused",
                    field="campaign",
                    params={"table": model._meta.db_table},
                ) from exc
            counts[model._meta.label_lower] = counts.get(model._meta.label_lower, 0) + erased
        pattern = _identifier_pattern(plain)
        replacement = "***"
        # Audit entries about erased records: the record's label is its name; the changes may hold values.
        audit_rows = AuditLog.objects.filter(target_type__in=labels)
        counts["core.auditlog"] = audit_rows.update(target_repr=replacement)
        if pattern is not None:
            for model, text_fields in (
                (AuditLog, ("target_repr", "changes")),
                (Notification, ("title", "body")),
                (OutboxMessage, ("title", "body")),
            ):
                for obj in model.objects.only("pk", *text_fields).iterator():
                    changed = {}
                    for name in text_fields:
                        old = getattr(obj, name)
                        new = _scrub(old, pattern, replacement)
                        if new != old:
                            changed[name] = new
                    if changed:
                        model.objects.filter(pk=obj.pk).update(**changed)
                        key = model._meta.label_lower
                        counts[key] = counts.get(key, 0) + 1
        closure.erased_at = now
        closure.erased_by = (actor.get_username() if getattr(actor, "pk", None) else str(actor))[:150]
        closure.erased_rows = counts
        closure.save(update_fields=["status", "erased_at", "erased_by", "erased_rows"])
        audit_record(
            actor=actor, action="campaign.erase", target=campaign, changes={"rows": counts, "values": len(plain)}
        )
    return closure


def erasures_due(*, now: datetime | None = None) -> list[CampaignClosure]:
    """Erase the identifiers of every closed campaign whose retention period is over."""
    now = now or timezone.now()
    done = []
    for closure in CampaignClosure.objects.filter(
        status=CampaignClosure.Status.CLOSED, erase_after__lte=timezone.localdate(now)
    ).select_related("campaign"):
        try:
            done.append(campaign_erase_personal_data(actor="scheduler", campaign=closure.campaign, now=now))
        except DomainError:
            continue  # e.g. another campaign started meanwhile: the closure page says why
    return done
