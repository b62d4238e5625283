"""Two dispatchers act on one case at the same moment: exactly one wins, the other gets
409, and the timeline has one event. Needs real row locks: PostgreSQL."""
import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from apps.cases import workflow
from apps.cases.models import CaseEvent
from tests.conftest import build_world

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (CI runs this on PostgreSQL)"
)


def test_conflicting_actions_at_once_one_wins_one_gets_409(transactional_db, monkeypatch):
    from apps.cases.services import case_create

    world = build_world()
    lat, lng = world.point_a
    case = case_create(actor=world.alice, category=world.category, description="占道", latitude=lat, longitude=lng)
    second = build_county_dispatcher(world)

    # Hold each transaction open a moment after its check, so both requests are inside
    # at the same time: without the row lock both checks would pass.
    real_check = workflow.check

    def slow_check(*args, **kwargs):
        result = real_check(*args, **kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(workflow, "check", slow_check)
    barrier = threading.Barrier(2)
    results = {}

    def act(name, user, action, data):
        client = APIClient()
        client.force_authenticate(user)
        barrier.wait()
        try:
            results[name] = client.post(f"/api/cases/{case.pk}/actions/{action}/", data, format="json").status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("dispatch", world.dan, "dispatch", {"department": world.urban.pk})),
        threading.Thread(target=act, args=("reject", second, "reject", {"note": "重复"})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == [200, 409], results
    assert CaseEvent.objects.filter(case=case).exclude(action="file").count() == 1


def build_county_dispatcher(world):
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="dora", role=Role.COUNTY_DISPATCHER, area=world.county)


def run_at_once(*calls):
    """Run each callable in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # the test inspects what each got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_filings_at_once_get_distinct_numbers_without_gaps(transactional_db):
    from apps.cases.services import case_create

    world = build_world()
    lat, lng = world.point_a

    def file():
        return case_create(actor=world.alice, category=world.category, description="同时上报", latitude=lat,
                           longitude=lng).number

    numbers = run_at_once(*[file] * 6)
    assert all(isinstance(n, str) for n in numbers), numbers
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + 6))


def test_resident_rating_and_phone_callback_at_once_rate_the_case_once(transactional_db, monkeypatch):
    from apps.cases import services
    from apps.cases.models import Case
    from apps.core.exceptions import TransitionNotAllowed

    world = build_world()
    lat, lng = world.point_a
    case = services.case_create(actor=world.alice, category=world.category, description="占道", latitude=lat,
                                longitude=lng)
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    services.case_resolve(case=case, actor=world.deb)
    services.case_close(case=case, actor=world.dan)
    results = run_at_once(
        lambda: services.case_rate(case=case, satisfaction="dissatisfied", source="resident"),
        lambda: services.case_rate(case=case, satisfaction="satisfied", source="callback", actor=world.dan),
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, TransitionNotAllowed) for r in results) == 1, results
    assert CaseEvent.objects.filter(case=case, action__in=["rate", "reopen"]).count() == 1
