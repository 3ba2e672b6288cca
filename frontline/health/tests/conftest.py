"""Health fixtures: valid ID numbers, a watched person factory, and a clock set in the campaign's zone."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from frontline.health.demo import demo_id_number

_rng = random.Random(7)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """An aware datetime at a local (campaign time zone) clock time."""
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


@pytest.fixture
def new_id() -> Callable[[], str]:
    used: set[str] = set()

    def make(region: str = "150204") -> str:
        while True:
            number = demo_id_number(
                _rng, region, date(1960 + _rng.randrange(40), 1 + _rng.randrange(12), 1 + _rng.randrange(28))
            )
            if number not in used:
                used.add(number)
                return number

    return make


@pytest.fixture
def watch(org: Any, new_id: Callable[..., str]) -> Callable[..., Any]:
    """Create a watched person in community A (or as given)."""
    from frontline.health.services import person_watch_create

    def make(name: str = "赵返包", **kwargs: Any) -> Any:
        kwargs.setdefault("id_number", new_id("420102"))
        kwargs.setdefault("community", org.community_a)
        kwargs.setdefault("category_codes", ["returnee"])
        return person_watch_create(actor=org.office, name=name, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _categories(request: Any) -> None:
    """Seed the categories again where a transactional test flushed the data migration's rows."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    import importlib

    from frontline.health.models import Category

    request.getfixturevalue("django_db_blocker")
    try:
        if Category.objects.exists():
            return
    except Exception:  # no database access in this test
        return
    seed = importlib.import_module("frontline.health.migrations.0002_seed_categories")
    for code, name, days, order in seed.CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "default_days": days, "order": order})
