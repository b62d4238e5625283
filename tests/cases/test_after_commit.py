"""Side effects of a case action start only after its transaction commits: the hook
(`signals_out.register`) receives the committed event's id, never a rolled-back one."""
import pytest
from django.db import transaction

from apps.cases import services, signals_out
from apps.cases.models import CaseEvent


@pytest.fixture
def seen():
    received = []
    receiver = signals_out.register(received.append)
    yield received
    signals_out._receivers.remove(receiver)


def test_receiver_gets_the_event_after_commit(world, file_case, seen, django_capture_on_commit_callbacks):
    case = file_case()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_accept(case=case, actor=world.dan)
    assert seen == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert seen == [CaseEvent.objects.get(case=case, action="accept").pk]


def test_a_rolled_back_action_tells_nobody(world, file_case, seen, django_capture_on_commit_callbacks):
    case = file_case()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.case_accept(case=case, actor=world.dan)
                raise RuntimeError("the caller's transaction fails afterwards")
        except RuntimeError:
            pass
    assert callbacks == [] and seen == []
    assert not CaseEvent.objects.filter(case=case, action="accept").exists()


def test_a_failing_receiver_does_not_break_the_action_or_the_others(world, file_case, seen,
                                                                   django_capture_on_commit_callbacks):
    def broken(event_id):
        raise ValueError("webhook down")

    signals_out._receivers.insert(0, broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = services.case_accept(case=file_case(), actor=world.dan)
    finally:
        signals_out._receivers.remove(broken)
    assert case.status == "accepted" and len(seen) == 1


def test_a_resident_rating_is_announced_too(world, file_case, seen, django_capture_on_commit_callbacks):
    case = file_case()
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    services.case_resolve(case=case, actor=world.deb)
    services.case_close(case=case, actor=world.dan)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_rate(case=case, satisfaction="satisfied", source="resident")
    assert seen[-1] == CaseEvent.objects.get(case=case, action="rate").pk
