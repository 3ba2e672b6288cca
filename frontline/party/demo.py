"""The demo's party work: the article's general branch, three temporary branches in four communities
(11 February, day 18), the 6600-yuan special dues (10 February, day 17), activists and the 26-year-old
volunteer's application, vanguard posts, and the 15 commendations."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from frontline.org.models import Staff, WorkingGroup
from frontline.party import services
from frontline.party.models import Application, Branch, Commendation, DuesCollection

ACTOR = "load_demo"
DUES_TOTAL = Decimal("6600")
PS = Staff.PartyStatus

ACTIVITIES = [
    "在小区东门登记出入人员、测量体温",
    "入户排查湖北武汉返包人员，登记在册",
    "张贴防疫海报，向居民讲解疫情防控相关法律风险",
    "协助社区劝返外来车辆，解释管控措施",
    "为居家隔离户代购生活物资，送药上门",
    "配合社区网格员核对居民信息",
    "在卡口夜间值守，测温登记",
    "向老年居民宣传不信谣、不传谣",
]


def _split(total: Decimal, n: int, rng: random.Random) -> list[Decimal]:
    """Split a total into n positive amounts of whole 50 yuan, as members gave."""
    amounts = [rng.choice([50, 100, 100, 100, 200]) for _ in range(n)]
    diff = int(total) - sum(amounts)
    step = 50 if diff > 0 else -50
    i = 0
    while diff:
        j = i % n
        if step > 0 or amounts[j] > 50:
            amounts[j] += step
            diff -= step
        i += 1
    return [Decimal(a) for a in amounts]


def _find_volunteer26(ctx: Any) -> Staff:
    """The 26-year-old notary-office clerk who stood 6-hour shifts for 56 days (the org demo's 87th person)."""
    notary = ctx.units["notary"]
    candidates = [
        s
        for s in ctx.staff
        if s.party_status == PS.ACTIVIST and s.age_on(ctx.today) == 26 and s.unit_id == notary.pk and s.sex == "F"
    ]
    if len(ctx.staff) > 86 and ctx.staff[86] in candidates:
        return ctx.staff[86]
    return candidates[0]


def load(ctx: Any) -> None:
    """Build the party organisation and honours of the demo campaign."""
    rng = random.Random(8)
    start: date = ctx.start
    today: date = ctx.today
    day = lambda n: start + timedelta(days=n - 1)  # noqa: E731 - day 1 is the campaign's first day
    bureau, notary = ctx.units["bureau"], ctx.units["notary"]
    leadership = ctx.groups[WorkingGroup.Kind.LEADERSHIP]
    leaders = list(leadership.members.order_by("id"))
    director = leadership.leader
    office_head = ctx.groups[WorkingGroup.Kind.OFFICE].leader
    veterans = ctx.teams["veterans"]
    youth = ctx.teams["youth"]
    women = ctx.teams["women"]
    veteran57 = veterans.leader
    volunteer26 = _find_volunteer26(ctx)

    members = [s for s in ctx.staff if s.party_status in (PS.MEMBER, PS.PROBATIONARY)]
    bureau_members = [s for s in members if s.unit_id == bureau.pk]
    notary_members = [s for s in members if s.unit_id == notary.pk]

    # --- the organisation: the general branch and its two standing branches ---------------------
    founded = start - timedelta(days=6 * 365)
    general = services.branch_save(
        actor=ACTOR,
        name="中共青山区司法局总支部委员会",
        kind=Branch.Kind.GENERAL,
        established_on=founded,
        unit=bureau,
        secretary=director,
        note="党总支。疫情防控期间统一领导各党支部和临时党支部，是防控一线的“两个堡垒”之一。",
    )
    bureau_branch = services.branch_save(
        actor=ACTOR,
        name="区司法局机关党支部",
        kind=Branch.Kind.BRANCH,
        established_on=founded,
        parent=general,
        unit=bureau,
        secretary=leaders[3],
    )
    notary_branch = services.branch_save(
        actor=ACTOR,
        name="宏鉴公证处党支部",
        kind=Branch.Kind.BRANCH,
        established_on=founded,
        parent=general,
        unit=notary,
        secretary=leaders[4] if leaders[4].unit_id == notary.pk else notary_members[0],
    )
    for branch, people in ((bureau_branch, bureau_members), (notary_branch, notary_members)):
        current = set(branch.memberships.values_list("staff_id", flat=True))
        services.branch_members_add(
            actor=ACTOR, branch=branch, staff=[p for p in people if p.pk not in current], joined_on=founded
        )

    # --- three temporary branches, 11 February (day 18), in the four communities where staff were stationed
    c = ctx.communities
    established = day(18)
    stationed = [s for s in members if s not in leaders]
    rng.shuffle(stationed)
    temp_specs = [
        ("区司法局驻富强幸福社区临时党支部", bureau, [c[0], c[1]], leaders[2], stationed[0:11]),
        ("区司法局驻光明社区临时党支部", bureau, [c[2]], leaders[3], stationed[11:19]),
        ("宏鉴公证处驻和平社区临时党支部", notary, [c[3]], leaders[4], stationed[19:27]),
    ]
    temporaries = []
    for name, unit, communities, secretary, people in temp_specs:
        branch = services.branch_save(
            actor=ACTOR,
            name=name,
            kind=Branch.Kind.TEMPORARY,
            established_on=established,
            parent=general,
            unit=unit,
            campaign=ctx.campaign,
            secretary=secretary,
            communities=communities,
            note="把支部建在防控一线：党员下沉社区、轮班值守。",
        )
        services.branch_members_add(actor=ACTOR, branch=branch, staff=people, joined_on=established)
        temporaries.append((branch, communities, [secretary, *people]))

    # --- party members and activists report to the communities ---------------------------------
    activists = [s for s in ctx.staff if s.party_status == PS.ACTIVIST]
    last_day = min(today, day(60))
    for branch, communities, people in temporaries:
        reporters = people + [a for a in activists if a.pk % 3 == temporaries.index((branch, communities, people))][:3]
        visits: dict[tuple[int, date], list[Staff]] = defaultdict(list)
        for person in reporters:
            community = rng.choice(communities)
            days = {established}
            for _ in range(rng.randint(1, 3)):
                days.add(established + timedelta(days=rng.randint(1, max((last_day - established).days, 1))))
            for d in days:
                if d <= last_day:
                    visits[(community.pk, d)].append(person)
        by_pk = {x.pk: x for x in communities}
        for (community_pk, d), people_there in sorted(visits.items(), key=lambda kv: kv[0][1]):
            services.report_record(
                actor=ACTOR,
                staff=people_there,
                community=by_pk[community_pk],
                branch=branch,
                reported_on=d,
                activity=rng.choice(ACTIVITIES),
            )

    # --- special party dues: 6600 yuan on 10 February (day 17); the total is the sum of the entries
    collection = services.collection_save(
        actor=ACTOR,
        title="抗击新冠肺炎疫情特殊党费",
        kind=DuesCollection.Kind.SPECIAL_DUES,
        purpose="支持新冠肺炎疫情防控工作",
        collected_on=day(17),
        branch=general,
        campaign=ctx.campaign,
        note="全体党员自愿缴纳，由党总支统一上缴。",
    )
    givers_leaders = [p for p in leaders if p.party_status in (PS.MEMBER, PS.PROBATIONARY)]
    leader_amounts = [Decimal("500")] + [Decimal("300")] * (len(givers_leaders) - 1)
    others = [s for s in members if s not in givers_leaders][: int((DUES_TOTAL - sum(leader_amounts)) // 50)]
    amounts = leader_amounts + _split(DUES_TOTAL - sum(leader_amounts), len(others), rng)
    for person, amount in zip(givers_leaders + others, amounts, strict=True):
        services.dues_entry_add(actor=ACTOR, collection=collection, staff=person, amount=amount, paid_on=day(17))

    # --- membership applications: the 26-year-old volunteer's, and others at each stage ----------
    app = services.application_submit(
        actor=ACTOR,
        applicant=volunteer26,
        branch=notary_branch,
        submitted_on=min(day(26), today),
        reason="疫情期间在社区卡口坚守，每天执勤6小时，亲眼看到党员冲在最前面，申请加入中国共产党。",
    )
    services.application_move(
        actor=ACTOR,
        application=app,
        status=Application.Status.ACTIVIST,
        on=min(day(29), today),
        note="支部委员会研究确定",
    )
    other_activists = [a for a in activists if a.pk != volunteer26.pk]
    for person in other_activists[:3]:
        branch = notary_branch if person.unit_id == notary.pk else bureau_branch
        since = person.party_since or (start - timedelta(days=120))
        app = services.application_submit(
            actor=ACTOR,
            applicant=person,
            branch=branch,
            submitted_on=since - timedelta(days=60),
            reason="向党组织靠拢。",
        )
        services.application_move(actor=ACTOR, application=app, status=Application.Status.ACTIVIST, on=since)
    if other_activists:
        person = other_activists[0]
        app = person.party_applications.get(status=Application.Status.ACTIVIST)
        services.application_move(
            actor=ACTOR,
            application=app,
            status=Application.Status.CANDIDATE,
            on=min(day(24), today),
            note="防控一线表现突出，列为发展对象",
        )
    probationary = [s for s in ctx.staff if s.party_status == PS.PROBATIONARY]
    if probationary and (probationary[0].party_since or today) <= day(20) <= today:
        # Confirmed as a full member on the front line during the campaign.
        services.party_status_change(
            actor=ACTOR, staff=probationary[0], status=PS.MEMBER, on=day(20), note="预备期满，按期转正"
        )

    # --- vanguard posts: checkpoints and teams led by party members -------------------------------
    for branch, communities, people in temporaries:
        for community in communities:
            checkpoint = next(cp for cp in ctx.checkpoints if cp.community_id == community.pk)
            services.vanguard_designate(
                actor=ACTOR,
                name=f"{checkpoint.name}党员先锋岗",
                checkpoint=checkpoint,
                leader=people[0],
                branch=branch,
                designated_on=established,
            )
    for team in (youth, veterans):
        team_members = [m for m in team.members.order_by("id") if m.party_status in (PS.MEMBER, PS.PROBATIONARY)]
        if team_members:
            services.vanguard_designate(
                actor=ACTOR,
                name=f"{team.name}党员先锋岗",
                team=team,
                leader=team_members[0],
                branch=general,
                designated_on=day(8),
            )

    # --- the 15 commendations: collectives (units, the women's volunteer team, …) and individuals ---
    L = Commendation.Level
    when = lambda n: min(day(n), today)  # noqa: E731
    youth_leader = youth.leader
    collective: list[tuple[str, str, str, dict[str, Any], int, str]] = [
        (
            "新冠肺炎疫情防控工作先进集体",
            "中共包头市青山区委员会、青山区人民政府",
            L.DISTRICT,
            {"recipient_unit": bureau},
            28,
            "闻令而动，组建一办五组，3个批次下沉社区。",
        ),
        (
            "全区司法行政系统疫情防控先进集体",
            "内蒙古自治区司法厅",
            L.REGIONAL,
            {"recipient_unit": bureau},
            29,
            "“1234”工作法筑牢社区防线。",
        ),
        (
            "全市公证行业疫情防控先进集体",
            "包头市司法局",
            L.CITY,
            {"recipient_unit": notary},
            27,
            "公证处干部职工全员参与社区防控。",
        ),
        (
            "包头市三八红旗集体",
            "包头市妇女联合会",
            L.CITY,
            {"recipient_team": women},
            26,
            "60余名女干部在6个社区18个执勤点坚守。",
        ),
        (
            "青山区巾帼志愿服务先进集体",
            "青山区妇女联合会",
            L.DISTRICT,
            {"recipient_team": women},
            22,
            "登记、测温、排查返包人员、劝返车辆。",
        ),
        (
            "抗击疫情青年突击队",
            "共青团包头市委员会",
            L.CITY,
            {"recipient_team": youth},
            25,
            "作为第一批次奔赴社区一线。",
        ),
        (
            "退役军人抗疫先进集体",
            "青山区退役军人事务局",
            L.DISTRICT,
            {"recipient_team": veterans},
            24,
            "11名退役军人第一时间主动请战。",
        ),
    ]
    individuals: list[tuple[str, str, str, Staff, int, str]] = [
        (
            "疫情防控优秀共产党员",
            "中共包头市青山区委员会",
            L.DISTRICT,
            director,
            28,
            "每天督导检查20余个防控点，带班坐镇值班。",
        ),
        ("最美退役军人", "青山区退役军人事务局", L.DISTRICT, veteran57, 27, "57岁老兵，连续20余天每天站岗4小时以上。"),
        ("疫情防控先进个人", "青山区司法局", L.UNIT, office_head, 26, "一人兼顾办公室和保障组工作。"),
        ("优秀青年志愿者", "共青团青山区委员会", L.DISTRICT, volunteer26, 29, "每班6小时，坚守一线，递交入党申请书。"),
        ("新时代青年先锋", "共青团包头市委员会", L.CITY, youth_leader, 25, "带领青年突击队首批下沉社区。"),
        ("巾帼建功标兵", "包头市妇女联合会", L.CITY, women.leader, 26, "组织巾帼志愿服务队轮班值守。"),
        (
            "疫情防控先进个人",
            "中共包头市青山区委员会、青山区人民政府",
            L.DISTRICT,
            leaders[2],
            28,
            "带领临时党支部党员到社区报到。",
        ),
        ("优秀党务工作者", "中共青山区司法局总支部委员会", L.UNIT, leaders[3], 23, "组织党员缴纳特殊党费6600元。"),
    ]
    for title, body, level, recipient, n, citation in collective:
        services.commendation_save(
            actor=ACTOR,
            title=title,
            awarding_body=body,
            awarded_on=when(n),
            level=level,
            citation=citation,
            campaign=ctx.campaign,
            **recipient,
        )
    for title, body, level, person, n, citation in individuals:
        services.commendation_save(
            actor=ACTOR,
            title=title,
            awarding_body=body,
            awarded_on=when(n),
            level=level,
            recipient_staff=person,
            citation=citation,
            campaign=ctx.campaign,
        )
