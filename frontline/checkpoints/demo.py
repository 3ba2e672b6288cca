"""Demo passages: the campaign's weeks at the 21 checkpoints, through the same batch service the phones use.

About the article's scale: some 2,300 people and 600 vehicles a day across the 21 checkpoints.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from frontline.checkpoints import services
from frontline.checkpoints.models import Outcome, Source
from frontline.core.validators import resident_id_check_digit
from frontline.org.demo import GIVEN_F, GIVEN_M, SURNAMES

# Where people come from: mostly Baotou's districts, some other provinces, a few from Hubei.
HOME = ["150204", "150203", "150202", "150205", "150207"]
AWAY = ["110101", "130102", "140105", "610113", "620102", "150102"]
HUBEI = ["420102", "420106", "420111", "420502", "421002"]
PURPOSES = ["回家", "上班", "购物", "就医", "探亲", "送货"]
DAYS = 28  # at most: from the campaign's first day (the demo campaign is four weeks old)
PEOPLE_PER_DAY = 110  # a checkpoint, a day: 21 x 110 = 2,310
VEHICLES_PER_DAY = 29  # 21 x 29 = 609


def _resident_id(rng: Any, region: str) -> str:
    birth = datetime(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_id_check_digit(first17)


def _name(rng: Any) -> str:
    pool = rng.choice([GIVEN_M, GIVEN_F])
    return rng.choice(SURNAMES) + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")


def _moment(rng: Any, day: Any, now: datetime) -> datetime:
    """A moment of that day, busier by day than by night; today's lie before now."""
    start = timezone.make_aware(datetime.combine(day, time(0, 0)))
    end = min(start + timedelta(days=1), now - timedelta(minutes=1))
    span = max((end - start).total_seconds(), 60.0)
    while True:
        at = start + timedelta(seconds=rng.uniform(0, span))
        if 7 <= timezone.localtime(at).hour < 21 or rng.random() < 0.25:  # nights are quiet
            return at


def _share_of_day(day: Any, now: datetime) -> float:
    """How much of the day's traffic has passed: all of it for earlier days, the part so far today."""
    start = timezone.make_aware(datetime.combine(day, time(0, 0)))
    return max(0.0, min(1.0, (now - start).total_seconds() / 86400))


def load(ctx: Any) -> None:
    """Register the campaign's weeks of people and vehicles at every checkpoint, some self-registrations waiting today."""
    rng = ctx.rng
    now = timezone.now()
    actor = ctx.users.get("duty") or "load_demo"
    regulars = [(_resident_id(rng, rng.choice(HOME)), _name(rng)) for _ in range(60)]
    days = max(1, min(DAYS, (ctx.today - ctx.start).days + 1))
    for back in range(days - 1, -1, -1):
        day = ctx.today - timedelta(days=back)
        people: list[services.PassageData] = []
        vehicles: list[services.VehicleData] = []
        share = _share_of_day(day, now)
        for checkpoint in ctx.checkpoints:
            if day < checkpoint.opened_on:
                continue
            people_n = PEOPLE_PER_DAY + rng.randrange(-PEOPLE_PER_DAY // 4, PEOPLE_PER_DAY // 4 + 1)
            for _ in range(round(people_n * share)):
                roll = rng.random()
                if roll < 0.35:
                    number, name = rng.choice(regulars)
                    region = ""
                else:
                    region = rng.choice(HUBEI) if roll > 0.96 else rng.choice(AWAY) if roll > 0.85 else ""
                    number, name = _resident_id(rng, region or rng.choice(HOME)), _name(rng)
                fever = rng.random() < 0.0012  # a few a day across the district, as the article's fevers were rare
                cough = rng.random() < 0.0008
                temperature = round(rng.uniform(37.4, 38.9), 1) if fever else round(rng.uniform(35.9, 37.1), 1)
                outcome = (
                    Outcome.REFERRED_HEALTH
                    if fever or cough
                    else Outcome.REFERRED_COMMUNITY
                    if region in HUBEI
                    else Outcome.TURNED_BACK
                    if rng.random() < 0.05
                    else Outcome.ALLOWED
                )
                direction = "out" if rng.random() < 0.3 else "in"
                people.append(
                    services.PassageData(
                        checkpoint_id=checkpoint.pk,
                        client_uuid=uuid.uuid4(),
                        outcome=outcome,
                        id_number=number,
                        temperature=str(temperature),
                        direction=direction,
                        name=name,
                        symptoms=["dry_cough"] if cough else [],
                        origin_region=region,
                        arrived_on=day - timedelta(days=rng.randrange(0, 3)) if region else None,
                        purpose=rng.choice(PURPOSES),
                        at=_moment(rng, day, now),
                    )
                )
            vehicles_n = VEHICLES_PER_DAY + rng.randrange(-VEHICLES_PER_DAY // 4, VEHICLES_PER_DAY // 4 + 1)
            for _ in range(round(vehicles_n * share)):
                hubei = rng.random() < 0.05
                plate = (
                    "鄂A" if hubei else rng.choice(["蒙B", "蒙B", "蒙B", "蒙A", "京N", "冀F"])
                ) + f"{rng.randrange(100000):05d}"
                vehicles.append(
                    services.VehicleData(
                        checkpoint_id=checkpoint.pk,
                        client_uuid=uuid.uuid4(),
                        plate=plate.replace("I", "1").replace("O", "0"),
                        outcome="turned_back" if hubei or rng.random() < 0.12 else "allowed",
                        vehicle_type=rng.choice(["car", "car", "car", "van", "truck"]),
                        occupants=rng.randint(1, 4),
                        origin_region="420100" if hubei else "",
                        at=_moment(rng, day, now),
                    )
                )
        services.vehicle_record_batch(actor=actor, items=vehicles, source=Source.FIELD)
        services.passage_record_batch(actor=actor, items=people, source=Source.FIELD)
    for checkpoint in ctx.checkpoints[:3]:
        for _ in range(2):
            services.self_registration_submit(
                checkpoint=checkpoint,
                name=_name(rng),
                id_number=_resident_id(rng, rng.choice(HOME + HUBEI[:1])),
                phone=rng.choice(["138", "139", "150", "186"]) + f"{rng.randrange(10**8):08d}",
                origin_region=rng.choice(["", "", "420102"]),
                symptoms=[],
                consent=True,
            )
