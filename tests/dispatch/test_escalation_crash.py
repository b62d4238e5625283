"""Crash test: 10,000 overdue cases, the Celery worker killed with SIGKILL in the middle of
the sweep, a new worker started and the next sweep sent (as beat does every minute) →
every case escalated exactly once: none missed, none twice.

The worker is a real `celery worker` process on the configured broker (Redis in CI, the
filesystem queue in embedded mode), reading the test database: on PostgreSQL the test
database itself; on SQLite (in memory for tests) a file copy of it, read back afterwards.
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection

from apps.cases.models import Case
from apps.dispatch.tasks import escalate_overdue
from apps.grids.models import Level
from tests.conftest import build_world

SH = ZoneInfo("Asia/Shanghai")
OVERDUE = 10_000
ROOT = Path(settings.BASE_DIR)


def _generate(world):
    filed = datetime(2025, 11, 3, 9, tzinfo=SH)
    Case.objects.bulk_create(
        [Case(number=f"CRASH-{n:06d}", access_code="CRASH1", title=f"占道经营 {n}", description="crash test",
              category=world.category, latitude="31.600500", longitude="117.800500", area=world.grid_a,
              level=Level.VILLAGE, handling_area=world.v1, status="dispatched",
              deadline=filed + timedelta(days=1, seconds=n), created_by=world.alice, created_at=filed)
         for n in range(OVERDUE)],
        batch_size=2000,
    )


class _Database:
    """What the worker process reads and writes, and how the test counts in it."""

    def __init__(self, tmp_path):
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            self.file = None
        else:
            self.file = tmp_path / "crash.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.file}"

    def scalar(self, sql):
        if self.file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]
        with sqlite3.connect(self.file, timeout=20) as conn:
            return conn.execute(sql).fetchone()[0]


def _start_worker(db, queue, log):
    env = dict(os.environ, DATABASE_URL=db.url, ESCALATION_BATCH_SIZE="250", DEBUG="false",
               SECRET_KEY=os.environ.get("SECRET_KEY") or "crash-test-only")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "govplatform", "worker", "-P", "solo", "-Q", queue,
         "--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning",
         "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )


def _wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.mark.slow
@pytest.mark.worker
def test_sigkill_mid_sweep_then_restart_escalates_every_case_exactly_once(transactional_db, tmp_path):
    world = build_world()
    _generate(world)
    db = _Database(tmp_path)
    queue = f"escalation-crash-{uuid.uuid4().hex[:8]}"
    escalated = "SELECT COUNT(*) FROM dispatch_escalation"
    log = open(tmp_path / "worker.log", "w")
    first = _start_worker(db, queue, log)
    second = None
    try:
        escalate_overdue.apply_async(queue=queue)
        # Kill once some batches are committed and the sweep is still going.
        _wait(lambda: db.scalar(escalated) >= 1000 or first.poll() is not None, 90, "the first batches")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        at_kill = db.scalar(escalated)
        assert 0 < at_kill < OVERDUE, f"not killed mid-sweep ({at_kill} escalated): {_log(tmp_path)}"

        second = _start_worker(db, queue, log)
        escalate_overdue.apply_async(queue=queue)  # the next minute's beat
        _wait(lambda: db.scalar(escalated) >= OVERDUE, 90, "the restarted worker to finish")
        time.sleep(1)  # anything still to come would show now
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(10)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait(10)
        log.close()
        _purge(queue)  # the notification tasks of the 10,000 events: nobody else consumes them

    assert db.scalar(escalated) == OVERDUE
    assert db.scalar("SELECT COUNT(DISTINCT case_id) FROM dispatch_escalation") == OVERDUE
    assert db.scalar("SELECT COUNT(*) FROM (SELECT case_id FROM dispatch_escalation "
                     "GROUP BY case_id HAVING COUNT(*) > 1) AS twice") == 0
    assert db.scalar(f"SELECT COUNT(*) FROM cases_case WHERE level = {int(Level.TOWNSHIP)} "
                     f"AND handling_area_id = {world.t1.pk}") == OVERDUE
    assert db.scalar("SELECT COUNT(*) FROM cases_caseevent WHERE action = 'escalate'") == OVERDUE
    print(f"\ncrash test: {at_kill} escalated when SIGKILLed, {OVERDUE - at_kill} after restart, "
          f"{db.scalar(escalated)} in all, 0 twice")


def _purge(queue):
    from govplatform.celery import app

    with app.connection_for_write() as conn:
        try:
            conn.default_channel.queue_purge(queue)
        except Exception:  # an undeclared queue: nothing to purge
            pass


def _log(tmp_path):
    return (tmp_path / "worker.log").read_text()[-2000:]
