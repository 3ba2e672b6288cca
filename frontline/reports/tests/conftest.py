"""A generated campaign across every module, written straight into the models (not through the reports app)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from frontline.core.validators import validate_resident_id

RESIDENT_NAMES = ["赵小龙", "钱多多", "孙悟能", "周芷若", "吴承恩", "郑成功", "冯宝宝", "陈小春", "褚时健", "卫子夫"]


def resident_id(rng: random.Random, n: int) -> str:
    """Return a valid 18-character resident ID (GB 11643 check digit)."""
    body = f"150204{1960 + n % 40:04d}{1 + n % 12:02d}{1 + n % 28:02d}{rng.randrange(100, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    number = body + check
    validate_resident_id(number, field="id_number")
    return number


@dataclass
class Generated:
    org: Any
    today: date
    days: list[date]
    names: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def generated(org: Any) -> Generated:
    """Four days of passages, people watched, duties, supplies, tips, legal aid and party work."""
    from frontline.checkpoints.models import DailyTally, Passage, VehiclePassage
    from frontline.checkpoints.selectors import tally_recount

    rng = random.Random(9)
    today = timezone.localdate()
    days = [today - timedelta(days=i) for i in range(3, -1, -1)]
    g = Generated(org=org, today=today, days=days)
    checkpoints = [org.checkpoint_a, org.checkpoint_a2, org.checkpoint_b]
    n = 0
    for day in days:
        for cp in checkpoints:
            vehicles = []
            for _ in range(rng.randrange(2, 5)):
                vehicles.append(
                    VehiclePassage.objects.create(
                        checkpoint=cp,
                        at=_at(day, 8, rng.randrange(60)),
                        day=day,
                        plate=f"蒙B{rng.randrange(10000, 99999)}",
                        outcome=rng.choice(["allowed", "allowed", "turned_back"]),
                        high_risk=rng.random() < 0.2,
                        client_uuid=uuid.uuid4(),
                    )
                )
            for _ in range(rng.randrange(5, 12)):
                n += 1
                name = RESIDENT_NAMES[n % len(RESIDENT_NAMES)] + str(n)
                idn = resident_id(rng, n)
                phone = f"139{n:08d}"
                fever = rng.random() < 0.1
                cough = not fever and rng.random() < 0.05
                Passage.objects.create(
                    checkpoint=cp,
                    at=_at(day, 7 + rng.randrange(12), rng.randrange(60)),
                    day=day,
                    direction=rng.choice(["in", "in", "out"]),
                    name=name,
                    id_number=idn,
                    phone=phone,
                    temperature=Decimal("38.1") if fever else Decimal("36.5"),
                    fever=fever,
                    fever_event=fever or cough,
                    symptoms=["dry_cough"] if cough else [],
                    origin_region="420100" if rng.random() < 0.2 else "150204",
                    high_risk=rng.random() < 0.2,
                    outcome=rng.choice(["allowed", "allowed", "allowed", "turned_back", "referred_health"]),
                    purpose=f"探望{name}",
                    client_uuid=uuid.uuid4(),
                )
                g.names.append(name)
                g.id_numbers.append(idn)
                g.phones.append(phone)
    # The tallies, as the checkpoints module keeps them (recounted from the passages once here).
    for (cp_id, day), counters in tally_recount().items():
        DailyTally.objects.create(checkpoint_id=cp_id, day=day, **counters)
    _health(g, rng)
    _roster(g, rng)
    _supplies(g)
    _desk(g)
    _party(g)
    return g


def _health(g: Generated, rng: random.Random) -> None:
    from frontline.health.models import (
        Category,
        Escalation,
        EscalationStep,
        HealthReport,
        Measure,
        MissedReport,
        Person,
    )

    org, today = g.org, g.today
    returnee = Category.objects.get_or_create(code="returnee", defaults={"name": "外地返包人员", "order": 1})[0]
    corrections = Category.objects.get_or_create(code="corrections", defaults={"name": "社区矫正人员", "order": 2})[0]
    contact = Category.objects.get_or_create(code="contact", defaults={"name": "密切接触者", "order": 3})[0]
    for i in range(8):
        name = f"隔离{RESIDENT_NAMES[i]}"
        idn = resident_id(rng, 500 + i)
        phone = f"1370000{i:04d}"
        address = f"富强路{i + 1}号{i + 2}单元"
        person = Person.objects.create(
            name=name,
            id_number=idn,
            phone=phone,
            address=address,
            community=org.community_a if i % 2 else org.community_b,
            note=f"{name}的邻居报告",
        )
        person.categories.set([[returnee], [corrections], [returnee, contact]][i % 3])
        g.names.append(name)
        g.id_numbers.append(idn)
        g.phones.append(phone)
        g.addresses.append(address)
        start = today - timedelta(days=i)
        if i < 5:
            status, ended = "active", None
        elif i < 7:
            status, ended = "released", today - timedelta(days=i - 5)
        else:
            status, ended = "hospital", today
        measure = Measure.objects.create(
            person=person,
            kind=["home", "medical", "central"][i % 3],
            start_date=start,
            planned_days=14,
            planned_end=start + timedelta(days=13),
            status=status,
            ended_on=ended,
        )
        HealthReport.objects.create(
            measure=measure, day=today, slot="morning", temperature=Decimal("36.6"), other_symptoms=f"{name}说头痛"
        )
        if i in (1, 2, 3):
            MissedReport.objects.create(measure=measure, day=today, slot="afternoon")
        if i == 4:
            MissedReport.objects.create(measure=measure, day=today - timedelta(days=1), slot="morning")
        if i < 4:
            detected = timezone.now() - timedelta(hours=3 + i)
            e = Escalation.objects.create(
                person=person,
                measure=measure,
                source="report",
                temperature=Decimal("38.0"),
                state=["detected", "community_notified", "handed_to_health_dept", "closed"][i],
                outcome="excluded" if i == 3 else "",
                detected_at=detected,
                notify_due_at=detected + timedelta(minutes=30),
                notified_at=None if i == 0 else detected + timedelta(minutes=[0, 20, 45, 10][i]),
                closed_at=detected + timedelta(hours=2) if i == 3 else None,
                note=f"{name} 已送医",
            )
            if i >= 2:
                EscalationStep.objects.create(
                    escalation=e,
                    from_state="community_notified",
                    to_state="handed_to_health_dept",
                    at=detected + timedelta(minutes=50),
                    to_whom=f"卫健委 转交 {name}",
                )


def _roster(g: Generated, rng: random.Random) -> None:
    from frontline.org.models import Checkpoint
    from frontline.roster.models import Assignment, Attendance, Roster, RosterVersion

    org = g.org
    Checkpoint.objects.filter(pk__in=[org.checkpoint_a.pk, org.checkpoint_a2.pk, org.checkpoint_b.pk]).update(
        shift_pattern=["00:00-12:00", "12:00-00:00"], staff_min=1
    )
    roster = Roster.objects.create(campaign=org.campaign, name="第一批", start_date=g.days[0], end_date=g.today)
    version = RosterVersion.objects.create(roster=roster, number=1, status="published")
    now = timezone.now()
    for k, day in enumerate(g.days):
        for s, staff in enumerate(org.staff[:4]):
            cp = [org.checkpoint_a, org.checkpoint_b][s % 2]
            shift = ["00:00-12:00", "12:00-00:00"][(s // 2) % 2]
            start = _at(day, 0 if shift.startswith("00") else 12)
            Assignment.objects.create(
                version=version,
                day=day,
                checkpoint=cp,
                shift=shift,
                starts_at=start,
                ends_at=start + timedelta(hours=12),
                staff=staff,
            )
            status = ["present", "late", "absent", "present"][(s + k) % 4]
            if start + timedelta(hours=12) <= now or start <= now:
                Attendance.objects.create(
                    staff=staff,
                    campaign=org.campaign,
                    checkpoint=cp,
                    day=day,
                    shift=shift,
                    planned_start=start,
                    planned_end=start + timedelta(hours=12),
                    clock_in=None if status == "absent" else start + timedelta(minutes=5),
                    status=status,
                )
    # A draft duty must never count.
    draft = RosterVersion.objects.create(roster=roster, number=2, status="draft")
    Assignment.objects.create(
        version=draft,
        day=g.today,
        checkpoint=org.checkpoint_a2,
        shift="00:00-12:00",
        starts_at=_at(g.today, 0),
        ends_at=_at(g.today, 23, 59),
        staff=org.staff[5],
    )


def _supplies(g: Generated) -> None:
    from frontline.supplies.models import Item, Movement, Store

    org, today = g.org, g.today
    store = Store.objects.create(name="区局物资库", kind="bureau")
    masks = Item.objects.update_or_create(
        name="医用口罩", defaults={"category": "mask", "unit": "只", "min_days_of_cover": 30}
    )[0]
    gloves = Item.objects.update_or_create(
        name="一次性医用手套", defaults={"category": "gloves", "unit": "副", "min_days_of_cover": 3}
    )[0]
    Movement.objects.create(
        kind="purchase", item=masks, quantity=1000, to_store=store, source="医药公司", occurred_on=g.days[0]
    )
    Movement.objects.create(
        kind="donation",
        item=masks,
        quantity=500,
        to_store=store,
        source="爱心企业",
        value=Decimal("750.00"),
        occurred_on=g.days[1],
    )
    Movement.objects.create(
        kind="donation", item=gloves, quantity=200, to_store=store, source="商会", occurred_on=g.days[0]
    )
    issued = []
    for day in g.days:
        issued.append(
            Movement.objects.create(
                kind="issue", item=masks, quantity=120, from_store=store, checkpoint=org.checkpoint_a, occurred_on=day
            )
        )
        Movement.objects.create(
            kind="issue", item=gloves, quantity=30, from_store=store, checkpoint=org.checkpoint_b, occurred_on=day
        )
    Movement.objects.create(
        kind="correction",
        item=masks,
        quantity=20,
        to_store=store,
        reverses=issued[-1],
        reason="多发退回",
        occurred_on=today,
    )


def _desk(g: Generated) -> None:
    from frontline.desk.models import LegalAidRequest, Tip

    org, now = g.org, timezone.now()
    for i, status in enumerate(["received", "assigned", "handled", "closed", "received"]):
        name = f"举报人{RESIDENT_NAMES[i]}"
        Tip.objects.create(
            campaign=org.campaign,
            code=f"T{i:05d}",
            lookup_digest="x" * 64,
            category="gathering",
            community=org.community_a,
            description=f"{name}举报聚集",
            reporter_name=name,
            reporter_phone=f"1360000{i:04d}",
            status=status,
            received_at=now - timedelta(hours=i * 30),
            due_at=now - timedelta(hours=i * 30) + timedelta(hours=24),
            assignee=None if status == "received" else org.office,
            answer="已处理" if status == "closed" else "",
        )
        g.names.append(name)
        g.phones.append(f"1360000{i:04d}")
    for i, status in enumerate(["waiting", "answered", "closed"]):
        name = f"求助人{RESIDENT_NAMES[i]}"
        LegalAidRequest.objects.create(
            campaign=org.campaign,
            code=f"L{i:05d}",
            lookup_digest="y" * 64,
            topic="labour",
            description="工资问题",
            requester_name=name,
            requester_phone=f"1350000{i:04d}",
            status=status,
            lawyer=None if status == "waiting" else org.lawyer,
            submitted_at=now - timedelta(hours=i),
            first_reply_due_at=now + timedelta(hours=24),
            first_replied_at=None if status == "waiting" else now - timedelta(minutes=10),
        )
        g.names.append(name)
        g.phones.append(f"1350000{i:04d}")


def _party(g: Generated) -> None:
    from frontline.party.models import Branch, Commendation, CommunityReport, DuesCollection, DuesEntry

    org = g.org
    b1 = Branch.objects.create(name="富强临时党支部", kind="temporary", campaign=org.campaign, established_on=g.days[0])
    b1.communities.set([org.community_a, org.community_b])
    Branch.objects.create(name="局机关党支部", kind="branch", established_on=date(2010, 1, 1))
    collection = DuesCollection.objects.create(
        title="特殊党费", purpose="支援防控", collected_on=g.days[1], campaign=org.campaign, branch=b1
    )
    for staff, amount in zip(org.staff[:3], ["100.00", "200.50", "300.00"]):
        DuesEntry.objects.create(collection=collection, staff=staff, amount=Decimal(amount), paid_on=g.days[1])
    CommunityReport.objects.create(
        staff=org.staff[1], community=org.community_a, reported_on=g.days[0], activity="值守"
    )
    CommunityReport.objects.create(
        staff=org.staff[1], community=org.community_a, reported_on=g.days[1], activity="值守"
    )
    CommunityReport.objects.create(
        staff=org.staff[3], community=org.community_b, reported_on=g.days[1], activity="值守"
    )
    Commendation.objects.create(
        title="先进集体", awarding_body="区委", awarded_on=g.today, recipient_unit=org.bureau, campaign=org.campaign
    )
    Commendation.objects.create(
        title="先进个人", awarding_body="区委", awarded_on=g.today, recipient_staff=org.staff[2], campaign=org.campaign
    )


# Every test runs on a fixed afternoon (time moving on from it), so "today" and "now" are known.
FROZEN = datetime(2026, 3, 10, 15, 30)


@pytest.fixture(autouse=True)
def clock() -> Any:
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(FROZEN.replace(tzinfo=ZoneInfo("Asia/Shanghai")), tick=True) as traveller:
        yield traveller
