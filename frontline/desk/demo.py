"""Demo data of the service desk: hotline numbers, tips in every state, legal aid, publicity, duty lawyers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from frontline.desk import services
from frontline.desk.models import Channel, LegalAidMessage, LegalAidRequest, Tip

ACTOR = "demo"

QUESTIONS = [
    ("labour", "公司因疫情停工，二月份工资只发了一半，这样合法吗？我应该怎么维权？"),
    ("lease", "我租的商铺因为疫情一直不能营业，房东要求照常交租金，能否要求减免？"),
    ("contract", "我们签了婚宴合同，疫情期间酒店不退定金，可以按不可抗力解除合同吗？"),
    ("offence", "听说有人在小区门口不配合测温被处罚了，拒绝配合防疫检查会承担什么法律责任？"),
    ("family", "前夫以疫情为由不让我探视孩子，已经两个月了，我该怎么办？"),
    ("labour", "员工在家隔离期间，单位能不能安排他休年假或者解除劳动合同？"),
    ("other", "在网上转发了未经核实的疫情消息，会不会违法？"),
    ("contract", "网购口罩商家迟迟不发货也不退款，可以怎么投诉或起诉？"),
]
REPLIES = [
    "您好。根据人社部门通知，企业停工停产在一个工资支付周期内的，应按劳动合同规定标准支付工资；超过一个周期的，可按不低于当地最低工资标准支付生活费。建议先与单位协商，协商不成可向劳动监察大队投诉或申请劳动仲裁。",
    "您好。疫情属于不可抗力，但是否免除租金要看对合同履行的影响程度。可与房东协商减免或延期；协商不成可依据公平原则请求调整。建议保留停业通知等证据。",
    "您好。因疫情防控措施导致合同不能履行的，可主张不可抗力部分或全部免责。请尽快书面通知对方并保留证据。",
    "您好。拒不执行防控措施，情节严重的可能构成妨害传染病防治罪；一般情况下由公安机关依照治安管理处罚法处罚。请积极配合社区防疫工作。",
]
TIPS = [
    ("returnee", "某小区3号楼有人昨天从武汉回来，没有到社区登记。", "张某", "湖北省武汉市"),
    ("gathering", "小区广场上每天下午有十几个人聚集打牌，不戴口罩。", "", ""),
    ("rumour", "微信群里有人说自来水里加了消毒药不能喝，很多老人在囤水。", "", ""),
    ("goods", "路口药店口罩卖到每只15元，而且是三无产品。", "", ""),
    ("isolation_breach", "居家隔离的邻居每天晚上出门遛狗。", "李某", ""),
    ("returnee", "对面单元有一家三口从外地回来，不知道有没有隔离。", "王某", "浙江省温州市"),
    ("other", "小区垃圾站几天没有消毒了。", "", ""),
]


def _at(ctx: Any, day_offset: int, hour: int) -> datetime:
    day = ctx.start + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def load(ctx: Any) -> None:
    """Build the desk's demo records on top of the organisation's demo campaign."""
    rng, campaign = ctx.rng, ctx.campaign
    office = ctx.users["office"]
    lawyer, lawyer2 = ctx.users["lawyer"], ctx.users["lawyer2"]
    services.desk_settings_save(
        actor=ACTOR,
        campaign=campaign,
        tip_response_hours=24,
        legalaid_first_reply_hours=24,
        public_submissions_per_hour=10,
    )
    for order, (label, number, hours) in enumerate(
        [
            ("疫情防控举报电话", "0472-3311110", "24小时"),
            ("公共法律服务热线", "12348", "08:00–20:00"),
            ("区司法局值班室", "0472-3312345", "24小时"),
        ]
    ):
        services.hotline_number_save(
            actor=ACTOR, campaign=campaign, label=label, number=number, hours=hours, order=order
        )

    # The duty-lawyer schedule: the two demo lawyers alternate, from day 3 to the end of the campaign.
    for offset in range(2, 60):
        services.duty_lawyer_add(
            actor=ACTOR,
            campaign=campaign,
            lawyer=lawyer if offset % 2 else lawyer2,
            first_day=ctx.start + timedelta(days=offset),
        )
    # A day with both, to show the schedule can hold several.
    services.duty_lawyer_add(actor=ACTOR, campaign=campaign, lawyer=lawyer2, first_day=ctx.today + timedelta(days=1))

    communities = ctx.communities
    kinds = ["poster", "van", "wechat", "rumour"]
    titles = {
        "poster": "疫情防控法律知识海报",
        "van": "防疫宣传车巡回广播",
        "wechat": "疫情期间这些行为可能构成犯罪",
        "rumour": "辟谣：喝高度白酒可以预防新冠病毒",
    }
    for i in range(28):
        kind = kinds[i % 4]
        community = communities[i % len(communities)] if kind != "wechat" else None
        day = ctx.start + timedelta(days=min(i + 2, 29))
        services.publicity_save(
            actor=office,
            campaign=campaign,
            kind=kind,
            happened_on=day,
            title=f"{titles[kind]}（{i // 4 + 1}）",
            community=community,
            place=f"{community.name}各单元门口及公告栏" if community else "",
            quantity=rng.randint(20, 120) if kind == "poster" else None,
            route=f"{community.subdistrict}—{community.name}—钢铁大街—青年路" if kind == "van" and community else "",
            start_time=time(9, 0) if kind == "van" else None,
            end_time=time(11, 30) if kind == "van" else None,
            link=f"https://mp.weixin.qq.com/s/demo-{i}" if kind == "wechat" else "",
            published_at=timezone.make_aware(datetime.combine(day, time(18, 0))) if kind == "wechat" else None,
            reads=rng.randint(800, 12000) if kind == "wechat" else None,
            rumour="喝高度白酒、熏醋可以预防新冠病毒感染。" if kind == "rumour" else "",
            facts="饮酒和熏醋都不能杀灭体内病毒，请科学防护：戴口罩、勤洗手、少聚集。" if kind == "rumour" else "",
            answered_where=f"{community.name}居民微信群、公告栏" if kind == "rumour" and community else "",
        )

    # Tips in every state of the workflow.
    staff_users = [office, ctx.users["grouplead"], ctx.users["liaison"]]
    statuses = list(Tip.Status.values)
    for i in range(18):
        category, text, subject, came_from = TIPS[i % len(TIPS)]
        # Past tips were dealt with; the last six arrived in the past day and a half, in every state.
        received = _at(ctx, 5 + i, 8 + i % 10) if i < 12 else timezone.now() - timedelta(hours=(17 - i) * 6 + 1)
        tip, _secret = services.tip_submit(
            actor="public" if i % 3 else office,
            campaign=campaign,
            category=category,
            description=text,
            channel=Channel.WEB if i % 3 else Channel.PHONE,
            community=communities[i % len(communities)],
            location=f"{communities[i % len(communities)].name}{i % 9 + 1}号楼",
            anonymous=i % 4 == 0,
            reporter_name="" if i % 4 == 0 else "热心居民",
            reporter_phone="" if i % 4 == 0 else f"139{rng.randint(10000000, 99999999)}",
            subject_name=subject,
            came_from=came_from,
            received_at=received,
        )
        target = ("closed" if i % 3 else "answered") if i < 12 else statuses[(17 - i) % (len(statuses) - 1)]
        steps = statuses[1 : statuses.index(target) + 1]
        for step in steps:
            services.tip_transition(
                actor=office,
                tip=tip,
                to=step,
                assignee=staff_users[i % len(staff_users)],
                verified_true=i % 5 != 0,
                handling="社区网格员上门核实，已登记并落实居家隔离措施。",
                answer="感谢您的举报，经核实已依法处理。",
            )

    # Legal-aid requests: replied, rated, followed up, one waiting, one overdue.
    for i in range(14):
        topic, question = QUESTIONS[i % len(QUESTIONS)]
        submitted = _at(ctx, 6 + i * 2, 9 + i % 8) if i < 12 else timezone.now() - timedelta(hours=2 + 28 * (i - 12))
        request = services.legalaid_submit(
            actor="public" if i % 2 else office,
            campaign=campaign,
            topic=topic,
            description=question,
            requester_name=["刘女士", "陈先生", "赵女士", "孙先生", "周女士"][i % 5],
            requester_phone=f"138{rng.randint(10000000, 99999999)}",
            channel=Channel.WEB if i % 2 else rng.choice([Channel.PHONE, Channel.WALK_IN]),
            community=communities[i % len(communities)],
            submitted_at=submitted,
        )
        if i >= 12 or request.lawyer is None:
            continue  # still waiting for the lawyer's first reply (one of them overdue)
        services.legalaid_reply(actor=request.lawyer, request=request, body=REPLIES[i % len(REPLIES)])
        # Demo history: the reply went out some hours after the request, not at load time.
        replied = submitted + timedelta(hours=rng.choice([2, 5, 9, 20, 30]))
        LegalAidRequest.objects.filter(pk=request.pk).update(first_replied_at=replied)
        LegalAidMessage.objects.filter(request=request).update(created_at=replied)
        request.refresh_from_db()
        if i % 3 == 0:
            services.legalaid_follow_up(request=request, body="谢谢律师。如果单位不同意协商，仲裁需要准备哪些材料？")
            services.legalaid_reply(
                actor=request.lawyer,
                request=request,
                body="需要劳动合同、工资条或银行流水、考勤记录以及单位停工通知等材料。",
            )
        if i % 4 != 3:
            services.legalaid_rate(
                request=request, rating=rng.choice([4, 5, 5, 5, 3]), comment="律师解答很耐心。" if i % 2 else ""
            )
    services.desk_overdue_check()
