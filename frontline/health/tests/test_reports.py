"""Daily reports: one current per slot with history, late marking, fever opens an escalation, personal link."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from frontline.core.errors import DomainError
from frontline.health import services
from frontline.health.models import Escalation, HealthReport, Measure
from frontline.health.tests.conftest import local

DAY = date(2026, 2, 5)


@pytest.fixture
def measure(org, watch):
    with time_machine.travel(local(DAY, 7), tick=False):
        return services.measure_start(actor=org.office, person=watch())


def test_a_second_report_for_a_slot_replaces_the_first_and_keeps_it(measure):
    with time_machine.travel(local(DAY, 8), tick=False):
        first = services.report_submit(actor=None, measure=measure, slot="morning", temperature="36.4")
    with time_machine.travel(local(DAY, 9), tick=False):
        second = services.report_submit(actor=None, measure=measure, slot="morning", temperature="36.6")
    first.refresh_from_db()
    assert first.superseded and not second.superseded
    assert HealthReport.objects.filter(measure=measure, day=DAY, slot="morning").count() == 2
    assert HealthReport.objects.filter(measure=measure, day=DAY, slot="morning", superseded=False).get() == second


def test_a_report_after_the_cutoff_is_marked_late(measure):
    with time_machine.travel(local(DAY, 11), tick=False):
        report = services.report_submit(actor=None, measure=measure, slot="morning", temperature="36.5")
    assert report.late
    with time_machine.travel(local(DAY, 15), tick=False):
        assert not services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="36.5").late


def test_a_slot_that_has_not_opened_is_refused(measure):
    with time_machine.travel(local(DAY, 9), tick=False):
        with pytest.raises(DomainError) as err:
            services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="36.5")
    assert err.value.field == "slot"


def test_an_impossible_reading_is_named_before_the_slot_hour(measure):
    """Reporting too early with a typo (365 for 36.5): the reading is what the resident must fix first."""
    with time_machine.travel(local(DAY, 9), tick=False):
        with pytest.raises(DomainError) as err:
            services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="365")
    assert err.value.field == "temperature"


def test_fever_or_dry_cough_opens_one_escalation_and_tells_the_liaison(
    org, measure, django_capture_on_commit_callbacks
):
    with time_machine.travel(local(DAY, 15), tick=False), django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="38.2")
    assert report.abnormal
    e = Escalation.objects.get(person=measure.person)
    assert e.source == Escalation.Source.REPORT and e.state == Escalation.State.DETECTED
    assert e.temperature == report.temperature
    assert org.liaison_a.notifications.filter(kind="health.escalation").count() == 1
    assert not org.liaison_b.notifications.exists()
    with time_machine.travel(local(DAY + (DAY - DAY), 16), tick=False):
        services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="36.9", dry_cough=True)
    assert Escalation.objects.filter(person=measure.person).count() == 1  # the open case takes the new sign
    assert e.steps.count() == 2


def test_symptoms_without_fever_are_abnormal_but_do_not_escalate(measure):
    with time_machine.travel(local(DAY, 8), tick=False):
        report = services.report_submit(actor=None, measure=measure, slot="morning", temperature="36.5", fatigue=True)
    assert report.abnormal
    assert not Escalation.objects.exists()


def test_the_personal_link_shows_only_the_own_form_and_stops_when_the_measure_closes(org, measure):
    client = Client()
    url = reverse("health:self_report", args=[measure.token])
    with time_machine.travel(local(DAY, 8), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert measure.person.name not in html  # masked: the link may be forwarded
        assert measure.person.name[0] in html
        assert "隐私" in html  # the privacy notice, in Chinese by default
        posted = client.post(url, {"slot": "morning", "temperature": "36.5"})
        assert posted.status_code == 200
        assert HealthReport.objects.filter(measure=measure, slot="morning", reported_by="self").count() == 1
        bad = client.post(url, {"slot": "morning", "temperature": "365"})
        assert "34.0" in bad.content.decode()
    assert len(measure.token) >= 32
    assert client.get(reverse("health:self_report", args=["x" + measure.token[1:]])).status_code == 404
    services.measure_end(actor=org.office, measure=measure, status=Measure.Status.HOSPITAL)
    closed = client.get(url)
    assert closed.status_code == 404
    assert 'id="self-report-form"' not in closed.content.decode()
    with time_machine.travel(local(DAY, 9), tick=False):
        assert client.post(url, {"slot": "morning", "temperature": "36.5"}).status_code == 404
    with pytest.raises(DomainError):
        services.report_submit(actor=None, measure=measure, slot="morning", temperature="36.5")


def test_the_personal_link_is_rate_limited(org, measure, settings):
    from frontline.health import views

    client = Client()
    url = reverse("health:self_report", args=[measure.token])
    with time_machine.travel(local(DAY, 8), tick=False):
        for _ in range(views.SELF_REPORT_LIMIT):
            client.post(url, {"slot": "morning", "temperature": "36.5"})
        page = client.post(url, {"slot": "morning", "temperature": "36.5"})
    assert "Too many" in page.content.decode() or "过多" in page.content.decode() or "太多" in page.content.decode()
    assert HealthReport.objects.filter(measure=measure).count() == views.SELF_REPORT_LIMIT


def test_staff_record_a_report_taken_by_phone(org, measure, client_as):
    with time_machine.travel(local(DAY, 9), tick=False):
        response = client_as(org.liaison_a).post(
            reverse("health:measure_report", args=[measure.pk]),
            {"day": DAY.isoformat(), "slot": "morning", "temperature": "36.7", "reported_by": "staff_phone"},
        )
    assert response.status_code == 302
    report = HealthReport.objects.get(measure=measure)
    assert report.reported_by == "staff_phone" and report.recorded_by == org.liaison_a
