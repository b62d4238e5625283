"""With a real Celery worker: an overdue case escalates exactly once per deadline even when
the sweep task is delivered twice and sweeps run at the same moment."""
import threading
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_postrun
from django.db import connection
from django.db.models import Count

from apps.cases import signals_out
from apps.cases.models import CaseEvent
from apps.cases.services import case_create
from apps.dispatch.escalation import escalate_overdue as sweep
from apps.dispatch.models import Escalation
from apps.dispatch.tasks import escalate_overdue
from apps.grids.models import Level
from govplatform.celery import app
from tests.conftest import build_world

SH = ZoneInfo("Asia/Shanghai")
CASES = 30


def _file_overdue_cases(world):
    # Filed in November 2025: every deadline is long past when the worker runs.
    return [
        case_create(actor=world.alice, category=world.category, description=f"占道经营 {n}",
                    latitude=world.point_a[0], longitude=world.point_a[1],
                    now=datetime(2025, 11, 3, 9, tzinfo=SH))
        for n in range(CASES)
    ]


@pytest.mark.worker
def test_real_worker_escalates_once_per_deadline_when_delivered_twice_and_run_at_once(transactional_db, settings):
    world = build_world()
    cases = _file_overdue_cases(world)
    # Small batches: the sweeps take turns batch by batch instead of one finishing first.
    settings.ESCALATION_BATCH_SIZE = 3
    queue = f"escalation-test-{uuid.uuid4().hex[:8]}"  # no other test run's worker takes these
    done, failed = [], []

    def on_done(sender=None, task_id=None, **kwargs):
        if sender is not None and sender.name == escalate_overdue.name:
            done.append(task_id)

    def on_failure(sender=None, exception=None, **kwargs):
        failed.append(repr(exception))

    delivered = []
    receiver = signals_out.register(delivered.append)  # the notifications' entry point
    task_postrun.connect(on_done, weak=False)
    task_failure.connect(on_failure, weak=False)
    # Row locks let PostgreSQL run sweeps side by side; SQLite serializes writers, so there
    # the deliveries run one after another (still twice) and the in-test sweep waits its turn.
    concurrent = connection.vendor == "postgresql"
    try:
        with start_worker(app, pool="threads" if concurrent else "solo", concurrency=2 if concurrent else 1,
                          perform_ping_check=False, shutdown_timeout=30, queues=[queue]):
            task_id = str(uuid.uuid4())
            escalate_overdue.apply_async(task_id=task_id, queue=queue)
            escalate_overdue.apply_async(task_id=task_id, queue=queue)  # the same task delivered twice
            escalate_overdue.apply_async(queue=queue)  # and another sweep beat sent meanwhile
            in_test = []
            if concurrent:
                def run_sweep():
                    try:
                        in_test.append(sweep(events_queue=queue))
                    finally:
                        connection.close()

                runner = threading.Thread(target=run_sweep)
                runner.start()
                runner.join(60)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (len(done) < 3 or len(delivered) < CASES):
                time.sleep(0.1)
    finally:
        signals_out._receivers.remove(receiver)
        task_postrun.disconnect(on_done)
        task_failure.disconnect(on_failure)
        connection.close()  # the worker threads' connections must not outlive the test database

    assert len(done) == 3, f"the worker finished {len(done)} of 3 deliveries within 60 s"
    assert failed == []
    per_case = Escalation.objects.values("case").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_case) == [1] * CASES
    events = list(CaseEvent.objects.filter(action="escalate").values_list("pk", flat=True))
    assert len(events) == CASES
    # Each event reached the after-commit receivers once, through deliver_case_events tasks.
    assert sorted(delivered) == sorted(events)
    for case in cases:
        case.refresh_from_db()
        assert (case.level, case.handling_area_id) == (Level.TOWNSHIP, world.t1.pk)
