"""Which field a model constraint's message is shown under."""

from __future__ import annotations

from frontline.core.forms import constraint_field
from frontline.org.models import Batch, Campaign, User


def _named(model, name):
    return next(c for c in model._meta.constraints if c.name == name)


def test_a_comparison_is_about_its_left_hand_field_even_when_that_may_be_empty():
    assert constraint_field(_named(Batch, "batch_end_after_start")) == "end_date"
    assert constraint_field(_named(Campaign, "campaign_end_after_start")) == "end_date"


def test_a_rule_over_two_unrelated_fields_stays_at_the_top_of_the_form():
    assert constraint_field(_named(User, "liaison_has_community")) is None
