"""The daily tallies equal a recount from the passage tables, whatever mix of records arrives."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontline.checkpoints import selectors, services
from frontline.checkpoints.models import DailyTally, Passage
from frontline.checkpoints.tests.conftest import make_id, wrong_check_digit

pytestmark = pytest.mark.django_db

people = st.fixed_dictionaries(
    {
        "kind": st.just("person"),
        "checkpoint": st.sampled_from(["a", "a2", "b", "unknown"]),
        "days_ago": st.integers(0, 3),
        "direction": st.sampled_from(["in", "out"]),
        "temperature": st.sampled_from(["36.1", "36.8", "37.2", "37.3", "38.5", "40.0", "50", None]),
        "origin": st.sampled_from(["", "420102", "420000", "150204", "110101"]),
        "outcome": st.sampled_from(["allowed", "turned_back", "referred_community", "referred_health"]),
        "cough": st.booleans(),
        "bad_id": st.booleans(),
        "resend": st.booleans(),
    }
)
vehicles = st.fixed_dictionaries(
    {
        "kind": st.just("vehicle"),
        "checkpoint": st.sampled_from(["a", "b"]),
        "days_ago": st.integers(0, 3),
        "outcome": st.sampled_from(["allowed", "turned_back"]),
        "plate": st.sampled_from(["蒙B12345", "鄂A1234D", "XX", "京AD12345"]),
        "resend": st.booleans(),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.one_of(people, vehicles), min_size=1, max_size=8), min_size=1, max_size=4))
def test_tallies_equal_a_recount_after_any_mix_of_records(org, batches):
    checkpoints = {"a": org.checkpoint_a.pk, "a2": org.checkpoint_a2.pk, "b": org.checkpoint_b.pk, "unknown": 999999}
    now = timezone.now()
    sent: list = []
    for batch in batches:
        people_items, vehicle_items = [], []
        for spec in batch:
            at = now - timedelta(days=spec["days_ago"])
            if spec["kind"] == "person":
                number = make_id(seq=len(sent) % 1000)
                item = services.PassageData(
                    checkpoint_id=checkpoints[spec["checkpoint"]],
                    client_uuid=uuid.uuid4(),
                    outcome=spec["outcome"],
                    id_number=wrong_check_digit(number) if spec["bad_id"] else number,
                    temperature=spec["temperature"],
                    direction=spec["direction"],
                    origin_region=spec["origin"],
                    at=at,
                    symptoms=["dry_cough"] if spec["cough"] else [],
                )
                people_items.append(item)
            else:
                item = services.VehicleData(
                    checkpoint_id=checkpoints[spec["checkpoint"]],
                    client_uuid=uuid.uuid4(),
                    plate=spec["plate"],
                    outcome=spec["outcome"],
                    at=at,
                )
                vehicle_items.append(item)
            if spec["resend"]:
                (people_items if spec["kind"] == "person" else vehicle_items).append(item)
            sent.append(item)
        services.vehicle_record_batch(actor=org.duty, items=vehicle_items)
        services.passage_record_batch(actor=org.duty, items=people_items)
    assert selectors.tally_snapshot() == selectors.tally_recount()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_tallies_exact(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent writers")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                services.passage_record(
                    actor=org.duty,
                    data=services.PassageData(
                        checkpoint_id=org.checkpoint_a.pk,
                        client_uuid=uuid.uuid4(),
                        outcome="allowed",
                        id_number=make_id(seq=n * 10 + i),
                        temperature="36.5",
                    ),
                )
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Passage.objects.count() == 80
    assert DailyTally.objects.get(checkpoint=org.checkpoint_a).people_in == 80
    assert selectors.tally_snapshot() == selectors.tally_recount()
