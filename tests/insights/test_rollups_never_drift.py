"""Rollups never drift: after a burst of concurrent case changes (threads, each its own
connection, real row locks on PostgreSQL) the rollup rows equal — to the case — the same
rows recomputed by raw SQL over the cases, and a plain-Python recount."""
import random
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from apps.cases import services
from apps.cases.models import Case
from apps.core.exceptions import DomainError
from apps.insights import rollups
from apps.insights.models import COUNTERS, Rollup
from tests.conftest import build_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent row locks need PostgreSQL (CI runs this on PostgreSQL)"
)


NEXT = {"reported": "accept", "accepted": "dispatch", "returned": "dispatch", "dispatched": "resolve",
        "in_progress": "resolve", "resolved": "close", "verified": "close", "closed": "rate"}


def rows_by_raw_sql():
    with connection.cursor() as cursor:
        cursor.execute(rollups.rollup_select_sql(), {"tz": settings.TIME_ZONE})
        out = {}
        for day, area_id, dim, key, *values in cursor.fetchall():
            out[(day, area_id, dim, key)] = dict(zip(COUNTERS, (int(v) for v in values)))
    return out


def test_rollups_equal_raw_sql_after_a_burst_of_concurrent_case_updates(transactional_db):
    world = build_world()
    start = timezone.now() - timedelta(days=3)
    points = [(world.alice, world.point_a), (world.bob, world.point_b), (world.carol, world.point_c)]
    cases = []
    for i in range(24):
        filer, (lat, lng) = points[i % 3]
        case = services.case_create(actor=filer, category=world.category, description=f"问题{i}", latitude=lat,
                                    longitude=lng, channel=["hotline", "patrol", "grid_worker"][i % 3],
                                    now=start + timedelta(minutes=i * 7))
        cases.append(case.pk)

    # Each worker takes random cases a step further; several workers hit the same case
    # at once, so many attempts lose with a conflict — that is the point.
    lives = ["accept", "dispatch", "resolve", "close", "rate", "reopen", "confirm_close", "reject"]
    outcome = {"done": 0, "refused": 0, "errors": []}
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker(seed):
        rnd = random.Random(seed)
        barrier.wait()
        try:
            for _step in range(60):
                case = Case.objects.get(pk=rnd.choice(cases))
                # Mostly the case's next step (so cases get closed and rated), sometimes any.
                action = NEXT.get(case.status, "accept") if rnd.random() < 0.85 else rnd.choice(lives)
                if case.status == "closed" and case.rated_at is not None and action == "rate":
                    action = "reopen"
                dispatcher = world.dan if rnd.random() < 0.5 else (
                    world.tom if case.area.path.startswith(world.t1.path) else world.tina)
                try:
                    if action == "accept":
                        services.case_accept(case=case, actor=dispatcher)
                    elif action == "dispatch":
                        services.case_dispatch(case=case, actor=dispatcher, department=world.urban)
                    elif action == "resolve":
                        services.case_resolve(case=case, actor=world.deb, note="已处理")
                    elif action == "close":
                        services.case_close(case=case, actor=dispatcher)
                    elif action == "rate":
                        services.case_rate(case=case, source="resident",
                                           satisfaction=rnd.choice(["satisfied", "basic", "dissatisfied"]))
                    elif action == "reopen":
                        services.case_reopen(case=case, actor=dispatcher, note="返工")
                    elif action == "confirm_close":
                        services.case_confirm_close(case=case, actor=dispatcher, note="结果成立")
                    elif rnd.random() < 0.2:
                        services.case_reject(case=case, actor=dispatcher, note="不予受理")
                    with lock:
                        outcome["done"] += 1
                except DomainError:
                    with lock:
                        outcome["refused"] += 1
                if rnd.random() < 0.1:  # new cases keep arriving during the burst
                    filer, (lat, lng) = rnd.choice(points)
                    new = services.case_create(actor=filer, category=world.category, description="新问题",
                                               latitude=lat, longitude=lng)
                    with lock:
                        cases.append(new.pk)
        except Exception as error:  # a deadlock or a lost update would land here
            with lock:
                outcome["errors"].append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcome["errors"] == []
    assert outcome["done"] > 40 and outcome["refused"] > 0, outcome
    assert Case.objects.filter(status="closed").exists() and Case.objects.exclude(satisfaction="").exists()

    stored = rollups.stored_rows()
    assert stored, "the burst produced rollup rows"
    assert stored == rows_by_raw_sql()
    assert stored == rollups.expected_rows()
    county = Rollup.objects.filter(area=world.county, dim="all")
    assert sum(r.accepted for r in county) == Case.objects.filter(accepted_at__isnull=False).count()
