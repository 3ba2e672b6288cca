"""Demo people under measures: returnees, corrections subjects, contacts, staff back from out of town."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from frontline.core.validators import resident_id_check_digit
from frontline.health import services
from frontline.health.models import Escalation, Measure, Person
from frontline.health.selectors import health_settings

ACTOR = "load_demo"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董"
GIVEN = "伟刚勇毅俊峰强军平秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕"


def demo_id_number(rng: random.Random, region: str, birth: date) -> str:
    """Return a well-formed resident ID number (valid check digit) for demo people."""
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_digit(first17)


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _at(day: date, hh: int, mm: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def _reports(
    rng: random.Random, measure: Measure, today: date, *, skip: float = 0.04, fever_on: date | None = None
) -> None:
    cfg = health_settings()
    now = timezone.now()
    day = measure.start_date
    while day <= today:
        for slot in cfg.slot_list():
            taken = _at(day, slot.opens.hour + 1, rng.randrange(0, 50))
            if taken > now or rng.random() < skip:
                continue
            if rng.random() < 0.05:
                taken = slot.cutoff_at(day) + timedelta(minutes=rng.randrange(5, 90))  # a late report
                if taken > now:
                    continue
            fever = fever_on == day and slot.code == cfg.slot_list()[-1].code
            temp = Decimal("38.2") if fever else Decimal(rng.choice(["36.2", "36.4", "36.5", "36.6", "36.7", "36.8"]))
            services.report_submit(
                actor=None,
                measure=measure,
                slot=slot.code,
                temperature=temp,
                day=day,
                at=taken,
                dry_cough=fever and rng.random() < 0.5,
            )
        day += timedelta(days=1)


def load(ctx: Any) -> None:
    """Put demo people under measures with a history of reports, missed slots and escalations."""
    rng = random.Random(4)
    today = ctx.today
    communities = ctx.communities
    liaison = ctx.users.get("liaison")
    staff_pool = [s for s in ctx.staff if s.user_id is None] or ctx.staff
    people: list[tuple[Person, str]] = []
    specs = (
        [("returnee", "420102", "高风险地区返回，自驾返包")] * 8
        + [("corrections", "150204", "社区矫正对象，按期报到")] * 4
        + [("released_prisoner", "150203", "刑满释放，返回社区")] * 3
    )
    for i, (category, region, note) in enumerate(specs):
        community = communities[i % len(communities)]
        birth = date(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        person = services.person_watch_create(
            actor=ACTOR,
            name=_person_name(rng),
            id_number=demo_id_number(rng, region, birth),
            phone=f"139{rng.randrange(10**8):08d}",
            address=f"{community.name}{1 + rng.randrange(30)}号楼{1 + rng.randrange(6)}单元",
            community=community,
            category_codes=[category],
            found_by=rng.choice(["checkpoint", "screening", "self", "hotline"]),
            note=note,
        )
        people.append((person, category))
    # Close contacts of the first returnees.
    for source, _cat in people[:4]:
        birth = date(1970 + rng.randrange(30), 1 + rng.randrange(12), 1 + rng.randrange(28))
        contact = services.person_watch_create(
            actor=ACTOR,
            name=_person_name(rng),
            id_number=demo_id_number(rng, "150204", birth),
            community=source.community,
            category_codes=["close_contact"],
            found_by="screening",
            contact_of=source,
            note="与返包人员同住",
        )
        people.append((contact, "close_contact"))
    # Staff back from out of town: two under isolation now, one already back at their post.
    staff_people = []
    for s in staff_pool[:3]:
        staff_people.append(
            services.person_watch_create(
                actor=ACTOR,
                name=s.name,
                staff=s,
                community=s.home_community,
                category_codes=["staff_returning"],
                found_by="self",
                note="春节外地返回，居家隔离14天",
            )
        )
    measures = []
    for n, (person, _category) in enumerate(people):
        start = today - timedelta(days=[13, 12, 10, 8, 6, 4, 2, 1][n % 8])
        liaison_user = liaison if liaison is not None and person.community_id == liaison.community_id else None
        measure = services.measure_start(
            actor=ACTOR,
            person=person,
            kind=Measure.Kind.MEDICAL if n % 7 == 3 else Measure.Kind.HOME,
            start_date=start,
            responsible_staff=rng.choice(staff_pool),
            liaison=liaison_user,
        )
        measures.append(measure)
    for i, person in enumerate(staff_people):
        start = today - timedelta(days=[13, 5, 20][i])
        measure = services.measure_start(
            actor=ACTOR,
            person=person,
            start_date=start,
            responsible_staff=rng.choice(staff_pool),
        )
        if i == 2:
            # Back from out of town three weeks ago; reported every day and is released today (返岗).
            _reports(rng, measure, today, skip=0)
            services.measure_release(actor=ACTOR, measure=measure, confirm=True, note="期满无异常，返岗")
        else:
            measures.append(measure)
    fever_person = measures[5] if len(measures) > 5 else None
    for m in measures:
        _reports(
            rng,
            m,
            today,
            skip=0 if m.start_date == today - timedelta(days=13) else 0.05,
            fever_on=today - timedelta(days=1) if m is fever_person else None,
        )
    for back in (1, 0):
        services.missed_reports_check(now=min(timezone.now(), _at(today - timedelta(days=back), 23, 0)))
    # The fever report of yesterday stays detected (and overdue) on the board; three more cases show every state.
    extra = [p for p, _c in people[8:11]]
    for k, person in enumerate(extra):
        e = services.escalation_open(
            actor=ACTOR,
            person=person,
            source=Escalation.Source.MANUAL,
            temperature=Decimal("37.8") + k,
            symptoms="干咳" if k else "",
            note="入户测温发现",
        )
        path = [
            (Escalation.State.COMMUNITY_NOTIFIED, str(person.community or "社区")),
            (Escalation.State.HANDED_TO_HEALTH, "区卫健局疾控科"),
            (Escalation.State.AT_HOSPITAL, "市第四医院（定点医院）"),
        ][: k + 1]
        for state, to_whom in path:
            services.escalation_advance(actor=liaison or ACTOR, escalation=e, to_state=state, to_whom=to_whom)
    closed = people[11][0] if len(people) > 11 else None
    if closed is not None:
        e = services.escalation_open(
            actor=ACTOR,
            person=closed,
            source=Escalation.Source.MANUAL,
            temperature=Decimal("37.5"),
            note="复测正常",
        )
        services.escalation_advance(
            actor=ACTOR, escalation=e, to_state=Escalation.State.COMMUNITY_NOTIFIED, to_whom="社区网格员"
        )
        services.escalation_advance(
            actor=ACTOR, escalation=e, to_state=Escalation.State.CLOSED, outcome="excluded", note="复测36.6℃，排除"
        )
    _follow_up_checkpoint_fevers(today, liaison)


def _follow_up_checkpoint_fevers(today: date, liaison: Any) -> None:
    """The fevers found at the checkpoints on earlier days were followed up: community told, rechecked
    at home, excluded. Today's stay open on the board, as they would in the field."""
    from django.apps import apps

    if not apps.is_installed("frontline.checkpoints"):
        return
    passage_model = apps.get_model("checkpoints", "Passage")
    open_cases = Escalation.objects.filter(source=Escalation.Source.CHECKPOINT, state=Escalation.State.DETECTED)
    earlier = set(
        passage_model.objects.filter(pk__in=open_cases.values("passage_id"), day__lt=today).values_list("pk", flat=True)
    )
    # The office read the alerts of those fevers when it followed them up. The alerts are written when the
    # passages' transaction commits (the demo loads in one), so this runs then too, after them.
    from django.db import transaction

    from frontline.core.models import Notification

    fevers_before = passage_model.objects.filter(fever_event=True, day__lt=today).values_list("pk", flat=True)
    keys = [f"checkpoints.fever:{pk}" for pk in fevers_before]
    transaction.on_commit(
        lambda: Notification.objects.filter(dedupe_key__in=keys, read_at__isnull=True).update(read_at=timezone.now())
    )
    for e in open_cases.filter(passage_id__in=earlier).select_related("person__community"):
        services.escalation_advance(
            actor=liaison or ACTOR,
            escalation=e,
            to_state=Escalation.State.COMMUNITY_NOTIFIED,
            to_whom=str(e.person.community or "社区网格员"),
        )
        services.escalation_advance(
            actor=liaison or ACTOR,
            escalation=e,
            to_state=Escalation.State.CLOSED,
            outcome="excluded",
            note="居家复测体温正常，排除",
        )
