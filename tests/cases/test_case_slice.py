"""The thin slice through the services: grid worker files → county dispatcher dispatches →
department marks handled → dispatcher closes → the leader's figures change."""
import pytest
from django.utils import timezone

from apps.cases import services
from apps.cases.models import CaseEvent
from apps.cases.workflow import Status
from apps.core.exceptions import NotPermitted, OutOfScope, TransitionNotAllowed
from apps.insights.kpis import summary_for


def figures(user):
    now = timezone.now()
    return {k.key: k.value for k in summary_for(user, now.replace(year=now.year - 1), now.replace(year=now.year + 1))}


def test_case_goes_from_grid_to_leader_with_one_event_per_step(world, file_case):
    before = figures(world.lee)
    case = file_case()
    assert case.status == Status.REPORTED
    assert case.area == world.grid_a
    assert case.handling_area == world.v1  # the category is handled at village level
    assert case.number.startswith("341899-")

    case = services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    assert case.status == Status.DISPATCHED
    assert case.tickets.get().department == world.urban
    case = services.case_resolve(case=case, actor=world.deb, note="已清理")
    assert case.status == Status.RESOLVED
    case = services.case_close(case=case, actor=world.dan)
    assert case.status == Status.CLOSED

    events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    assert [(e.from_status, e.to_status) for e in events] == [
        ("", "reported"), ("reported", "dispatched"), ("dispatched", "resolved"), ("resolved", "closed")]
    assert [e.action for e in events] == ["file", "dispatch", "resolve", "close"]
    assert [e.actor for e in events] == [world.alice, world.dan, world.deb, world.dan]
    assert events[2].department == world.urban

    after = figures(world.lee)
    assert after["accepted"] == before["accepted"] + 1
    assert after["closed"] == before["closed"] + 1
    assert after["completion"] == 1.0


def test_dispatch_needs_an_accepted_or_reported_case(world, file_case):
    case = file_case()
    services.case_accept(case=case, actor=world.dan)
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    with pytest.raises(TransitionNotAllowed):
        services.case_dispatch(case=case, actor=world.dan, department=world.police)
    assert case.tickets.count() == 1


def test_timeline_events_are_immutable(world, file_case):
    from apps.cases.models import ImmutableError

    event = file_case().events.get()
    event.note = "rewritten"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()


def test_user_of_another_township_cannot_see_or_act_on_the_case(world, file_case):
    case = file_case()
    from apps.cases.models import Case

    assert not Case.objects.visible_to(world.tina).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(world.carol).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(world.olga).filter(pk=case.pk).exists()
    with pytest.raises(OutOfScope):
        services.case_accept(case=case, actor=world.tina)
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.events.count() == 1


def test_department_sees_only_cases_it_holds_a_ticket_on(world, file_case):
    from apps.cases.models import Case

    case = file_case()
    assert not Case.objects.visible_to(world.deb).filter(pk=case.pk).exists()
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    assert Case.objects.visible_to(world.deb).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(world.pete).filter(pk=case.pk).exists()
    with pytest.raises(OutOfScope):
        services.case_resolve(case=case, actor=world.pete)


def test_a_role_outside_the_table_is_refused_with_a_reason(world, file_case):
    case = file_case()
    with pytest.raises(NotPermitted) as exc:
        services.case_accept(case=case, actor=world.lee)
    assert "leader" in exc.value.message or "领导" in exc.value.message


def test_case_numbers_count_per_county_and_day_without_gaps(world, file_case):
    numbers = [file_case().number for _ in range(3)]
    sequences = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]


def test_guardian_grant_makes_one_case_visible_outside_scope(world, file_case):
    from guardian.shortcuts import assign_perm

    from apps.cases.models import Case

    case = file_case()
    assign_perm("cases.view_case", world.tina, case)
    assert list(Case.objects.visible_to(world.tina)) == [case]
