"""Registry of residents' personal identifiers, so closing a campaign can erase them everywhere.

Each app registers, in its `apps.py` ready(), the fields of its models that identify a resident
(names, ID numbers, phones, addresses, free text that may hold them) with what to write instead.
Figures never read these fields, so erasing them leaves every count unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class PersonalFields:
    model: type[models.Model]
    fields: dict[str, Any]  # field name -> replacement value ("" or a fixed word like "已删除")


REGISTRY: list[PersonalFields] = []


def register_personal_fields(model: type[models.Model], **fields: Any) -> None:
    """Declare which fields of a model identify a resident, and what erasure writes instead."""
    REGISTRY.append(PersonalFields(model=model, fields=fields))
