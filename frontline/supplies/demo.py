"""Demo supplies: allocations, donations and purchases, daily issues to checkpoints, requests in every state."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from frontline.supplies import services as s
from frontline.supplies.models import Item, Movement, SupplyRequest

# (day of the campaign, kind, source, item, quantity, value in yuan, lot, expiry in days from the receipt)
RECEIPTS: list[tuple[int, str, str, str, int, int | None, str, int | None]] = [
    (0, "allocation", "青山区新冠肺炎疫情防控指挥部", "一次性医用外科口罩", 6000, None, "", None),
    (0, "allocation", "青山区新冠肺炎疫情防控指挥部", "一次性医用手套", 4000, None, "", None),
    (1, "donation", "包头市红十字会", "N95医用防护口罩", 600, 9000, "RC2001", 365),
    (1, "donation", "包头市红十字会", "医用防护服", 120, 12000, "", None),
    (2, "purchase", "包头市医药有限责任公司", "84消毒液", 200, 1600, "84-0120", 180),
    (2, "purchase", "包头市医药有限责任公司", "75%医用酒精", 120, 1800, "AL-1911", 25),
    (2, "purchase", "包头市医药有限责任公司", "护目镜", 80, 2400, "", None),
    (3, "purchase", "包头市医药有限责任公司", "红外线体温计", 30, 4500, "", None),
    (4, "donation", "青山区工商业联合会", "一次性医用外科口罩", 10000, 15000, "GS-0129", 730),
    (5, "donation", "青山区律师协会", "暖宝宝", 3000, 1500, "", None),
    (5, "donation", "爱心市民王女士", "夜班方便食品", 400, 2000, "", None),
    (6, "donation", "宏鉴公证处全体党员", "饮用水", 120, 3600, "", None),
    (9, "donation", "包头某钢铁企业工会", "一次性医用手套", 6000, 3000, "", None),
    (12, "purchase", "包头市医药有限责任公司", "84消毒液", 150, 1200, "84-0205", 180),
    (16, "allocation", "包头市卫生健康委员会", "N95医用防护口罩", 300, None, "", None),
]


def load(ctx: Any) -> None:
    """Build a month of supplies work on the demo campaign."""
    s.catalogue_seed()
    rng = ctx.rng
    office = ctx.users["office"]
    bureau = s.bureau_store()
    items = {i.name: i for i in Item.objects.all()}
    start, today = ctx.start, ctx.today

    def day(n: int) -> Any:
        return min(start + timedelta(days=n), today)

    for n, kind, source, name, quantity, value, lot, expires in RECEIPTS:
        s.stock_receive(
            actor=office,
            kind=kind,
            store=bureau,
            item=items[name],
            quantity=quantity,
            source=source,
            value=Decimal(value) if value else None,
            lot=lot,
            expiry_date=day(n) + timedelta(days=expires) if expires else None,
            occurred_on=day(n),
            document_no=f"RK{n + 1:03d}",
        )

    # Each checkpoint keeps a small store, topped up from the bureau's.
    cp_stores = {cp.pk: s.store_for_checkpoint(actor=office, checkpoint=cp) for cp in ctx.checkpoints}
    masks, gloves, n95 = items["一次性医用外科口罩"], items["一次性医用手套"], items["N95医用防护口罩"]
    first_duty = 5  # checkpoints open on day 6 of the campaign
    for n in range(first_duty, (today - start).days + 1):
        d = day(n)
        for i, cp in enumerate(ctx.checkpoints):
            # Three shifts of one or two people each: a mask and a pair of gloves per person per shift.
            people = 3 + rng.randint(0, 3)
            s.stock_issue(actor=office, store=bureau, item=masks, quantity=people * 2, checkpoint=cp, occurred_on=d)
            if (i + n) % 2 == 0:
                s.stock_issue(
                    actor=office, store=bureau, item=gloves, quantity=people * 2, checkpoint=cp, occurred_on=d
                )
            if i % 3 == 0 and n % 4 == 0:
                s.stock_issue(actor=office, store=bureau, item=n95, quantity=20, checkpoint=cp, occurred_on=d)
        if n % 7 == first_duty % 7:
            for cp in ctx.checkpoints[:7]:
                s.stock_transfer(
                    actor=office,
                    from_store=bureau,
                    to_store=cp_stores[cp.pk],
                    item=items["84消毒液"],
                    quantity=2,
                    occurred_on=d,
                )
                s.stock_transfer(
                    actor=office,
                    from_store=bureau,
                    to_store=cp_stores[cp.pk],
                    item=items["暖宝宝"],
                    quantity=40,
                    occurred_on=d,
                )

    # The last two days: the daily kit to staff of the batch on duty, so front-line issuance has names.
    on_duty = [st for b in ctx.batches if b.start_date <= today <= b.end_date for st in b.staff.all()]
    for back in (1, 0):
        d = today - timedelta(days=back)
        handed = on_duty[: len(on_duty) - 3 * (1 - back)]  # today a few are still missing their kit
        s.frontline_kit_issue(actor=office, store=bureau, staff=handed, kit=[(masks, 2), (gloves, 2)], occurred_on=d)

    # A stocktake found two broken bottles; a wrongly entered issue was corrected.
    s.stock_adjust(
        actor=office,
        store=bureau,
        item=items["84消毒液"],
        counted=_on_hand(bureau, items["84消毒液"], "84-0120") - 2,
        lot="84-0120",
        reason="盘点发现2瓶破损",
        occurred_on=day(20),
    )
    wrong = s.stock_issue(
        actor=office,
        store=bureau,
        item=items["医用防护服"],
        quantity=20,
        checkpoint=ctx.checkpoints[0],
        occurred_on=day(15),
    )
    s.stock_correct(actor=office, movement=wrong[0], reason="数量录错，应为2件")
    s.stock_issue(
        actor=office,
        store=bureau,
        item=items["医用防护服"],
        quantity=2,
        checkpoint=ctx.checkpoints[0],
        occurred_on=day(15),
    )

    # Requests from checkpoints, in every state.
    duty = ctx.users["duty"]
    liaison = ctx.users["liaison"]
    cps = ctx.checkpoints
    r1 = s.request_submit(
        actor=duty, checkpoint=cps[0], lines=[(masks, 60), (gloves, 60), (items["暖宝宝"], 30)], note="夜班人员增加"
    )
    r2 = s.request_submit(
        actor=liaison, community=ctx.communities[0], lines=[(items["84消毒液"], 10)], note="社区公共区域消杀"
    )
    r3 = s.request_submit(actor=duty, checkpoint=cps[1], lines=[(items["医用防护服"], 10), (items["护目镜"], 10)])
    s.request_approve(actor=office, request=r3, approved={ln.pk: ln.quantity_requested for ln in r3.lines.all()})
    r4 = s.request_submit(actor=duty, checkpoint=cps[2], lines=[(n95, 100), (items["夜班方便食品"], 40)])
    s.request_approve(
        actor=office,
        request=r4,
        approved={ln.pk: (40 if ln.item == n95 else ln.quantity_requested) for ln in r4.lines.all()},
        note="N95优先保障发热筛查岗，其余先发40只",
    )
    r5 = s.request_submit(actor=duty, checkpoint=cps[3], lines=[(items["红外线体温计"], 2), (items["饮用水"], 5)])
    s.request_approve(actor=office, request=r5, approved={ln.pk: ln.quantity_requested for ln in r5.lines.all()})
    s.request_issue(actor=office, request=r5, store=bureau)
    r6 = s.request_submit(actor=liaison, checkpoint=cps[7], lines=[(masks, 100), (gloves, 50)])
    r6 = s.request_approve(
        actor=office, request=r6, approved={ln.pk: 50 for ln in r6.lines.all()}, note="按当日在岗人数核定"
    )
    s.request_issue(actor=office, request=r6, store=bureau)
    r7 = s.request_submit(actor=duty, checkpoint=cps[4], lines=[(items["医用防护服"], 50)])
    s.request_reject(actor=office, request=r7, note="卡口执勤无需防护服，请申领口罩手套")
    r8 = s.request_submit(actor=duty, checkpoint=cps[5], lines=[(items["饮用水"], 3)])
    s.request_cancel(actor=duty, request=r8)
    assert {r1.status, r2.status} == {SupplyRequest.Status.SUBMITTED}
    s.stock_alerts_evaluate()
    assert Movement.objects.exists()


def _on_hand(store: Any, item: Item, lot: str) -> int:
    return store.levels.get(item=item, lot=lot).quantity
