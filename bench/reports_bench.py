"""Dashboard server time on PostgreSQL with 10 million passages, 100,000 health reports and 5,000 open measures.

Run: .venv/bin/python bench/reports_bench.py [--passages N] [--requests N] [--keep]
Uses its own database (fl_bench_reports on the local PostgreSQL, or BENCH_REPORTS_DB_URL), fills it
with generate_series (the passages with their matching daily tallies), then times the command
dashboard through the Django test client and writes the figures to docs/benchmarks-reports.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_REPORTS_DB_URL", "postgres://postgres@127.0.0.1:5432/fl_bench_reports")
os.environ["DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")


def recreate_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    admin = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def step(label: str, t0: float) -> float:
    now = time.perf_counter()
    print(f"  {label}: {now - t0:.1f} s", flush=True)
    return now


def fill(passages: int) -> dict[str, float]:
    """Build a 56-day campaign and the bulk data; return how long each part took."""
    from django.db import connection
    from django.utils import timezone

    from frontline.core.access import Role
    from frontline.org import services as org
    from frontline.org.models import Campaign

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    today = timezone.localdate()
    start = today - timedelta(days=55)
    campaign = org.campaign_save(actor="bench", name="基准行动", start_date=start, end_date=today + timedelta(days=5))
    org.campaign_set_status(actor="bench", campaign=campaign, status=Campaign.Status.ACTIVE)
    unit = org.unit_save(actor="bench", name="区司法局")
    communities = [org.community_save(actor="bench", name=f"社区{i}") for i in range(7)]
    checkpoints = [
        org.checkpoint_save(
            actor="bench",
            code=f"C{i:02d}",
            name=f"防控点{i}",
            community=communities[i % 7],
            opened_on=start,
            shift_pattern=["07:00-13:00", "13:00-19:00", "19:00-07:00"],
            staff_min=2,
            staff_max=3,
        )
        for i in range(21)
    ]
    staff = [
        org.staff_save(actor="bench", name=f"员工{i}", sex="M" if i % 2 else "F", unit=unit, phone=f"1380000{i:04d}")
        for i in range(126)
    ]
    leader = org.user_save(
        actor="bench", username="leader", role=Role.LEADER, password="bench-pass-123", staff=staff[0]
    )
    cp_ids = [c.pk for c in checkpoints]
    t0 = timings["organisation"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        lo, n_cp = min(cp_ids), len(cp_ids)
        # Passages: spread over the 56 days and 21 checkpoints; a few fevers, turn-backs and high-risk arrivals.
        cur.execute(
            """
            INSERT INTO checkpoints_passage (checkpoint_id, at, day, direction, name, document_type, id_number,
                id_number_hash, phone, phone_hash, temperature, fever, fever_event, symptoms, origin_region, high_risk,
                arrived_on, purpose, outcome, note, vehicle_id, recorded_by_id, source, client_uuid, created_at)
            SELECT %s + (g %% %s), t, (t AT TIME ZONE 'Asia/Shanghai')::date,
                CASE WHEN g %% 3 = 0 THEN 'out' ELSE 'in' END, '', 'resident_id', '', '', '', '',
                CASE WHEN g %% 97 = 0 THEN 38.0 ELSE 36.5 END, g %% 97 = 0, g %% 97 = 0, '[]'::jsonb,
                CASE WHEN g %% 29 = 0 THEN '420100' ELSE '150204' END, g %% 29 = 0, NULL, '',
                CASE WHEN g %% 41 = 0 THEN 'turned_back' ELSE 'allowed' END, '', NULL, NULL, 'field',
                gen_random_uuid(), t
            FROM (SELECT g, %s::timestamptz + (g::float8 / %s) * interval '56 days' AS t
                  FROM generate_series(0, %s - 1) AS g) s
            """,
            [lo, n_cp, timezone.make_aware(datetime.combine(start, datetime.min.time())), passages, passages],
        )
        t0 = step(f"{passages:,} passages", t0)
        vehicles = passages // 4
        cur.execute(
            """
            INSERT INTO checkpoints_vehiclepassage (checkpoint_id, at, day, direction, plate, vehicle_type, occupants,
                origin_region, high_risk, outcome, note, recorded_by_id, source, client_uuid, created_at)
            SELECT %s + (g %% %s), t, (t AT TIME ZONE 'Asia/Shanghai')::date, 'in', '蒙B' || (10000 + g %% 89999),
                'car', 1, '150204', false, CASE WHEN g %% 37 = 0 THEN 'turned_back' ELSE 'allowed' END, '', NULL,
                'field', gen_random_uuid(), t
            FROM (SELECT g, %s::timestamptz + (g::float8 / %s) * interval '56 days' AS t
                  FROM generate_series(0, %s - 1) AS g) s
            """,
            [lo, n_cp, timezone.make_aware(datetime.combine(start, datetime.min.time())), vehicles, vehicles],
        )
        t0 = step(f"{vehicles:,} vehicle passages", t0)
        # The daily tallies, as the recording service keeps them: one row per checkpoint and day.
        cur.execute(
            """
            INSERT INTO checkpoints_dailytally (checkpoint_id, day, people_in, people_out, turned_back, referred, fevers,
                fever_events, high_risk, vehicles, vehicles_turned_back)
            SELECT p.checkpoint_id, p.day, p.people_in, p.people_out, p.turned_back, 0, p.fevers, p.fever_events,
                p.high_risk, COALESCE(v.vehicles, 0), COALESCE(v.vehicles_turned_back, 0)
            FROM (SELECT checkpoint_id, day, count(*) FILTER (WHERE direction = 'in') AS people_in,
                         count(*) FILTER (WHERE direction = 'out') AS people_out,
                         count(*) FILTER (WHERE outcome = 'turned_back') AS turned_back,
                         count(*) FILTER (WHERE fever) AS fevers, count(*) FILTER (WHERE fever_event) AS fever_events,
                         count(*) FILTER (WHERE high_risk AND direction = 'in') AS high_risk
                  FROM checkpoints_passage GROUP BY checkpoint_id, day) p
            LEFT JOIN (SELECT checkpoint_id, day, count(*) AS vehicles,
                              count(*) FILTER (WHERE outcome = 'turned_back') AS vehicles_turned_back
                       FROM checkpoints_vehiclepassage GROUP BY checkpoint_id, day) v
              ON v.checkpoint_id = p.checkpoint_id AND v.day = p.day
            """
        )
        t0 = step("daily tallies", t0)
        # 6,000 people to watch, 5,000 of them under an open measure; 100,000 health reports.
        cur.execute(
            """
            INSERT INTO health_person (created_at, updated_at, name, id_number, id_number_hash, phone, phone_hash,
                address, community_id, found_by, contact_of_id, risk, staff_id, note)
            SELECT now(), now(), '人员' || g, '', '', '', '', '', %s, 'checkpoint', NULL, 'medium', NULL, ''
            FROM generate_series(1, 6000) g
            """,
            [communities[0].pk],
        )
        cur.execute(
            """
            INSERT INTO health_measure (created_at, updated_at, person_id, kind, start_date, planned_days, planned_end,
                status, responsible_staff_id, liaison_id, token, started_at, ended_on, ended_by_id,
                returned_to_post_at, note)
            SELECT now(), now(), p.id, 'home', %s::date + (p.rn %% 40)::int, 14, %s::date + (p.rn %% 40)::int + 13,
                CASE WHEN p.rn <= 5000 THEN 'active' ELSE 'released' END, NULL, NULL, md5(p.id::text || random()::text),
                now(), CASE WHEN p.rn <= 5000 THEN NULL ELSE %s::date + (p.rn %% 40)::int + 14 END, NULL, NULL, ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM health_person) p
            """,
            [start, start, start],
        )
        cur.execute(
            """
            INSERT INTO health_healthreport (measure_id, day, slot, temperature, dry_cough, fatigue, sore_throat,
                short_breath, diarrhoea, other_symptoms, reported_by, recorded_by_id, submitted_at, late, abnormal,
                superseded)
            SELECT m.id, %s::date + (g / 5000)::int, CASE WHEN g %% 2 = 0 THEN 'morning' ELSE 'afternoon' END, 36.6,
                false, false, false, false, false, '', 'self', NULL, now(), false, false, false
            FROM generate_series(0, 99999) g
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM health_measure) m ON m.k = (g / 2) %% 5000
            """,
            [start + timedelta(days=10)],
        )
        cur.execute(
            """
            INSERT INTO health_missedreport (measure_id, day, slot, created_at)
            SELECT id, %s, 'morning', now() FROM health_measure WHERE status = 'active' AND id %% 25 = 0
            """,
            [today],
        )
        cur.execute(
            """
            INSERT INTO health_escalation (created_at, updated_at, person_id, measure_id, source, passage_id, report_id,
                temperature, symptoms, state, outcome, detected_at, notify_due_at, notified_at, closed_at,
                opened_by_id, note)
            SELECT now(), now(), person_id, id, 'report', NULL, NULL, 38.2, '', 'detected', '',
                now() - interval '2 hours', now() - interval '90 minutes', NULL, NULL, NULL, ''
            FROM health_measure WHERE status = 'active' AND id %% 50 = 0
            """,
            [],
        )
        t0 = step("health: 6,000 people, 5,000 open measures, 100,000 reports", t0)
    # Today's published duties and 56 days of attendance.
    from frontline.roster.models import Assignment, Attendance, Roster, RosterVersion, shift_bounds

    roster = Roster.objects.create(campaign=campaign, name="基准排班", start_date=start, end_date=today)
    version = RosterVersion.objects.create(roster=roster, number=1, status="published")
    duties, attendance = [], []
    for d in range(56):
        day = start + timedelta(days=d)
        for i, cp in enumerate(checkpoints):
            for s, shift in enumerate(cp.shift_pattern):
                a, b = shift_bounds(day, shift)
                for k in range(2):
                    person = staff[(i * 6 + s * 2 + k) % len(staff)]
                    if day == today:
                        duties.append(
                            Assignment(
                                version=version,
                                day=day,
                                checkpoint=cp,
                                shift=shift,
                                starts_at=a,
                                ends_at=b,
                                staff=person,
                            )
                        )
                    if day < today:
                        attendance.append(
                            Attendance(
                                staff=person,
                                campaign=campaign,
                                checkpoint=cp,
                                day=day,
                                shift=shift,
                                planned_start=a,
                                planned_end=b,
                                clock_in=a,
                                status="present",
                            )
                        )
    Assignment.objects.bulk_create(duties)
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    t0 = step(f"roster: {len(duties)} duties today, {len(attendance):,} attendance rows", t0)
    from frontline.supplies.models import Item, Movement, Store

    store = Store.objects.create(name="基准物资库", kind="bureau")
    moves = []
    for item in Item.objects.all():
        moves.append(
            Movement(kind="purchase", item=item, quantity=100000, to_store=store, source="采购", occurred_on=start)
        )
        for d in range(56):
            moves.append(
                Movement(
                    kind="issue",
                    item=item,
                    quantity=100 + d,
                    from_store=store,
                    checkpoint=checkpoints[d % 21],
                    occurred_on=start + timedelta(days=d),
                )
            )
    Movement.objects.bulk_create(moves, batch_size=2000)
    t0 = step(f"supplies: {len(moves):,} movements", t0)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    step("analyze", t0)
    timings["leader_id"] = leader.pk
    return timings


def measure(requests: int) -> dict[str, float]:
    """Time the dashboard page and its refresh panel through the test client; return medians in ms."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from frontline.org.models import User

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    out: dict[str, float] = {}
    for name, url in (("dashboard page", "/reports/"), ("refresh panel", "/reports/dashboard/panel/")):
        client.get(url)  # warm caches and connections
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.status_code
        out[f"{name} median ms"] = statistics.median(times)
        out[f"{name} p90 ms"] = sorted(times)[int(0.9 * (len(times) - 1))]
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        out[f"{name} queries"] = len(ctx.captured_queries)
        reset_queries()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passages", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="reuse the filled database")
    args = parser.parse_args()
    import django

    if not args.keep:
        recreate_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    t_all = time.perf_counter()
    if not args.keep:
        print("migrating", flush=True)
        call_command("migrate", verbosity=0)
        print("filling", flush=True)
        fill(args.passages)
    fill_s = time.perf_counter() - t_all
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM checkpoints_passage")
        n_passages = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM health_healthreport")
        n_reports = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM health_measure WHERE status IN ('active', 'extended')")
        n_open = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM checkpoints_dailytally")
        n_tallies = cur.fetchone()[0]
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    results = measure(args.requests)
    for k, v in results.items():
        print(f"{k}: {v:.1f}" if isinstance(v, float) else f"{k}: {v}")
    lines = [
        "# Benchmark: the command dashboard (reports)",
        "",
        "Command: `.venv/bin/python bench/reports_bench.py` (own database `fl_bench_reports`).",
        "",
        f"- Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {pg}",
        f"- Data: {n_passages:,} passages (and a quarter as many vehicle passages) over 56 days at 21 checkpoints, "
        f"{n_tallies:,} daily tally rows, {n_reports:,} health reports, {n_open:,} open measures; "
        f"filled in {fill_s:.0f} s.",
        f"- Requests: {args.requests} per page through the Django test client (server time: URL routing, middleware, "
        "session, the figures' queries and template rendering; no network).",
        "",
        "| page | median (ms) | p90 (ms) | queries |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in ("dashboard page", "refresh panel"):
        lines.append(
            f"| {name} | {results[f'{name} median ms']:.1f} | {results[f'{name} p90 ms']:.1f} | {results[f'{name} queries']} |"
        )
    target = results["dashboard page median ms"] < 200
    lines += [
        "",
        f"Target: under 200 ms — {'met' if target else 'NOT met'}. The dashboard reads the daily tallies "
        "(one row per checkpoint and day), never the passage table, so its time does not grow with passages.",
        "",
    ]
    (ROOT / "docs" / "benchmarks-reports.md").write_text("\n".join(lines))
    print("written docs/benchmarks-reports.md")


if __name__ == "__main__":
    main()
