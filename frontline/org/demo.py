"""The demo campaign: the article's bureau and notary office, groups, staff, communities, checkpoints."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from frontline.core.access import Role
from frontline.org.models import Batch, Campaign, Checkpoint, Community, Staff, Team, Unit, User, WorkingGroup
from frontline.org.services import (
    batch_save,
    campaign_save,
    campaign_set_status,
    checkpoint_save,
    community_save,
    group_save,
    staff_save,
    team_save,
    unit_save,
    user_save,
)

DEMO_PASSWORD = "demo1234"
ACTOR = "load_demo"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_M = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
GIVEN_F = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"

COMMUNITIES = [
    ("富强社区", "富强路街道"),
    ("幸福社区", "幸福路街道"),
    ("光明社区", "先锋道街道"),
    ("和平社区", "自由路街道"),
    ("青松社区", "青山路街道"),
    ("友谊社区", "万青路街道"),
    ("钢铁社区", "钢铁路街道"),
]


@dataclass
class DemoContext:
    """What the org demo built, for the other apps' demo loaders."""

    campaign: Campaign
    start: date
    today: date
    rng: random.Random
    units: dict[str, Unit] = field(default_factory=dict)
    staff: list[Staff] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    teams: dict[str, Team] = field(default_factory=dict)
    groups: dict[str, WorkingGroup] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, password)


def _name(rng: random.Random, sex: str, used: set[str]) -> str:
    pool = GIVEN_M if sex == "M" else GIVEN_F
    while True:
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def _phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "151", "186", "187", "135", "159"]) + f"{rng.randrange(10**8):08d}"


def _birth(rng: random.Random, today: date, age: int) -> date:
    return today - timedelta(days=age * 365 + rng.randrange(0, 360))


def load(*, today: date | None = None, seed: int = 2020) -> DemoContext:
    """Build the organisation of the demo campaign; return what the other apps build on."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    # The article's campaign ran 25 January – 24 March 2020 (60 days); the demo runs the same
    # length with today on its 30th day, so every page has both history and a live today.
    start = today - timedelta(days=29)
    campaign = campaign_save(
        actor=ACTOR,
        name="青山区司法局新冠肺炎疫情防控（演示）",
        start_date=start,
        end_date=start + timedelta(days=59),
        fever_threshold=Decimal("37.3"),
        high_risk_regions=["420000", "420100"],
        isolation_days=14,
        description="“1234”工作法：一套体系、两个堡垒、三道防线、四项举措。演示数据，人名均为虚构。",
    )
    campaign_set_status(actor=ACTOR, campaign=campaign, status=Campaign.Status.ACTIVE)
    ctx = DemoContext(campaign=campaign, start=start, today=today, rng=rng)
    ctx.units["bureau"] = unit_save(actor=ACTOR, name="青山区司法局", short_name="区司法局", order=1)
    ctx.units["notary"] = unit_save(actor=ACTOR, name="青山区宏鉴公证处", short_name="宏鉴公证处", order=2)

    for i, (name, subdistrict) in enumerate(COMMUNITIES, start=1):
        ctx.communities.append(
            community_save(
                actor=ACTOR,
                name=name,
                subdistrict=subdistrict,
                address=f"内蒙古自治区包头市青山区{subdistrict}{name}居委会",
                region_code="150204",
                liaison_name=_name(rng, "F", set()),
                liaison_phone=_phone(rng),
                office_phone=f"0472-33{i:02d}{rng.randrange(1000, 9999)}",
            )
        )

    used: set[str] = set()
    specs: list[dict[str, Any]] = []
    # Leadership group: the party secretary and director (组长), deputies, party group members.
    leaders = [
        ("M", 52, "党组书记、局长", "member", 0),
        ("F", 48, "党组成员、副局长", "member", 0),
        ("M", 50, "党组成员、副局长", "member", 3),
        ("M", 46, "党组成员、政治处主任", "member", 0),
        ("F", 45, "党组成员、公证处主任", "member", 0),
    ]
    for sex, age, position, party, mil in leaders:
        specs.append(
            {
                "sex": sex,
                "age": age,
                "position": position,
                "party": party,
                "mil": mil,
                "unit": "bureau" if "公证" not in position else "notary",
                "tag": "leader",
            }
        )
    # 11 veterans, one of them 57 (stood 4+ hours a day for 20+ days).
    specs.append(
        {
            "sex": "M",
            "age": 57,
            "position": "司法所所长",
            "party": "member",
            "mil": 6,
            "unit": "bureau",
            "tag": "veteran57",
        }
    )
    for _ in range(10):
        specs.append(
            {
                "sex": "M",
                "age": rng.randint(38, 55),
                "position": rng.choice(["司法所干部", "科员", "人民调解员"]),
                "party": rng.choice(["member", "member", "none"]),
                "mil": rng.randint(2, 12),
                "unit": "bureau",
                "tag": "veteran",
            }
        )
    # 8-member youth commando team: the first batch.
    for _ in range(8):
        specs.append(
            {
                "sex": rng.choice("MMMMF"),
                "age": rng.randint(23, 32),
                "position": rng.choice(["科员", "公证员助理", "司法助理员"]),
                "party": rng.choice(["member", "activist", "none"]),
                "mil": 0,
                "unit": rng.choice(["bureau", "bureau", "notary"]),
                "tag": "youth",
            }
        )
    # 62 women of the bureau and the notary office: the women's volunteer team.
    for _ in range(62):
        specs.append(
            {
                "sex": "F",
                "age": rng.randint(24, 54),
                "position": rng.choice(["科员", "公证员", "司法助理员", "人民调解员", "办事员", "公证员助理"]),
                "party": rng.choice(["member", "member", "none", "activist"]),
                "mil": 0,
                "unit": rng.choice(["bureau", "bureau", "notary"]),
                "tag": "women",
            }
        )
    # The 26-year-old who stood 6-hour shifts for 56 days and applied to join the party.
    specs.append(
        {
            "sex": "F",
            "age": 26,
            "position": "办事员",
            "party": "activist",
            "mil": 0,
            "unit": "notary",
            "tag": "volunteer26",
        }
    )
    # The rest of the men.
    while len(specs) < 120:
        specs.append(
            {
                "sex": "M",
                "age": rng.randint(25, 58),
                "position": rng.choice(["科员", "公证员", "司法所干部", "办事员"]),
                "party": rng.choice(["member", "none", "activist", "probationary"]),
                "mil": 0,
                "unit": rng.choice(["bureau", "bureau", "notary"]),
                "tag": "other",
            }
        )

    for spec in specs:
        spec["staff"] = staff_save(
            actor=ACTOR,
            name=_name(rng, spec["sex"], used),
            sex=spec["sex"],
            unit=ctx.units[spec["unit"]],
            birth_date=_birth(rng, today, spec["age"]),
            phone=_phone(rng),
            position=spec["position"],
            party_status=spec["party"],
            party_since=_birth(rng, today, max(spec["age"] - 25, 1)) if spec["party"] != "none" else None,
            military_years=spec["mil"],
            is_team_leader=spec["tag"] == "leader" or rng.random() < 0.08,
            home_community=rng.choice(ctx.communities),
            emergency_contact=_name(rng, rng.choice("MF"), set()),
            emergency_phone=_phone(rng),
        )
    ctx.staff = [s["staff"] for s in specs]
    by_tag: dict[str, list[Staff]] = {}
    for spec in specs:
        by_tag.setdefault(spec["tag"], []).append(spec["staff"])

    ctx.teams["women"] = team_save(
        actor=ACTOR,
        name="巾帼志愿服务队",
        kind=Team.Kind.WOMEN,
        leader=by_tag["women"][0],
        formed_on=start + timedelta(days=6),
        description="区司法局、宏鉴公证处60余名女干部职工组成，在6个社区18个执勤点登记、测温、排查返包人员、劝返车辆。",
        members=by_tag["women"] + by_tag["leader"][1:2] + by_tag["volunteer26"],
    )
    ctx.teams["youth"] = team_save(
        actor=ACTOR,
        name="青年突击队",
        kind=Team.Kind.YOUTH,
        leader=by_tag["youth"][0],
        formed_on=start + timedelta(days=4),
        description="8名青年干部组成，第一批次奔赴社区一线。",
        members=by_tag["youth"],
    )
    ctx.teams["veterans"] = team_save(
        actor=ACTOR,
        name="老兵先锋队",
        kind=Team.Kind.VETERANS,
        leader=by_tag["veteran57"][0],
        formed_on=start,
        description="11名退役军人第一时间主动请战。",
        members=by_tag["veteran57"] + by_tag["veteran"],
    )

    director, deputy = by_tag["leader"][0], by_tag["leader"][1]
    office_head = by_tag["other"][0]
    group_specs = [
        (
            WorkingGroup.Kind.LEADERSHIP,
            "疫情防控领导小组",
            director,
            by_tag["leader"],
            "统一指挥，党组成员轮流带班坐镇值班。",
        ),
        (WorkingGroup.Kind.OFFICE, "办公室", office_head, by_tag["other"][1:5], "综合协调、信息报送、24小时值班值守。"),
        (
            WorkingGroup.Kind.PUBLICITY,
            "宣传组",
            deputy,
            by_tag["women"][1:6],
            "海报、宣传车、微信公众号，普及疫情相关刑事法律风险，辟谣。",
        ),
        (
            WorkingGroup.Kind.LOGISTICS,
            "保障组",
            office_head,
            by_tag["other"][5:9],
            "筹措、发放口罩、手套、防护服、84消毒液等物资。",
        ),
        (
            WorkingGroup.Kind.SCREENING,
            "排查组",
            by_tag["leader"][2],
            by_tag["veteran"][:5],
            "排查社区矫正人员、刑满释放人员、湖北武汉返回人员及接触者。",
        ),
        (
            WorkingGroup.Kind.PREVENTION,
            "防控组",
            by_tag["leader"][3],
            by_tag["veteran"][5:] + by_tag["youth"][:2],
            "增援社区，21个疫情防控点轮流执勤。",
        ),
        (
            WorkingGroup.Kind.EMERGENCY,
            "应急组",
            by_tag["leader"][4],
            by_tag["youth"][2:6],
            "突发情况处置、发热人员移交。",
        ),
    ]
    for kind, name, leader, members, duties in group_specs:
        ctx.groups[kind] = group_save(
            actor=ACTOR, campaign=campaign, kind=kind, name=name, duties=duties, leader=leader, members=members
        )

    kinds = [Checkpoint.Kind.GATE, Checkpoint.Kind.GATE, Checkpoint.Kind.ROAD]
    for n in range(21):
        home = ctx.communities[n % len(ctx.communities)]
        ctx.checkpoints.append(
            checkpoint_save(
                actor=ACTOR,
                code=f"QS{n + 1:02d}",
                name=f"{home.name}{['东门', '西门', '北路口'][n // len(ctx.communities)]}卡口",
                community=home,
                address=f"{home.address}{['东门', '西门', '北路口'][n // len(ctx.communities)]}",
                kind=kinds[n // len(ctx.communities)],
                opened_on=start + timedelta(days=5),
                shift_pattern=["07:00-13:00", "13:00-19:00", "19:00-07:00"],
                staff_min=1,
                staff_max=2,
            )
        )

    # Three batches from 30 January (day 6): youth commando team first.
    pool = [s for s in ctx.staff if s not in by_tag["leader"]]
    first = by_tag["youth"] + [s for s in pool if s not in by_tag["youth"]][:37]
    rest = [s for s in pool if s not in first]
    second, third = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    windows = [(5, 24), (25, 42), (43, 59)]
    for number, (members, (a, b)) in enumerate(zip([first, second, third], windows, strict=True), start=1):
        ctx.batches.append(
            batch_save(
                actor=ACTOR,
                campaign=campaign,
                number=number,
                start_date=start + timedelta(days=a),
                end_date=start + timedelta(days=b),
                staff=members + by_tag["veteran57"] * (number == 2),
                note="青年突击队为第一批次" if number == 1 else "",
            )
        )

    # The duty log-in stands in the batch serving today, so that it has duties to see and
    # clock in for (the youth team of the first batch has gone home by day 29).
    serving = next((b for b in ctx.batches if b.start_date <= today <= b.end_date), ctx.batches[-1])
    on_duty = [s for s in serving.staff.all().order_by("pk") if s not in by_tag["leader"]]
    duty_staff = on_duty[1] if len(on_duty) > 1 else by_tag["youth"][1]
    login_specs: list[tuple[str, str, Staff | None, Community | None]] = [
        (Role.LEADER, "leader", director, None),
        (Role.OFFICE, "office", office_head, None),
        (Role.GROUP_LEAD, "grouplead", by_tag["leader"][2], None),
        (Role.DUTY, "duty", duty_staff, None),
        (Role.LIAISON, "liaison", None, ctx.communities[0]),
        (Role.LAWYER, "lawyer", None, None),
        (Role.VIEWER, "viewer", None, None),
    ]
    for role, username, staff, community in login_specs:
        user = user_save(
            actor=ACTOR, username=username, role=role, community=community, password=DEMO_PASSWORD, staff=staff
        )
        ctx.users[username] = user
        ctx.logins.append((str(Role(role).label), username, DEMO_PASSWORD))
    lawyer2 = user_save(actor=ACTOR, username="lawyer2", role=Role.LAWYER, password=DEMO_PASSWORD)
    ctx.users["lawyer2"] = lawyer2
    ctx.logins.append((str(Role.LAWYER.label) + " 2", "lawyer2", DEMO_PASSWORD))
    liaison2 = user_save(
        actor=ACTOR, username="liaison2", role=Role.LIAISON, community=ctx.communities[1], password=DEMO_PASSWORD
    )
    ctx.users["liaison2"] = liaison2
    ctx.logins.append((str(Role.LIAISON.label) + " 2", "liaison2", DEMO_PASSWORD))
    for u, full in (
        (ctx.users["lawyer"], "赵律师"),
        (lawyer2, "钱律师"),
        (ctx.users["liaison"], ctx.communities[0].liaison_name),
        (liaison2, ctx.communities[1].liaison_name),
    ):
        u.first_name = full
        u.save(update_fields=["first_name"])
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", DEMO_PASSWORD, role=Role.OFFICE)
    ctx.logins.append(("superuser (admin)", "admin", DEMO_PASSWORD))
    return ctx
