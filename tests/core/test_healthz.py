from datetime import timedelta

from django.utils import timezone

from apps.core.models import Heartbeat
from apps.core.services import heartbeat_record


def test_healthz_is_ok_when_beat_was_seen_recently(client, db):
    heartbeat_record(name="beat")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "ok"
    assert 0 <= body["beat_seconds_ago"] < 5


def test_healthz_names_beat_when_its_heartbeat_is_stale(client, db, settings):
    Heartbeat.objects.create(name="beat", last_seen=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["beat"]


def test_healthz_names_beat_when_it_never_ran(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503 and "beat" in response.json()["failing"]


def test_healthz_names_the_broker_when_it_is_unreachable(client, db, settings):
    heartbeat_record(name="beat")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
