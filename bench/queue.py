"""Dispatcher pages at city scale on PostgreSQL: the triage queue and the case list.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridgov_bench6 DEBUG=false SECRET_KEY=x \
        .venv/bin/python bench/queue.py [--runs 30]

Reuses the city bench/insights.py generates (run that first; this script never generates
nor migrates: apply migrations with `manage.py migrate` against the same DATABASE_URL).
Adds two dispatchers if missing — one for the first township, one for the county — and
renders, through Django's test client (force_login), for each of them:
  queue         /dispatch/queue/                     (waiting for a dispatcher, oldest first)
  queue_state   /dispatch/queue/?state=accepted      (one state picked)
  queue_filtered /dispatch/queue/?channel=hotline&urgency=normal&area=<a village or township>
  list          /cases/                              (newest first, counted for the pager)
  list_open     /cases/?open=true&channel=hotline
Prints ONE JSON line: the number of cases, then per dispatcher and page p50/p95 (ms), the
number of queries and the slowest query (ms, from one captured extra run).
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# This file is named like the standard library's `queue`: drop its own folder from the
# import path so `import queue` (Django, Celery) gets the real one.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.modules.pop("queue", None)
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

COUNTY_ID, TOWNSHIP_ID = 1, 2  # as bench/insights.py lays the city out


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def dispatcher(username, role, area_id):
    from apps.accounts.models import User

    user, _ = User.objects.get_or_create(username=username, defaults={"role": role, "area_id": area_id})
    return user


def measure(client, url, runs):
    for _ in range(2):  # warm caches and connections
        assert client.get(url).status_code == 200
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return {"p50_ms": round(statistics.median(took), 1), "p95_ms": round(percentile(took, 0.95), 1),
            "queries": len(captured), "slowest_query_ms": round(float(slowest["time"]) * 1000, 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/queue.py needs PostgreSQL: set DATABASE_URL=postgres://…/<database bench/insights.py filled>")
    setup_test_environment()

    from apps.accounts.models import Role
    from apps.cases.models import Case
    from apps.grids.models import Area

    if not Area.objects.filter(pk=COUNTY_ID).exists():
        sys.exit("No generated city here: run bench/insights.py against this DATABASE_URL first")
    cases = Case.objects.count()
    village = Area.objects.filter(path__startswith=Area.objects.get(pk=TOWNSHIP_ID).path, level=3).order_by("path")[0]
    people = {
        "township": (dispatcher("bench-dispatch-township", Role.TOWNSHIP_DISPATCHER, TOWNSHIP_ID), village.pk),
        "county": (dispatcher("bench-dispatch-county", Role.COUNTY_DISPATCHER, COUNTY_ID), TOWNSHIP_ID),
    }
    result = {"cases": cases, "runs": args.runs}
    for who, (user, sub_area) in people.items():
        client = Client()
        client.force_login(user)
        pages = {
            "queue": "/dispatch/queue/",
            "queue_state": "/dispatch/queue/?state=accepted",
            "queue_filtered": f"/dispatch/queue/?channel=hotline&urgency=normal&area={sub_area}",
            "list": "/cases/",
            "list_open": "/cases/?open=true&channel=hotline",
        }
        result[who] = {name: measure(client, url, args.runs) for name, url in pages.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
