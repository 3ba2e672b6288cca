"""Shared test fixtures: a small organisation with a log-in of every role, and a real Chromium."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from frontline.core.access import Role


def pytest_configure(config: Any) -> None:
    # Hashing test passwords properly costs a third of a second each; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Skip the tests marked `postgres` unless the tests run on PostgreSQL (make test-pg, CI)."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _forget_process_memos() -> None:
    """Each test starts with nothing remembered from another test's database (ids are reused)."""
    from frontline.api.services import token_memo_forget
    from frontline.checkpoints.selectors import campaign_forget

    campaign_forget()
    token_memo_forget()


ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"
PASSWORD = "test-pass-123"


@dataclass
class Org:
    """Two communities, each with checkpoints; staff; and a log-in of every role."""

    campaign: Any
    bureau: Any
    notary: Any
    community_a: Any
    community_b: Any
    checkpoint_a: Any
    checkpoint_a2: Any
    checkpoint_b: Any
    staff: list[Any]
    users: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


@pytest.fixture
def org(db: Any) -> Org:
    from frontline.org import services as s
    from frontline.org.models import Campaign

    actor = "test"
    today = date.today()
    campaign = s.campaign_save(
        actor=actor,
        name="测试行动",
        start_date=today - timedelta(days=10),
        end_date=today + timedelta(days=49),
        high_risk_regions=["420000"],
    )
    s.campaign_set_status(actor=actor, campaign=campaign, status=Campaign.Status.ACTIVE)
    bureau = s.unit_save(actor=actor, name="区司法局", short_name="司法局", order=1)
    notary = s.unit_save(actor=actor, name="公证处", order=2)
    a = s.community_save(actor=actor, name="富强社区", subdistrict="富强路街道")
    b = s.community_save(actor=actor, name="幸福社区", subdistrict="幸福路街道")
    cp_a = s.checkpoint_save(actor=actor, code="A01", name="富强东门", community=a, opened_on=today - timedelta(days=5))
    cp_a2 = s.checkpoint_save(
        actor=actor, code="A02", name="富强西门", community=a, opened_on=today - timedelta(days=5)
    )
    cp_b = s.checkpoint_save(actor=actor, code="B01", name="幸福北门", community=b, opened_on=today - timedelta(days=5))
    staff = [
        s.staff_save(
            actor=actor,
            name=name,
            sex=sex,
            unit=bureau,
            phone=phone,
            birth_date=date(1980 + i, 1, 1 + i),
            party_status="member" if i % 2 else "none",
            home_community=a if i % 2 else b,
        )
        for i, (name, sex, phone) in enumerate(
            [
                ("王建国", "M", "13800001111"),
                ("李秀英", "F", "13900002222"),
                ("张伟", "M", "15000003333"),
                ("刘芳", "F", "18600004444"),
                ("陈军", "M", "13500005555"),
                ("杨丽", "F", "15900006666"),
            ]
        )
    ]
    org = Org(
        campaign=campaign,
        bureau=bureau,
        notary=notary,
        community_a=a,
        community_b=b,
        checkpoint_a=cp_a,
        checkpoint_a2=cp_a2,
        checkpoint_b=cp_b,
        staff=staff,
    )
    specs = [
        ("leader", Role.LEADER, None, staff[0]),
        ("office", Role.OFFICE, None, staff[1]),
        ("group_lead", Role.GROUP_LEAD, None, None),
        ("duty", Role.DUTY, None, staff[2]),
        ("liaison_a", Role.LIAISON, a, None),
        ("liaison_b", Role.LIAISON, b, None),
        ("lawyer", Role.LAWYER, None, None),
        ("lawyer_b", Role.LAWYER, None, None),
        ("viewer", Role.VIEWER, None, None),
    ]
    for username, role, community, person in specs:
        org.users[username] = s.user_save(
            actor=actor, username=username, role=role, community=community, password=PASSWORD, staff=person
        )
    return org


@pytest.fixture
def client_as(db: Any) -> Callable[[Any], Client]:
    """Return a test client logged in as the given user."""

    def make(user: Any) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


# --- browser tests -------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts(request: Any) -> Path:
    """A folder for this test's screenshots (kept as CI artefacts under var/test-artifacts)."""
    path = ARTIFACTS / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def desktop(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def login(page: Any, username: str, password: str = PASSWORD) -> None:
    """Log in through the real log-in page."""
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")
