"""Closing a campaign: checkpoints closed, records locked, identifiers erased with figures unchanged (must-show 3)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from frontline.core import crypto
from frontline.core.audit import audit_record
from frontline.core.errors import DomainError
from frontline.core.models import AuditLog, Notification
from frontline.org.models import Campaign, Checkpoint
from frontline.reports import documents, services
from frontline.reports.closing import campaign_assert_open, campaign_assert_open_on
from frontline.reports.figures import campaign_summary_figures, daily_report_figures
from frontline.reports.models import CampaignClosure


def raw_text_of_every_table() -> str:
    """Return every value of every column of every table, as text (bytes decoded), in one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, (bytes, memoryview)):
                        value = bytes(value).decode("utf-8", "replace")
                    if value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def stored_ciphertexts() -> list[str]:
    """Return the encrypted values as stored, of every registered personal field."""
    from frontline.core.erasure import REGISTRY
    from frontline.core.fields import EncryptedTextField

    out = []
    with connection.cursor() as cursor:
        for entry in REGISTRY:
            for name in entry.fields:
                field = entry.model._meta.get_field(name)
                if isinstance(field, EncryptedTextField):
                    cursor.execute(
                        f"SELECT {connection.ops.quote_name(field.column)} FROM {connection.ops.quote_name(entry.model._meta.db_table)}"
                    )
                    out += [v for (v,) in cursor.fetchall() if v]
    return out


def everything_the_reports_show(campaign: Campaign, at: Any) -> str:
    """Return the summary, every day's report figures (judged at one moment) and the charts, as one text."""
    summary = campaign_summary_figures(campaign)
    days = [campaign.start_date + timedelta(days=i) for i in range(summary["org"]["duration_days"])]
    daily = [daily_report_figures(campaign, d, now=at) for d in days]
    charts = [str(c) for s in documents.summary_sections(summary) for c in s.charts]
    return json.dumps({"summary": summary, "daily": daily, "charts": charts}, sort_keys=True, ensure_ascii=False)


def test_closing_refuses_while_published_duties_remain(generated: Any) -> None:
    g = generated
    with pytest.raises(DomainError) as exc:
        services.campaign_close(actor=g.org.office, campaign=g.org.campaign, closed_on=g.days[-2])
    assert exc.value.field == "closed_on" and "4" in str(exc.value)
    assert Campaign.objects.get().status == Campaign.Status.ACTIVE
    assert Checkpoint.objects.filter(closed_on__isnull=True).count() == 3


def test_closing_closes_every_checkpoint_and_locks_the_records(generated: Any) -> None:
    g = generated
    closure = services.campaign_close(actor=g.org.office, campaign=g.org.campaign, closed_on=g.today, retention_days=30)
    assert closure.checkpoints_closed == 3
    assert set(Checkpoint.objects.values_list("closed_on", "active")) == {(g.today, False)}
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.CLOSED and campaign.end_date == g.today
    assert closure.erase_after == g.today + timedelta(days=30)
    with pytest.raises(DomainError) as exc:
        campaign_assert_open(campaign)
    assert exc.value.code == "campaign.closed" and exc.value.field == "campaign"
    with pytest.raises(DomainError):
        campaign_assert_open_on(g.today)
    campaign_assert_open_on(g.today + timedelta(days=1))  # after the last day: not this campaign's
    with pytest.raises(DomainError):
        services.campaign_close(actor=g.org.office, campaign=campaign, closed_on=g.today)
    assert AuditLog.objects.filter(action="campaign.close").count() == 1


def test_the_hourly_job_erases_when_the_retention_period_is_over(org: Any, clock: Any) -> None:
    from django.utils import timezone

    from frontline.core.jobs import job_run

    closed_on = timezone.localdate() - timedelta(days=1)
    services.campaign_close(actor=org.office, campaign=org.campaign, closed_on=closed_on, retention_days=3)
    assert job_run("reports_erasure") == []
    clock.shift(timedelta(days=1))
    assert job_run("reports_erasure") == []
    clock.shift(timedelta(days=1))  # three days after the last day
    assert CampaignClosure.objects.get().status == CampaignClosure.Status.CLOSED
    assert job_run("reports_erasure") == [org.campaign.pk]
    assert CampaignClosure.objects.get().status == CampaignClosure.Status.ERASED


def test_erasure_waits_for_the_retention_period(generated: Any) -> None:
    g = generated
    services.campaign_close(actor=g.org.office, campaign=g.org.campaign, closed_on=g.today, retention_days=30)
    with pytest.raises(DomainError) as exc:
        services.campaign_erase_personal_data(actor=g.org.office, campaign=g.org.campaign)
    assert exc.value.code == "erasure.retention"
    assert CampaignClosure.objects.get().status == CampaignClosure.Status.CLOSED


def test_after_erasure_no_identifier_remains_and_every_figure_is_the_same(generated: Any, clock: Any) -> None:
    g = generated
    from frontline.health.models import Person

    person = Person.objects.first()
    # Places that quote identifiers besides the registered fields: an audit entry and an inbox message.
    audit_record(
        actor=g.org.office, action="health.person_update", target=person, changes={"phone": [g.phones[0], "x"]}
    )
    Notification.objects.create(
        user=g.org.leader, kind="health.missed", title=f"{g.names[-1]} 未报告", body=f"电话 {g.phones[-1]}"
    )
    services.campaign_close(actor=g.org.office, campaign=g.org.campaign, closed_on=g.today, retention_days=30)
    from django.utils import timezone

    at = timezone.now()
    before = everything_the_reports_show(Campaign.objects.get(), at)
    ciphertexts = stored_ciphertexts()
    hashes = [crypto.blind_index("id_number", v) for v in g.id_numbers] + [
        crypto.blind_index("phone", v) for v in g.phones
    ]
    raw = raw_text_of_every_table()
    for value in (g.names[0], g.phones[0], g.phones[-1], ciphertexts[0], hashes[0]):
        assert value in raw  # the search finds them while they are there

    clock.shift(timedelta(days=31))
    services.campaign_erase_personal_data(actor=g.org.office, campaign=g.org.campaign)

    raw = raw_text_of_every_table()
    for kind, values in (
        ("name", g.names),
        ("ID number", g.id_numbers),
        ("phone", g.phones),
        ("address", g.addresses),
        ("ciphertext", ciphertexts),
        ("blind index", hashes),
    ):
        left = [v for v in values if v in raw]
        assert not left, f"{kind} still in the database: {left[:3]}"
    closure = CampaignClosure.objects.get()
    assert closure.status == CampaignClosure.Status.ERASED and closure.erased_rows["health.person"] == 8
    assert AuditLog.objects.filter(action="campaign.erase").count() == 1
    assert everything_the_reports_show(Campaign.objects.get(), at) == before
    with pytest.raises(DomainError) as exc:
        services.campaign_erase_personal_data(actor=g.org.office, campaign=g.org.campaign)
    assert exc.value.code == "erasure.done"


def test_a_closed_campaigns_records_refuse_every_change(org):
    from frontline.core.errors import DomainError
    from frontline.org import services as org_services
    from frontline.org.models import Campaign, Staff

    Campaign.objects.filter(pk=org.campaign.pk).update(status=Campaign.Status.CLOSED)
    staff = org.staff[0]
    name = staff.name
    with pytest.raises(DomainError) as exc:
        org_services.staff_save(actor=org.office, staff=staff, name="改名", sex=staff.sex, unit=staff.unit)
    assert exc.value.code == "campaign.closed"
    assert Staff.objects.get(pk=staff.pk).name == name
