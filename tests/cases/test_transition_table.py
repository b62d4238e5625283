"""Every state × action × role: allowed ones succeed with exactly one timeline event,
the others are refused with a reason and change nothing."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from apps.accounts.models import Role
from apps.cases import services, workflow
from apps.cases.models import Case, CaseEvent
from apps.cases.workflow import ACTIONS, Status
from apps.core.exceptions import NotPermitted, TransitionNotAllowed
from apps.dispatch.models import Ticket
from tests.factories import UserFactory
from tests.images import jpeg_bytes


class Rollback(Exception):
    pass


def actors(world):
    return {
        Role.GRID_WORKER: world.alice, Role.VILLAGE_CADRE: world.vera, Role.TOWNSHIP_DISPATCHER: world.tom,
        Role.COUNTY_DISPATCHER: world.dan, Role.DEPARTMENT_OFFICIAL: world.deb, Role.LEADER: world.lee,
        Role.MEDIATOR: UserFactory(username="mia", role=Role.MEDIATOR, area=world.county),
        Role.ADMIN: UserFactory(username="ada", role=Role.ADMIN, area=world.county),
    }


def case_in(world, file_case, status, original):
    case = file_case()
    # Put the case straight into the state under test, with what its guards look at:
    # a lead ticket held by 城管, a waiting extension request, and a past resolution.
    Case.objects.filter(pk=case.pk).update(status=status, extension_requested_hours=8, reopened_count=1)
    Ticket.objects.create(case=case, department=world.urban, is_lead=True, created_at=case.created_at,
                          sign_deadline=case.deadline, finish_deadline=case.deadline)
    return Case.objects.get(pk=case.pk)


def inputs_for(action, world, original):
    return {
        "merge": {"original": original},
        "dispatch": {"department": world.police},
        "push_down": {"target_area": world.grid_a},
        "request_extension": {"hours": 8},
        "resolve_on_spot": {"photos": [SimpleUploadedFile("after.jpg", jpeg_bytes())]},
    }.get(action, {})


def try_action(case, actor, action, world, original):
    """Take the action inside a savepoint that is always rolled back, so every attempt
    starts from the same case. The case's guard fields are set so the guard holds."""
    try:
        with transaction.atomic():
            pending = None if ACTIONS[action].guard == "no_extension_pending" else 8
            Case.objects.filter(pk=case.pk).update(extension_requested_hours=pending)
            before_status = Case.objects.get(pk=case.pk).status
            before_events = CaseEvent.objects.filter(case=case).count()
            try:
                result = services.case_act(case=case, actor=actor, action=action, note="理由说明",
                                           **inputs_for(action, world, original))
            except (NotPermitted, TransitionNotAllowed) as refused:
                after = Case.objects.get(pk=case.pk)
                assert after.status == before_status
                assert CaseEvent.objects.filter(case=case).count() == before_events
                assert refused.message.strip()
                raise Rollback("refused", refused.message) from None
            events = CaseEvent.objects.filter(case=case).count() - before_events
            raise Rollback("ok", (result.status, events))
    except Rollback as done:
        return done.args


@pytest.mark.parametrize("status", list(Status))
def test_every_action_and_role_in_this_state_follows_the_table(world, file_case, status):
    original = file_case(point=world.point_b)
    people = actors(world)
    case = case_in(world, file_case, status, original)
    for action in ACTIONS.values():
        for role, actor in people.items():
            outcome, detail = try_action(case, actor, action.name, world, original)
            allowed = status in action.sources and role in action.roles
            assert outcome == ("ok" if allowed else "refused"), (status, action.name, role, detail)
            if allowed:
                new_status, events = detail
                assert events == 1, (status, action.name, role)
                assert new_status == (action.target or status), (status, action.name, role)


def test_guards_refuse_with_their_own_reason(world, file_case):
    case = file_case()
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.case_grant_extension(case=case, actor=world.dan)
    assert refused.value.code == "extension_pending"
    services.case_request_extension(case=case, actor=world.deb, hours=8, note="需协调施工队")
    with pytest.raises(TransitionNotAllowed):
        services.case_request_extension(case=case, actor=world.deb, hours=8, note="again")
    before = Case.objects.get(pk=case.pk).deadline
    case = services.case_grant_extension(case=case, actor=world.dan)
    assert case.deadline > before and case.extension_requested_hours is None
    assert workflow.actions_for(case, Role.COUNTY_DISPATCHER) == []  # nothing for a dispatcher now


def test_co_handler_finishing_does_not_resolve_the_case(world, file_case):
    case = services.case_dispatch(case=file_case(), actor=world.dan, department=world.urban,
                                  co_departments=[world.police])
    case = services.case_resolve(case=case, actor=world.pete, note="协办部分完成")
    assert case.status == Status.DISPATCHED
    case = services.case_resolve(case=case, actor=world.deb, note="主办完成")
    assert case.status == Status.RESOLVED


def test_return_sends_the_case_back_to_triage_with_the_reason(world, file_case):
    case = services.case_dispatch(case=file_case(), actor=world.dan, department=world.urban)
    case = services.case_return(case=case, actor=world.deb, note="属于公安职责")
    assert case.status == Status.RETURNED
    assert case.tickets.get().status == Ticket.Status.RETURNED
    assert case.events.last().note == "属于公安职责"
    case = services.case_dispatch(case=case, actor=world.dan, department=world.police)
    assert case.status == Status.DISPATCHED


def test_reopen_counts_rework(world, file_case):
    case = services.case_dispatch(case=file_case(), actor=world.dan, department=world.urban)
    case = services.case_resolve(case=case, actor=world.deb)
    case = services.case_reopen(case=case, actor=world.alice, note="现场仍有摊位")
    assert case.status == Status.ACCEPTED and case.reopened_count == 1
    assert case.tickets.get().status == Ticket.Status.DONE  # the department's report stays on record
    case = services.case_dispatch(case=case, actor=world.dan, department=world.urban, note="返工")
    assert case.status == Status.DISPATCHED and case.tickets.count() == 2
