"""Warnings about a person shown before a passage is saved; other apps register their own.

The health module registers e.g. "under home isolation until …" with `register_person_status`;
the field page and the API call `person_warnings`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

log = logging.getLogger(__name__)

Level = Literal["red", "orange", "blue"]


@dataclass(frozen=True)
class PersonWarning:
    """One warning: red stops (fever), orange needs care (high-risk origin), blue informs."""

    level: Level
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PersonStatus = Callable[..., list[PersonWarning]]
STATUS_PROVIDERS: list[PersonStatus] = []


def register_person_status(func: PersonStatus) -> PersonStatus:
    """Register `func(*, id_number_hash, day) -> list[PersonWarning]`; usable as a decorator."""
    if func not in STATUS_PROVIDERS:
        STATUS_PROVIDERS.append(func)
    return func


def person_warnings(*, id_number_hash: str, day: date) -> list[PersonWarning]:
    """Return what the registered providers know about a person on a day."""
    if not id_number_hash:
        return []
    found: list[PersonWarning] = []
    for provider in STATUS_PROVIDERS:
        try:
            found.extend(provider(id_number_hash=id_number_hash, day=day))
        except Exception:  # a failing provider must not stop registration at the gate
            log.exception("person status provider %r failed", provider)
    return found
