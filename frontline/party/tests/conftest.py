"""Fixtures of party work: the demo campaign, and a small party organisation on the `org` fixture."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest


@pytest.fixture
def demo(db: Any) -> Any:
    """Build the org demo campaign and then this app's demo on it."""
    from frontline.org import demo as org_demo
    from frontline.party import demo as party_demo

    ctx = org_demo.load()
    party_demo.load(ctx)
    return ctx


@pytest.fixture
def party(org: Any) -> Any:
    """A general branch with the org fixture's party members (staff 1, 3, 5) as members."""
    from frontline.party import services
    from frontline.party.models import Branch

    general = services.branch_save(
        actor="test",
        name="党总支",
        kind=Branch.Kind.GENERAL,
        established_on=org.campaign.start_date - timedelta(days=365),
        unit=org.bureau,
        secretary=org.staff[1],
    )
    services.branch_members_add(
        actor="test", branch=general, staff=[org.staff[3], org.staff[5]], joined_on=general.established_on
    )
    org.general = general
    return org
