"""Whistle and report 吹哨报到: a township dispatcher (or the escalation) summons county
departments; each reports within the working-time limit or is recorded late/missing; the
whistling unit rates them; report rate and average report time per department."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope, TransitionNotAllowed
from apps.core.worktime import deadline_after
from apps.dispatch import whistle
from apps.dispatch.escalation import escalate_overdue
from apps.dispatch.models import Notification, Summons, Ticket, Whistle
from apps.dispatch.selectors import department_report_stats
from apps.grids.models import Level

SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2025, 11, 3, 9, 0, tzinfo=SH)  # an ordinary working Monday


@pytest.fixture
def case(file_case):
    return file_case(now=MONDAY_9)


def _blow(case, world, departments=None, now=MONDAY_9):
    return whistle.whistle_blow(case=case, actor=world.tom, departments=departments or [world.urban, world.police],
                                note="占道严重，需联合执法", now=now)


def test_whistle_summons_each_department_with_a_working_time_limit(case, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = _blow(case, world)
    due = deadline_after(MONDAY_9, 2)
    assert {s.department for s in w.summonses.all()} == {world.urban, world.police}
    assert {s.due_at for s in w.summonses.all()} == {due}
    assert w.unit == world.t1 and w.report_hours == 2
    assert case.events.filter(action="whistle").exists()
    # the summoned departments' officials are told (after commit)
    assert Notification.objects.filter(user=world.deb, kind="whistle").exists()
    assert Notification.objects.filter(user=world.pete, kind="whistle").exists()


def test_report_limit_is_configurable_and_counted_in_working_time(case, world, settings):
    settings.WHISTLE_REPORT_HOURS = 4
    friday_5pm = datetime(2025, 11, 7, 17, 0, tzinfo=SH)
    w = _blow(case, world, now=friday_5pm)
    # 1 h left on Friday, 3 h on Monday morning: 08:30 + 3 h = 11:30.
    assert {s.due_at for s in w.summonses.all()} == {datetime(2025, 11, 10, 11, 30, tzinfo=SH)}


def test_on_time_and_late_reports_are_recorded_and_the_department_joins(case, world):
    w = _blow(case, world)
    urban, police = w.summonses.get(department=world.urban), w.summonses.get(department=world.police)
    on_time = whistle.whistle_report(summons=urban, actor=world.deb, now=MONDAY_9 + timedelta(minutes=40))
    late = whistle.whistle_report(summons=police, actor=world.pete, now=MONDAY_9 + timedelta(hours=8))
    assert (on_time.late, on_time.report_minutes) == (False, 40)
    assert (late.late, late.report_minutes) == (True, 480)
    # joined: a signed co-handling ticket lets the department see and act on the case
    assert Ticket.objects.get(case=case, department=world.urban).status == Ticket.Status.SIGNED
    with pytest.raises(TransitionNotAllowed):
        whistle.whistle_report(summons=urban, actor=world.deb)


def test_missing_reports_are_recorded_once(case, world, django_capture_on_commit_callbacks):
    w = _blow(case, world)
    whistle.whistle_report(summons=w.summonses.get(department=world.urban), actor=world.deb,
                           now=MONDAY_9 + timedelta(minutes=10))
    later = MONDAY_9 + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert whistle.record_missed_reports(now=later) == 1
    assert whistle.record_missed_reports(now=later + timedelta(hours=1)) == 0
    missed = w.summonses.get(department=world.police)
    assert missed.missed_at == later and missed.reported_at is None
    assert case.events.filter(action="whistle_missed", department=world.police).count() == 1
    assert Notification.objects.filter(user=world.tom, kind="whistle_missed").exists()


def test_only_the_whistling_unit_rates_once_and_within_1_to_5(case, world):
    w = _blow(case, world)
    s = whistle.whistle_report(summons=w.summonses.get(department=world.urban), actor=world.deb,
                               now=MONDAY_9 + timedelta(minutes=30))
    with pytest.raises(InvalidInput):
        whistle.whistle_rate(summons=s, actor=world.tom, timeliness=6, cooperation=5, professionalism=5)
    with pytest.raises(NotPermitted):
        whistle.whistle_rate(summons=s, actor=world.dan, timeliness=5, cooperation=5, professionalism=5)
    with pytest.raises(OutOfScope):
        whistle.whistle_rate(summons=s, actor=world.tina, timeliness=5, cooperation=5, professionalism=5)
    rated = whistle.whistle_rate(summons=s, actor=world.tom, timeliness=5, cooperation=4, professionalism=3)
    assert (rated.timeliness, rated.cooperation, rated.professionalism) == (5, 4, 3)
    with pytest.raises(TransitionNotAllowed):
        whistle.whistle_rate(summons=s, actor=world.tom, timeliness=1, cooperation=1, professionalism=1)


def test_report_rate_and_average_report_time_per_department(world, file_case):
    # Four whistles: 城管 reports on all four (20, 40 min and two late at 300 min); 公安 reports once, misses three.
    for n, (urban_minutes, police_minutes) in enumerate([(20, 60), (40, None), (300, None), (300, None)]):
        at = MONDAY_9 + timedelta(days=n)
        w = _blow(file_case(now=at, description=f"占道 {n}"), world, now=at)
        whistle.whistle_report(summons=w.summonses.get(department=world.urban), actor=world.deb,
                               now=at + timedelta(minutes=urban_minutes))
        if police_minutes:
            whistle.whistle_report(summons=w.summonses.get(department=world.police), actor=world.pete,
                                   now=at + timedelta(minutes=police_minutes))
    rows = {r["department_id"]: r for r in department_report_stats(now=MONDAY_9 + timedelta(days=10))}
    urban, police = rows[world.urban.pk], rows[world.police.pk]
    assert (urban["summoned"], urban["reported"], urban["late"], urban["missing"]) == (4, 4, 2, 0)
    assert urban["report_rate"] == 1.0 and urban["on_time_rate"] == 0.5
    assert urban["avg_report_minutes"] == pytest.approx(165)
    assert (police["reported"], police["missing"], police["report_rate"]) == (1, 3, 0.25)
    assert police["avg_report_minutes"] == pytest.approx(60)
    # scoped by whistling unit: nothing was blown in township T2
    assert department_report_stats(area=world.t2, now=MONDAY_9 + timedelta(days=10)) == []


def test_a_summons_still_running_is_not_counted_as_missing(case, world):
    _blow(case, world)
    assert department_report_stats(now=MONDAY_9 + timedelta(minutes=5)) == []


def test_only_county_departments_may_be_summoned_and_only_by_dispatchers(case, world):
    with pytest.raises(InvalidInput):
        whistle.whistle_blow(case=case, actor=world.tom, departments=[world.other_dept])
    with pytest.raises(InvalidInput):
        whistle.whistle_blow(case=case, actor=world.tom, departments=[])
    with pytest.raises(NotPermitted):
        whistle.whistle_blow(case=case, actor=world.vera, departments=[world.urban])
    with pytest.raises(OutOfScope):
        whistle.whistle_blow(case=case, actor=world.tina, departments=[world.urban])
    assert not Whistle.objects.exists()


def test_escalation_from_township_to_county_blows_the_whistle_on_the_departments_on_it(world, file_case):
    from apps.cases.services import case_dispatch

    case = file_case(now=MONDAY_9)
    case_dispatch(case=case, actor=world.tom, department=world.urban, now=MONDAY_9)
    # village → township, then township → county
    escalate_overdue(now=MONDAY_9 + timedelta(days=5))
    case.refresh_from_db()
    assert case.level == Level.TOWNSHIP
    assert not Whistle.objects.exists()
    escalate_overdue(now=MONDAY_9 + timedelta(days=30))
    case.refresh_from_db()
    assert case.level == Level.COUNTY
    w = Whistle.objects.get(case=case)
    assert w.by_escalation and w.blown_by is None and w.unit == world.t1
    assert [s.department for s in w.summonses.all()] == [world.urban]


def test_whistle_pages_work_for_the_people_concerned(client, case, world):
    client.force_login(world.tom)
    assert client.get(reverse("dispatch:whistle-blow", args=[case.pk])).status_code == 200
    response = client.post(reverse("dispatch:whistle-blow", args=[case.pk]),
                           {"departments": [world.urban.pk], "note": "联合执法"})
    assert response.status_code == 302
    summons = Summons.objects.get()
    client.force_login(world.deb)
    assert client.get(reverse("dispatch:whistles")).status_code == 200
    client.post(reverse("dispatch:summons-report", args=[summons.pk]), {"note": "已到场"})
    summons.refresh_from_db()
    assert summons.reported_at is not None
    client.force_login(world.tom)
    page = client.get(reverse("dispatch:whistles"))
    assert page.status_code == 200 and world.urban.name in page.content.decode()
    client.post(reverse("dispatch:summons-rate", args=[summons.pk]),
                {"timeliness": 5, "cooperation": 5, "professionalism": 4})
    summons.refresh_from_db()
    assert summons.professionalism == 4
    stats = client.get(reverse("dispatch:report-stats"))
    assert stats.status_code == 200 and "100.0%" in stats.content.decode()


def test_whistle_pages_refuse_people_out_of_scope(client, case, world):
    w = _blow(case, world)
    summons = w.summonses.get(department=world.urban)
    for person in (world.tina, world.olga, world.pete, world.carol):
        client.force_login(person)
        assert client.get(reverse("dispatch:whistle-blow", args=[case.pk])).status_code == 404, person
        assert client.post(reverse("dispatch:whistle-blow", args=[case.pk]),
                           {"departments": [world.urban.pk]}).status_code == 404, person
        assert client.post(reverse("dispatch:summons-report", args=[summons.pk])).status_code == 404, person
        assert client.post(reverse("dispatch:summons-rate", args=[summons.pk]),
                           {"timeliness": 1, "cooperation": 1, "professionalism": 1}).status_code == 404, person
    for person in (world.alice, world.deb):
        client.force_login(person)
        assert client.get(reverse("dispatch:report-stats")).status_code == 404
    summons.refresh_from_db()
    assert summons.reported_at is None and summons.rated_at is None
    assert Whistle.objects.count() == 1
