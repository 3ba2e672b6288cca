"""Desk fixtures: a duty schedule, hotline numbers, and helpers to make requests and tips."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

PHONE = "13912345678"


@dataclass
class Desk:
    org: Any

    def request(self, **kwargs: Any) -> Any:
        from frontline.desk import services

        data = {
            "actor": "public",
            "campaign": self.org.campaign,
            "topic": "labour",
            "description": "公司停工期间只发一半工资，合法吗？",
            "requester_name": "刘女士",
            "requester_phone": PHONE,
        }
        data.update(kwargs)
        return services.legalaid_submit(**data)

    def tip(self, **kwargs: Any) -> tuple[Any, str]:
        from frontline.desk import services

        data = {
            "actor": "public",
            "campaign": self.org.campaign,
            "category": "returnee",
            "description": "3号楼有人从武汉回来没有登记。",
            "community": self.org.community_a,
            "subject_name": "张三",
            "reporter_phone": PHONE,
        }
        data.update(kwargs)
        return services.tip_submit(**data)


@pytest.fixture
def desk(org: Any) -> Desk:
    """The organisation with org.lawyer on duty today and two published hotline numbers."""
    from frontline.desk import services

    services.duty_lawyer_add(actor="test", campaign=org.campaign, lawyer=org.lawyer, first_day=timezone.localdate())
    services.hotline_number_save(
        actor="test", campaign=org.campaign, label="疫情防控举报电话", number="0472-3311110", hours="24小时"
    )
    services.hotline_number_save(actor="test", campaign=org.campaign, label="公共法律服务热线", number="12348", order=1)
    return Desk(org=org)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()
