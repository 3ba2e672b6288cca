"""Measures: one open per person, release needs normal days and a confirmation, staff return to post."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from frontline.core.errors import DomainError
from frontline.health import selectors, services
from frontline.health.models import Measure
from frontline.health.signals import staff_measure_started, staff_returned_to_post
from frontline.health.tests.conftest import local

DAY1 = date(2026, 2, 3)


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_open_measure_for_a_person(org, watch):
    person = watch()
    first = services.measure_start(actor=org.office, person=person)
    # Bypass the service: the partial unique constraint itself must refuse it (SQLite and PostgreSQL).
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(
            person=person, start_date=first.start_date, planned_days=14, planned_end=first.planned_end
        )
    # A closed measure does not count: after release-like end a new one may open.
    services.measure_end(actor=org.office, measure=first, status=Measure.Status.ENDED, note="转出本区")
    Measure.objects.create(person=person, start_date=first.start_date, planned_days=14, planned_end=first.planned_end)


def test_the_service_refuses_a_second_open_measure_with_a_message(org, watch):
    person = watch()
    services.measure_start(actor=org.office, person=person)
    with pytest.raises(DomainError) as err:
        services.measure_start(actor=org.office, person=person)
    assert err.value.field == "person"
    assert err.value.code == "measure.already_open"


def test_planned_end_follows_the_category_days(org, watch):
    services.health_settings_save(
        actor=org.office,
        campaign=org.campaign,
        slots=selectors.health_settings().slots,
        category_days={"corrections": 7},
    )
    person = watch(category_codes=["corrections"])
    with time_machine.travel(local(DAY1, 9), tick=False):
        measure = services.measure_start(actor=org.office, person=person)
    assert measure.planned_days == 7
    assert measure.planned_end == DAY1 + timedelta(days=6)


def _report_all_days(measure, days):
    cfg = selectors.health_settings()
    for n in range(days):
        day = measure.start_date + timedelta(days=n)
        for slot in cfg.slot_list():
            with time_machine.travel(local(day, slot.opens.hour + 1), tick=False):
                services.report_submit(actor=None, measure=measure, slot=slot.code, temperature="36.5")


def test_fourteen_normal_days_make_a_person_due_and_a_staff_release_restores_availability(
    org, watch, django_capture_on_commit_callbacks
):
    staff = org.staff[4]
    started, returned = [], []
    staff_measure_started.connect(lambda **kw: started.append(kw["staff"]), weak=False, dispatch_uid="t1")
    staff_returned_to_post.connect(lambda **kw: returned.append(kw["staff"]), weak=False, dispatch_uid="t2")
    try:
        person = watch(name=staff.name, staff=staff, category_codes=["staff_returning"], id_number="")
        with time_machine.travel(local(DAY1, 7), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                measure = services.measure_start(actor=org.office, person=person)
        assert started == [staff]
        assert measure.planned_end == DAY1 + timedelta(days=13)
        assert selectors.staff_under_measure(day=DAY1 + timedelta(days=5)) == {staff.pk}
        with time_machine.travel(local(DAY1, 7), tick=False):
            days = selectors.staff_unavailable_days(
                staff_ids=[staff.pk, org.staff[0].pk], start=DAY1, end=DAY1 + timedelta(days=20)
            )
        assert days[staff.pk] == {DAY1 + timedelta(days=n) for n in range(14)}
        assert org.staff[0].pk not in days

        _report_all_days(measure, 13)
        # Day 13 evening: not due yet.
        with time_machine.travel(local(DAY1 + timedelta(days=12), 20), tick=False):
            assert selectors.due_for_release(Measure.objects.all()) == []
        _report_all_days_from(measure, 13, 14)
        with time_machine.travel(local(DAY1 + timedelta(days=13), 19), tick=False):
            due = selectors.due_for_release(Measure.objects.all())
            assert [c.measure for c in due] == [measure]
            assert due[0].normal, due[0].reasons
            with pytest.raises(DomainError) as err:
                services.measure_release(actor=org.office, measure=measure, confirm=False)
            assert err.value.field == "confirm"
            with django_capture_on_commit_callbacks(execute=True):
                services.measure_release(actor=org.office, measure=measure, confirm=True)
            assert returned == [staff]
            measure.refresh_from_db()
            assert measure.status == Measure.Status.RELEASED and measure.returned_to_post_at is not None
            assert selectors.staff_under_measure(day=DAY1 + timedelta(days=13)) == set()
            assert (
                selectors.staff_unavailable_days(staff_ids=[staff.pk], start=DAY1, end=DAY1 + timedelta(days=20)) == {}
            )
    finally:
        staff_measure_started.disconnect(dispatch_uid="t1")
        staff_returned_to_post.disconnect(dispatch_uid="t2")


def _report_all_days_from(measure, first, last):
    cfg = selectors.health_settings()
    for n in range(first, last):
        day = measure.start_date + timedelta(days=n)
        for slot in cfg.slot_list():
            with time_machine.travel(local(day, slot.opens.hour + 1), tick=False):
                services.report_submit(actor=None, measure=measure, slot=slot.code, temperature="36.6")


def test_an_abnormal_end_extends_the_measure_and_refuses_release(org, watch):
    person = watch()
    with time_machine.travel(local(DAY1, 7), tick=False):
        measure = services.measure_start(actor=org.office, person=person, planned_days=3)
    _report_all_days(measure, 3)
    end = measure.planned_end
    with time_machine.travel(local(end, 15), tick=False):
        services.report_submit(actor=None, measure=measure, slot="afternoon", temperature="37.6")
    with time_machine.travel(local(end, 19), tick=False):
        with pytest.raises(DomainError) as err:
            services.measure_release(actor=org.office, measure=measure, confirm=True)
        assert err.value.code == "measure.not_normal"
        result = services.releases_review()
    assert result["extended"] == 1
    measure.refresh_from_db()
    assert measure.status == Measure.Status.EXTENDED
    assert measure.planned_end == end + timedelta(days=7)
    with time_machine.travel(local(end, 19, 5), tick=False):
        assert services.releases_review()["extended"] == 0  # idempotent


def test_release_before_the_planned_end_is_refused(org, watch):
    measure = services.measure_start(actor=org.office, person=watch())
    with pytest.raises(DomainError) as err:
        services.measure_release(actor=org.office, measure=measure, confirm=True)
    assert err.value.code == "measure.not_due"


def test_a_closed_measure_cannot_move_again(org, watch):
    measure = services.measure_start(actor=org.office, person=watch())
    services.measure_end(actor=org.office, measure=measure, status=Measure.Status.HOSPITAL)
    with pytest.raises(DomainError) as err:
        services.measure_extend(actor=org.office, measure=measure, days=3)
    assert err.value.field == "status"
    assert "不能变为" in str(err.value)  # Chinese first
    from django.utils import translation

    with translation.override("en"):
        assert "cannot become" in str(err.value)


def test_person_watch_create_matches_by_id_number(org, watch, new_id):
    number = new_id()
    first = watch(name="钱某", id_number=number, category_codes=["corrections"])
    again = services.person_watch_create(
        actor=org.office,
        name="钱某",
        id_number=number,
        phone="13912345678",
        found_by="hotline",
        category_codes=["close_contact"],
        note="举报电话",
    )
    assert again.pk == first.pk
    assert again.phone == "13912345678"
    assert sorted(c.code for c in again.categories.all()) == ["close_contact", "corrections"]
    assert "举报电话" in again.note


def test_person_watch_create_refuses_a_bad_id_number_naming_the_field(org):
    with pytest.raises(DomainError) as err:
        services.person_watch_create(actor=org.office, name="孙某", id_number="123")
    assert err.value.field == "id_number"


@time_machine.travel(local(DAY1, 8), tick=False)
def test_temperature_out_of_range_is_refused(org, watch):
    measure = services.measure_start(actor=org.office, person=watch())
    with pytest.raises(DomainError) as err:
        services.report_submit(actor=None, measure=measure, slot="morning", temperature="3.65")
    assert err.value.field == "temperature"
    assert Decimal("34.0") == services.TEMPERATURE_MIN
