"""The missed-report job: after each cutoff, missed slots are written once and their people told once."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.urls import reverse

from frontline.core.models import Notification
from frontline.health import services
from frontline.health.models import MissedReport
from frontline.health.tests.conftest import local

DAY = date(2026, 2, 10)


def test_a_person_who_skips_the_morning_is_listed_after_the_cutoff_and_the_liaison_told_once(org, watch, client_as):
    skipper = watch(name="周漏报")
    dutiful = watch(name="吴按时")
    with time_machine.travel(local(DAY, 7), tick=False):
        m1 = services.measure_start(actor=org.office, person=skipper, responsible_staff=org.staff[1])
        m2 = services.measure_start(actor=org.office, person=dutiful)
    with time_machine.travel(local(DAY, 8), tick=False):
        services.report_submit(actor=None, measure=m2, slot="morning", temperature="36.5")
    with time_machine.travel(local(DAY, 9, 59), tick=False):
        assert services.missed_reports_check()["created"] == 0  # before the cutoff: nothing
    with time_machine.travel(local(DAY, 10, 1), tick=False):
        first = services.missed_reports_check()
        again = services.missed_reports_check()
    assert first["created"] == 1 and again["created"] == 0
    assert list(MissedReport.objects.values_list("measure_id", "slot")) == [(m1.pk, "morning")]
    liaison_msgs = Notification.objects.filter(user=org.liaison_a, kind="health.missed")
    assert liaison_msgs.count() == 1
    assert "周" in liaison_msgs.get().body and "吴" not in liaison_msgs.get().body
    # The responsible staff member (office log-in of staff[1]) is told too; the other community is not.
    assert Notification.objects.filter(user=org.office, kind="health.missed").count() == 1
    assert not Notification.objects.filter(user=org.liaison_b).exists()
    with time_machine.travel(local(DAY, 10, 30), tick=False):
        page = client_as(org.liaison_a).get(reverse("health:missed_today"))
        assert "周漏报" in page.content.decode() and "吴按时" not in page.content.decode()
        assert "周漏报" not in client_as(org.liaison_b).get(reverse("health:missed_today")).content.decode()
        services.missed_reports_check()
    assert liaison_msgs.count() == 1
    # Next day the job catches up on yesterday's afternoon (both missed it) and notifies that once.
    with time_machine.travel(local(DAY + timedelta(days=1), 0, 5), tick=False):
        result = services.missed_reports_check()
    assert result["created"] == 2
    assert MissedReport.objects.filter(day=DAY, slot="afternoon").count() == 2
    assert liaison_msgs.count() == 2


def test_a_measure_started_after_the_cutoff_is_not_missed(org, watch):
    with time_machine.travel(local(DAY, 10, 30), tick=False):
        services.measure_start(actor=org.office, person=watch())
        assert services.missed_reports_check()["created"] == 0


def test_a_late_report_shows_on_the_missed_page(org, watch, client_as):
    with time_machine.travel(local(DAY, 7), tick=False):
        m = services.measure_start(actor=org.office, person=watch(name="郑迟到"))
    with time_machine.travel(local(DAY, 10, 1), tick=False):
        services.missed_reports_check()
    with time_machine.travel(local(DAY, 11), tick=False):
        assert services.report_submit(actor=None, measure=m, slot="morning", temperature="36.5").late
        page = client_as(org.office).get(reverse("health:missed_today")).content.decode()
    assert "郑迟到" in page and "补报" in page or "reported late" in page
