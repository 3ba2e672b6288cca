"""The demo loader builds the campaign's weeks of passages with tallies that match a recount."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from frontline.checkpoints import demo, selectors
from frontline.checkpoints.models import Passage, VehiclePassage

pytestmark = pytest.mark.django_db


def test_the_demo_weeks_have_fevers_turned_back_vehicles_and_high_risk_arrivals(org, monkeypatch):
    from frontline.org.demo import DemoContext

    monkeypatch.setattr(demo, "PEOPLE_PER_DAY", 20)  # the shape, not the article's volume, in a unit test
    monkeypatch.setattr(demo, "VEHICLES_PER_DAY", 6)

    ctx = DemoContext(
        campaign=org.campaign,
        start=org.campaign.start_date,
        today=timezone.localdate(),
        rng=random.Random(1),
        checkpoints=[org.checkpoint_a, org.checkpoint_a2, org.checkpoint_b],
        users={"duty": org.duty},
    )
    demo.load(ctx)
    assert Passage.objects.count() > 150
    assert Passage.objects.filter(fever_event=True).exists() or Passage.objects.filter(high_risk=True).exists()
    assert VehiclePassage.objects.filter(outcome="turned_back").exists()
    assert selectors.tally_snapshot() == selectors.tally_recount()
