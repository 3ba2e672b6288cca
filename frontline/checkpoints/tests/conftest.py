"""Fixtures of the checkpoints tests: valid resident ID numbers and a quick way to send records."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from frontline.core.validators import resident_id_check_digit


def make_id(region: str = "150204", birth: date = date(1990, 1, 1), seq: int = 123) -> str:
    """Return a valid 18-character resident ID number."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_digit(first17)


def wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:17] + last


@pytest.fixture
def person() -> Callable[..., dict[str, Any]]:
    """Return an API payload for one passage at a checkpoint."""

    def make(checkpoint: Any, **overrides: Any) -> dict[str, Any]:
        body = {
            "checkpoint": checkpoint.pk,
            "client_uuid": str(uuid.uuid4()),
            "id_number": make_id(seq=overrides.pop("seq", 123)),
            "temperature": "36.5",
            "outcome": "allowed",
        }
        body.update(overrides)
        return body

    return make
