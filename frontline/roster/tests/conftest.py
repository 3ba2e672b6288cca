"""A roster-sized organisation on top of the shared `org` fixture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from frontline.org.models import WorkingGroup


@dataclass
class RosterOrg:
    org: Any
    batch: Any
    staff: list[Any]  # batch staff (checkpoint duty)
    office_staff: list[Any]  # office group (office duty)
    leaders: list[Any]
    start: date

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["org"], name)


def add_staff(org: Any, n: int, *, prefix: str = "队员", start_index: int = 0) -> list[Any]:
    from frontline.org import services as s

    out = []
    for i in range(start_index, start_index + n):
        out.append(
            s.staff_save(
                actor="test",
                name=f"{prefix}{i:02d}",
                sex="M" if i % 2 else "F",
                unit=org.bureau,
                phone=f"139{i:08d}",
                birth_date=date(1985, 1, 1) + timedelta(days=97 * i),
                party_status="member" if i % 3 == 0 else "none",
                is_team_leader=i % 5 == 0,
                home_community=org.community_a if i % 2 else org.community_b,
            )
        )
    return out


@pytest.fixture
def roster_org(org: Any) -> RosterOrg:
    """Three checkpoints of three shifts, 18 duty staff in one batch, an office and a leadership group."""
    from frontline.org import services as s

    today = timezone.localdate()
    crew = add_staff(org, 18)
    # The duty log-in (org.staff[2]) serves too, so its phone page has duties.
    batch_staff = [*crew, org.staff[2]]
    batch = s.batch_save(
        actor="test",
        campaign=org.campaign,
        number=1,
        start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=30),
        staff=batch_staff,
    )
    office = [org.staff[1], org.staff[3], org.staff[4]]
    s.group_save(actor="test", campaign=org.campaign, kind=WorkingGroup.Kind.OFFICE, name="办公室", members=office)
    leaders = [org.staff[0], org.staff[5]]
    s.group_save(
        actor="test", campaign=org.campaign, kind=WorkingGroup.Kind.LEADERSHIP, name="领导小组", members=leaders
    )
    return RosterOrg(org=org, batch=batch, staff=batch_staff, office_staff=office, leaders=leaders, start=today)
