"""The escalation sweep: overdue cases climb one level per missed deadline, once."""
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from apps.cases import signals_out
from apps.cases.models import Case, CaseEvent, Category
from apps.cases.services import case_act
from apps.core.worktime import deadline_after
from apps.dispatch.escalation import escalate_overdue, register_whistle_hook, _whistle_hooks
from apps.dispatch.models import Escalation
from apps.dispatch.tasks import deliver_case_events
from apps.grids.models import Level

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 11, 3, 9, 0, tzinfo=SH)


def test_escalates_overdue_case_to_parent_area(world, file_case):
    case = file_case(now=MONDAY)
    assert (case.level, case.handling_area) == (Level.VILLAGE, world.v1)
    sweep_at = case.deadline + timedelta(minutes=1)

    assert escalate_overdue(now=sweep_at) == 1

    case.refresh_from_db()
    assert (case.level, case.handling_area) == (Level.TOWNSHIP, world.t1)
    assert case.deadline == deadline_after(sweep_at, world.category.hours_for(Level.TOWNSHIP))
    assert case.deadline_provisional is False
    event = case.events.get(action="escalate")
    assert event.actor is None and event.unit == world.t1 and event.level == Level.TOWNSHIP
    assert world.v1.name in event.note and world.t1.name in event.note
    escalation = Escalation.objects.get(case=case)
    assert (escalation.from_level, escalation.to_level, escalation.to_area) == (Level.VILLAGE, Level.TOWNSHIP, world.t1)


def test_a_second_sweep_escalates_nothing(world, file_case):
    case = file_case(now=MONDAY)
    sweep_at = case.deadline + timedelta(minutes=1)
    escalate_overdue(now=sweep_at)
    assert escalate_overdue(now=sweep_at) == 0
    assert escalate_overdue(now=sweep_at + timedelta(minutes=5)) == 0
    assert case.events.filter(action="escalate").count() == 1


def test_a_case_within_its_deadline_is_left_alone(world, file_case):
    case = file_case(now=MONDAY)
    assert escalate_overdue(now=case.deadline - timedelta(minutes=1)) == 0
    case.refresh_from_db()
    assert case.level == Level.VILLAGE and not case.escalations.exists()


def test_rejected_and_resolved_cases_do_not_escalate(world, file_case):
    rejected = file_case(now=MONDAY)
    case_act(case=rejected, actor=world.tom, action="reject", note="重复", now=MONDAY)
    assert escalate_overdue(now=MONDAY + timedelta(days=30)) == 0
    assert Case.objects.get(pk=rejected.pk).level == Level.VILLAGE


def test_an_overdue_case_climbs_one_level_per_missed_deadline_and_is_flagged_once_at_the_county(world):
    grid_category = Category.objects.create(code="0299", name="井盖缺失", parent=world.parent_category,
                                            default_level=Level.GRID)
    from apps.cases.services import case_create

    case = case_create(actor=world.alice, category=grid_category, description="井盖缺失",
                       latitude=world.point_a[0], longitude=world.point_a[1], now=MONDAY)
    assert case.level == Level.GRID
    climbed = []
    for _step in range(6):
        case.refresh_from_db()
        escalate_overdue(now=case.deadline + timedelta(minutes=1))
        case.refresh_from_db()
        climbed.append(case.handling_area)
    assert climbed == [world.v1, world.t1, world.county, world.county, world.county, world.county]
    assert case.level == Level.COUNTY
    assert list(case.escalations.order_by("at").values_list("to_level", "at_top")) == [
        (Level.VILLAGE, False), (Level.TOWNSHIP, False), (Level.COUNTY, False), (Level.COUNTY, True)]
    assert case.events.filter(action="overdue_at_top").count() == 1


def test_escalation_events_reach_the_receivers_through_one_task_per_batch(
        world, file_case, django_capture_on_commit_callbacks):
    cases = [file_case(now=MONDAY) for _i in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        escalate_overdue(now=max(c.deadline for c in cases) + timedelta(minutes=1), batch_size=2)
    assert len(callbacks) == 2  # one per committed batch, run only after its commit
    events = list(CaseEvent.objects.filter(action="escalate").values_list("pk", flat=True))
    seen = []
    receiver = signals_out.register(seen.append)
    try:
        deliver_case_events(events)  # what the enqueued task runs (a real worker: test_escalation_worker.py)
    finally:
        signals_out._receivers.remove(receiver)
    assert sorted(seen) == sorted(events) and len(events) == 3


def test_a_failing_whistle_hook_does_not_stop_the_escalation(world, file_case):
    case = file_case(now=MONDAY)

    def failing_hook(**kwargs):
        Escalation.objects.filter(case=kwargs["case"]).delete()  # undone with the hook's savepoint
        raise RuntimeError("whistle service down")

    register_whistle_hook(failing_hook)
    try:
        escalate_overdue(now=case.deadline + timedelta(minutes=1))  # village → township: no whistle
        case.refresh_from_db()
        assert escalate_overdue(now=case.deadline + timedelta(minutes=1)) == 1  # township → county
    finally:
        _whistle_hooks.remove(failing_hook)
    case.refresh_from_db()
    assert case.level == Level.COUNTY and case.escalations.count() == 2


def test_the_township_to_county_step_calls_the_whistle_hook(world, file_case):
    case = file_case(now=MONDAY)
    calls = []

    def hook(*, case, escalation, now):
        calls.append((case.pk, escalation.from_level, escalation.to_level))

    register_whistle_hook(hook)
    try:
        escalate_overdue(now=case.deadline + timedelta(minutes=1))
        assert calls == []
        case.refresh_from_db()
        escalate_overdue(now=case.deadline + timedelta(minutes=1))
    finally:
        _whistle_hooks.remove(hook)
    assert calls == [(case.pk, Level.TOWNSHIP, Level.COUNTY)]


def test_a_new_deadline_running_into_an_unpublished_year_is_provisional(world, file_case):
    case = file_case(now=datetime(2026, 12, 28, 9, tzinfo=SH))
    sweep_at = case.deadline + timedelta(minutes=1)  # 2026-12-29 17:01; 24 h reach 2027
    with translation.override("en"):
        escalate_overdue(now=sweep_at)
    case.refresh_from_db()
    assert case.level == Level.TOWNSHIP
    assert case.deadline.year == 2027 and case.deadline_provisional is True
    assert "provisional" in case.events.get(action="escalate").note


def test_the_database_refuses_a_second_escalation_for_one_deadline(world, file_case):
    case = file_case(now=MONDAY)
    escalate_overdue(now=case.deadline + timedelta(minutes=1))
    first = Escalation.objects.get(case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(case=case, missed_deadline=first.missed_deadline, from_level=first.from_level,
                                  to_level=first.to_level, from_area=first.from_area, to_area=first.to_area,
                                  at=first.at)


def test_small_batches_escalate_every_overdue_case(world, file_case):
    cases = [file_case(now=MONDAY) for _i in range(7)]
    sweep_at = max(c.deadline for c in cases) + timedelta(minutes=1)
    assert escalate_overdue(now=sweep_at, batch_size=3) == 7
    assert Escalation.objects.count() == 7
    assert escalate_overdue(now=sweep_at, batch_size=3) == 0


def test_command_prints_escalated_n_last(world, file_case):
    case = file_case(now=MONDAY)
    out = StringIO()
    at = (case.deadline + timedelta(minutes=1)).astimezone(SH).replace(tzinfo=None).isoformat()
    call_command("escalate_overdue", "--at", at, stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "escalated 1"
    out = StringIO()
    call_command("escalate_overdue", "--at", at, stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == "escalated 0"


def test_command_refuses_a_malformed_moment(db):
    with pytest.raises(CommandError, match="ISO-8601"):
        call_command("escalate_overdue", "--at", "yesterday-ish")


def test_beat_sends_the_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["escalate-overdue"]
    assert entry["task"] == "apps.dispatch.tasks.escalate_overdue"
    assert entry["schedule"] == 60.0
