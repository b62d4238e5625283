"""Escalation sweep benchmark: cost follows the overdue cases, not the table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench .venv/bin/python bench/escalation.py

Needs PostgreSQL (rows are generated with generate_series) and a SCRATCH database: it
migrates it, then empties the case tables (TRUNCATE … CASCADE) between runs. It refuses a
database holding cases it did not generate.

For each size (100,000 then 1,000,000 cases, of which the same 10,000 are overdue; the
rest is a realistic mix of closed cases with old deadlines and open cases due later) it
runs the sweep `--repeat` times (resetting the 10,000 in between) and keeps the median.
The overdue cases are the most recently filed ones (older cases are closed), as on a live
platform; their index entries then sit together, which is what a real sweep writes to.
Checks: all 10,000 escalated in ≤ 15 s at 1,000,000; a second sweep escalates 0; time at
1,000,000 ≤ 1.3 × time at 100,000. Prints one JSON line; exit status 1 if a check fails.
"""
import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("DEBUG", "false")  # DEBUG keeps every query in memory
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.cases.models import Case, Category  # noqa: E402
from apps.dispatch.escalation import escalate_overdue  # noqa: E402
from apps.grids.models import Area, Level  # noqa: E402

PREFIX = "BENCH-"
# The sweep hands each batch's events to a notification task; the bench sends them to its
# own queue and empties it at the end (no worker needs to run).
EVENTS_QUEUE = "bench-escalation-events"


def log(message):
    print(message, file=sys.stderr, flush=True)


def setup_world():
    from apps.accounts.models import User

    county, _ = Area.objects.get_or_create(code="990000", defaults={"name": "基准县", "level": Level.COUNTY})
    grids = []
    for t in range(5):
        township, _ = Area.objects.get_or_create(
            code=f"990000{t:03d}", defaults={"name": f"基准镇{t}", "level": Level.TOWNSHIP, "parent": county})
        for v in range(5):
            village, _ = Area.objects.get_or_create(
                code=f"990000{t:03d}{v:03d}", defaults={"name": f"基准村{t}-{v}", "level": Level.VILLAGE,
                                                        "parent": township})
            for g in range(4):
                grid, _ = Area.objects.get_or_create(
                    code=f"990000{t:03d}{v:03d}{g:02d}", defaults={"name": f"基准网格{t}-{v}-{g}",
                                                                   "level": Level.GRID, "parent": village})
                grids.append(grid)
    parent, _ = Category.objects.get_or_create(code="BENCH", defaults={"name": "基准"})
    category, _ = Category.objects.get_or_create(
        code="BENCH01", defaults={"name": "基准事项", "parent": parent, "default_level": Level.VILLAGE})
    user, _ = User.objects.get_or_create(username="bench-filer")
    return grids, category, user


def _column_expressions(*, grids, category, user, now, overdue, total):
    """SELECT expressions for every concrete Case column, so the generator keeps working when
    the cases model grows a field (NOT NULL columns get their Python default)."""
    grid_ids = ",".join(str(g.pk) for g in grids)
    village_ids = ",".join(str(g.parent_id) for g in grids)
    pick = f"(1 + i %% {len(grids)})"
    # Cases are numbered in filing order; the overdue ones are the most recent (old cases are
    # closed), as on a live platform: the last `overdue` rows.
    is_overdue = f"i > {int(total) - int(overdue)}"
    age = f"({int(total)} - i)"
    explicit = {
        "number": f"'{PREFIX}' || lpad(i::text, 9, '0')",
        "access_code": "'BENCH1'",
        "title": "'基准案件 ' || i",
        "description": "'generated for bench/escalation.py'",
        "category_id": str(category.pk),
        "latitude": "31.600000",
        "longitude": "117.800000",
        "area_id": f"(ARRAY[{grid_ids}]::bigint[])[{pick}]",
        "level": str(int(Level.VILLAGE)),
        "handling_area_id": f"(ARRAY[{village_ids}]::bigint[])[{pick}]",
        "status": f"CASE WHEN {is_overdue} THEN 'dispatched' WHEN i %% 10 < 7 THEN 'closed' ELSE 'in_progress' END",
        "deadline": (f"CASE WHEN {is_overdue} THEN %(now)s::timestamptz - make_interval(secs => 3600 + {age}) "
                     f"WHEN i %% 10 < 7 THEN %(now)s::timestamptz - make_interval(days => 30 + i %% 300) "
                     f"ELSE %(now)s::timestamptz + make_interval(days => 1 + i %% 20) END"),
        "closed_at": (f"CASE WHEN NOT ({is_overdue}) AND i %% 10 < 7 "
                      f"THEN %(now)s::timestamptz - make_interval(secs => 86400 + 30 * {age}) END"),
        "created_by_id": str(user.pk),
        # One filing every 30 s going back from two days ago: 100,000 cases span a month,
        # 1,000,000 nearly a year.
        "created_at": f"%(now)s::timestamptz - make_interval(secs => 172800 + 30 * {age})",
        "updated_at": "%(now)s::timestamptz",
    }
    columns, expressions = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in explicit:
            expressions.append(explicit[field.column])
        elif field.null:
            expressions.append("NULL")
        elif field.has_default() and not callable(field.default):
            value = field.get_db_prep_value(field.default, connection)
            expressions.append("true" if value is True else "false" if value is False
                               else str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'")
        elif isinstance(field, (models.CharField, models.TextField)):
            expressions.append("''")
        elif isinstance(field, models.BooleanField):
            expressions.append("false")
        else:
            raise SystemExit(f"bench/escalation.py does not know how to fill cases_case.{field.column}")
    return columns, expressions


def generate(total, *, overdue, now, world):
    grids, category, user = world
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case RESTART IDENTITY CASCADE")
        columns, expressions = _column_expressions(grids=grids, category=category, user=user, now=now,
                                                   overdue=overdue, total=total)
        cursor.execute(
            f"INSERT INTO cases_case ({', '.join(columns)}) "
            f"SELECT {', '.join(expressions)} FROM generate_series(1, %(total)s) AS g(i)",
            {"now": now, "total": total},
        )
    vacuum()


def vacuum():
    """Tidy and settle the database before each timed sweep, the same way at every size."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("ANALYZE dispatch_escalation")
        cursor.execute("ANALYZE cases_caseevent")
        # Generating a million rows starts a checkpoint that would otherwise still be writing
        # (and forcing full-page WAL images) during the next timed sweep: finish it first.
        try:
            cursor.execute("CHECKPOINT")
        except Exception as exc:  # needs superuser (or pg_checkpoint); timing is noisier without
            log(f"  (no CHECKPOINT: {exc.__class__.__name__})")


def reset(now):
    """Put the escalated cases back where they were: overdue at their village."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case c SET level = %s, handling_area_id = g.parent_id, deadline_provisional = false, "
            "deadline = %s::timestamptz - make_interval(secs => 3600 + (SELECT max(id) FROM cases_case) - c.id) "
            "FROM grids_area g WHERE g.id = c.area_id AND c.id IN (SELECT case_id FROM dispatch_escalation)",
            [int(Level.VILLAGE), now],
        )
        cursor.execute("TRUNCATE dispatch_escalation, cases_caseevent RESTART IDENTITY CASCADE")
    vacuum()


def measure(total, *, overdue, repeat, now, world):
    log(f"generating {total:,} cases ({overdue:,} overdue)…")
    started = time.perf_counter()
    generate(total, overdue=overdue, now=now, world=world)
    log(f"  generated in {time.perf_counter() - started:.1f} s")
    times, escalated, second = [], [], []
    for run in range(repeat):
        if run:
            reset(now)
        started = time.perf_counter()
        escalated.append(escalate_overdue(now=now, events_queue=EVENTS_QUEUE))
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        second.append(escalate_overdue(now=now, events_queue=EVENTS_QUEUE))
        log(f"  run {run + 1}: escalated {escalated[-1]:,} in {times[-1]:.2f} s; second sweep "
            f"{second[-1]} in {time.perf_counter() - started:.3f} s")
    moved = Case.objects.filter(level=Level.TOWNSHIP).count()
    return {"seconds": statistics.median(times), "all_seconds": [round(t, 3) for t in times],
            "escalated": min(escalated), "escalated_max": max(escalated), "second_sweep": max(second),
            "cases_at_township": moved}


def purge_events_queue():
    from govplatform.celery import app

    with app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(EVENTS_QUEUE)
        except Exception:
            pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--overdue", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL=postgres://…/<scratch database>: the bench needs PostgreSQL "
                         "and empties the case tables.")
    call_command("migrate", verbosity=0)
    if Case.objects.exclude(number__startswith=PREFIX).exists():
        raise SystemExit("This database holds real cases; point DATABASE_URL at a scratch database.")
    world = setup_world()
    now = timezone.now().replace(microsecond=0) + timedelta(days=1)
    small = measure(args.small, overdue=args.overdue, repeat=args.repeat, now=now, world=world)
    large = measure(args.large, overdue=args.overdue, repeat=args.repeat, now=now, world=world)
    ratio = large["seconds"] / small["seconds"]
    checks = {
        "all_overdue_escalated": large["escalated"] == large["escalated_max"] == args.overdue
        and small["escalated"] == args.overdue and large["cases_at_township"] == args.overdue,
        "within_15_s": large["seconds"] <= 15.0,
        "second_sweep_zero": large["second_sweep"] == 0 and small["second_sweep"] == 0,
        "ratio_at_most_1_3": ratio <= 1.3,
    }
    result = {
        "bench": "escalation", "database": connection.vendor, "cpus": os.cpu_count(),
        "overdue": args.overdue, "small_cases": args.small, "large_cases": args.large,
        "small_sweep_s": round(small["seconds"], 3), "large_sweep_s": round(large["seconds"], 3),
        "small_runs_s": small["all_seconds"], "large_runs_s": large["all_seconds"],
        "escalated_large": large["escalated"], "second_sweep_large": large["second_sweep"],
        "ratio_large_to_small": round(ratio, 3), "checks": checks, "ok": all(checks.values()),
    }
    purge_events_queue()
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
