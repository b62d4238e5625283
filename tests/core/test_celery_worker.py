"""A real Celery worker (on the configured broker: Redis in CI, the filesystem queue in
embedded mode) picks up the heartbeat task from the queue and writes to the database."""
import time

import pytest
from celery.contrib.testing.worker import start_worker

from apps.core.models import Heartbeat
from apps.core.tasks import heartbeat
from govplatform.celery import app


@pytest.mark.worker
def test_real_worker_runs_the_heartbeat_task(transactional_db):
    assert not Heartbeat.objects.exists()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not Heartbeat.objects.filter(name="beat").exists():
            time.sleep(0.2)
    assert Heartbeat.objects.filter(name="beat").exists(), "the worker did not run the task within 30 s"
