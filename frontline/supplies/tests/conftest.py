"""Supplies fixtures: the seeded catalogue and the bureau's store, whatever an earlier test flushed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class Supplies:
    store: Any  # the bureau's store
    masks: Any
    n95: Any
    gloves: Any
    suits: Any
    disinfectant: Any
    water: Any


@pytest.fixture
def supplies(db: Any) -> Supplies:
    from frontline.supplies.models import Item
    from frontline.supplies.services import bureau_store, catalogue_seed

    catalogue_seed()
    by_name = {i.name: i for i in Item.objects.all()}
    return Supplies(
        store=bureau_store(),
        masks=by_name["一次性医用外科口罩"],
        n95=by_name["N95医用防护口罩"],
        gloves=by_name["一次性医用手套"],
        suits=by_name["医用防护服"],
        disinfectant=by_name["84消毒液"],
        water=by_name["饮用水"],
    )
