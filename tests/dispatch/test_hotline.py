"""The 12345 hotline link: signed intake, idempotent on the hotline's id, and status
changes sent back through a real Celery worker to a real HTTP receiver on 127.0.0.1."""
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from apps.accounts.models import Role
from apps.cases.models import Case, CaseEvent, CaseNumberCounter
from apps.cases.services import case_accept
from apps.dispatch.models import WebhookDelivery
from govplatform.celery import app
from tests.conftest import build_world
from tests.factories import UserFactory

SECRET = "test-hotline-secret"
URL = "/api/hotline/cases/"


def _body(world, hotline_id="12345-0001", **overrides):
    data = {"id": hotline_id, "category": world.category.code, "title": "夜市噪音",
            "description": "路口夜市摊贩占道，噪音扰民", "latitude": str(world.point_a[0]),
            "longitude": str(world.point_a[1]), "reporter_name": "王五", "reporter_phone": "13800001111"}
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False).encode()


def _sign(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post(client, body, signature):
    return client.post(URL, data=body, content_type="application/json", HTTP_X_HOTLINE_SIGNATURE=signature)


@pytest.fixture
def hotline(world, settings):
    settings.HOTLINE_SECRET = SECRET
    settings.HOTLINE_USERNAME = "hotline"
    return UserFactory(username="hotline", role=Role.COUNTY_DISPATCHER, area=world.county)


def test_a_request_replayed_five_times_makes_one_case(client, world, hotline):
    body = _body(world)
    answers = [_post(client, body, _sign(body)) for _ in range(5)]
    assert [a.status_code for a in answers] == [201, 200, 200, 200, 200]
    assert len({a.json()["number"] for a in answers}) == 1
    case = Case.objects.get()
    assert (case.external_id, case.channel, case.created_by) == ("12345-0001", "hotline", hotline)
    assert CaseEvent.objects.filter(case=case, action="file").count() == 1


def test_a_bad_signature_gets_401_and_leaves_no_trace(client, world, hotline):
    body = _body(world)
    for signature in ["", "sha256=" + "0" * 64, _sign(body, "wrong-secret"), _sign(body + b" ")]:
        response = _post(client, body, signature)
        assert response.status_code == 401, signature
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not CaseNumberCounter.objects.exists()  # not even a case number was used up


def test_without_a_configured_secret_every_request_is_refused(client, world, hotline, settings):
    settings.HOTLINE_SECRET = None
    body = _body(world)
    assert _post(client, body, _sign(body)).status_code == 401
    assert not Case.objects.exists()


@pytest.mark.parametrize("overrides, field", [
    ({"category": "nope"}, "category"),
    ({"description": ""}, "description"),
    ({"latitude": "north"}, "latitude"),
    ({"id": ""}, "id"),
    ({"urgency": "panic"}, "urgency"),
])
def test_a_signed_but_invalid_request_is_refused_with_the_field_named(client, world, hotline, overrides, field):
    body = _body(world, **overrides)
    response = _post(client, body, _sign(body))
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.exists()


def test_a_signed_body_that_is_not_json_is_a_400(client, world, hotline):
    body = b"not json"
    assert _post(client, body, _sign(body)).status_code == 400


def test_only_post_is_answered(client, world, hotline):
    assert client.get(URL).status_code == 405


def test_no_delivery_is_made_when_no_webhook_is_configured(client, world, hotline, settings):
    settings.HOTLINE_WEBHOOK_URL = None
    body = _body(world)
    _post(client, body, _sign(body))
    case_accept(case=Case.objects.get(), actor=world.tom)
    assert not WebhookDelivery.objects.exists()


class _FlakyReceiver(BaseHTTPRequestHandler):
    """Fails the first two POSTs with 503, then answers 200; records what it got."""

    received = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers.get("X-GridGov-Signature")))
        self.send_response(503 if len(self.received) <= 2 else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.worker
def test_webhook_retries_against_a_receiver_that_fails_twice_then_succeeds(transactional_db, settings, client):
    _FlakyReceiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    queue = f"hotline-test-{uuid.uuid4().hex[:8]}"  # no other test run's worker takes these
    settings.HOTLINE_SECRET = SECRET
    settings.HOTLINE_WEBHOOK_SECRET = "out-secret"
    settings.HOTLINE_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/status"
    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 1
    settings.HOTLINE_WEBHOOK_QUEUE = queue
    world = build_world()
    UserFactory(username="hotline", role=Role.COUNTY_DISPATCHER, area=world.county)
    body = _body(world, hotline_id="12345-0042")
    assert _post(client, body, _sign(body)).status_code == 201
    case = Case.objects.get(external_id="12345-0042")
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
            started = time.monotonic()
            case_accept(case=case, actor=world.tom)  # a status change: reported → accepted
            # Case handling did not wait for the receiver: the action returned at once.
            assert time.monotonic() - started < 2
            delivery = WebhookDelivery.objects.get(case=case)
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                delivery.refresh_from_db()
                if delivery.status != WebhookDelivery.Status.PENDING:
                    break
                time.sleep(0.2)
    finally:
        server.shutdown()
        connection.close()
    assert delivery.status == WebhookDelivery.Status.DELIVERED, (delivery.attempts, delivery.last_error)
    assert (delivery.attempts, delivery.last_status_code) == (3, 200)
    assert len(_FlakyReceiver.received) == 3
    sent, signature = _FlakyReceiver.received[-1]
    assert signature == "sha256=" + hmac.new(b"out-secret", sent, hashlib.sha256).hexdigest()
    payload = json.loads(sent)
    assert (payload["hotline_id"], payload["previous_status"], payload["status"]) == ("12345-0042", "reported",
                                                                                     "accepted")


def test_a_dead_receiver_is_recorded_per_attempt_and_given_up_on(world, settings, hotline):
    """Without a worker: the task body run directly against a port nobody listens on."""
    from apps.dispatch import hotline as service
    from apps.dispatch.hotline_tasks import deliver_hotline_webhook

    settings.HOTLINE_WEBHOOK_URL = "http://127.0.0.1:9/dead"
    settings.HOTLINE_WEBHOOK_MAX_RETRIES = 0
    settings.HOTLINE_WEBHOOK_QUEUE = f"never-consumed-{uuid.uuid4().hex[:8]}"
    body = _body(world)
    from apps.dispatch.hotline import hotline_intake

    case, _created = hotline_intake(body=body, signature=_sign(body))
    event = case.events.get()
    delivery = WebhookDelivery.objects.create(case=case, event=event, url=settings.HOTLINE_WEBHOOK_URL,
                                              payload={"x": 1})
    assert service.attempt_delivery(delivery_id=delivery.pk) is False
    deliver_hotline_webhook.apply(args=(delivery.pk,))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 2 and delivery.last_error


def test_backoff_doubles(settings):
    from apps.dispatch.hotline import backoff_seconds

    settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS = 30
    assert [backoff_seconds(n) for n in range(4)] == [30, 60, 120, 240]


def test_concurrent_replays_make_one_case_on_postgresql(transactional_db, settings):
    """Five copies arriving at the same moment: the unique external_id decides, every
    caller gets the same case back and none gets a 5xx."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    from django.test import Client

    settings.HOTLINE_SECRET = SECRET
    world = build_world()
    UserFactory(username="hotline", role=Role.COUNTY_DISPATCHER, area=world.county)
    body = _body(world, hotline_id="12345-race")
    barrier = threading.Barrier(5)
    answers = []

    def send():
        try:
            barrier.wait(10)
            response = _post(Client(), body, _sign(body))
            answers.append((response.status_code, response.json().get("number")))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(code for code, _n in answers) == [200, 200, 200, 200, 201]
    assert len({n for _c, n in answers}) == 1
    assert Case.objects.filter(external_id="12345-race").count() == 1
