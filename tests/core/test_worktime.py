"""Deadlines count working hours on the real Chinese calendar (2025/2026 dates), and a year
nobody has published yet falls back to weekends + fixed statutory dates, provisionally,
until its schedule is entered in the override table."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.models import CalendarDay
from apps.core.worktime import deadline_after, deadline_info, package_knows, provisional_years

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def test_hours_inside_one_working_day_skip_the_lunch_break(db):
    # Tuesday 2025-11-04 10:00 + 4 h: 2 h before lunch, 2 h after 14:00.
    assert deadline_after(at(2025, 11, 4, 10), 4) == at(2025, 11, 4, 16)


def test_a_period_is_used_up_exactly_at_its_end(db):
    assert deadline_after(at(2025, 11, 4, 8, 30), 3.5) == at(2025, 11, 4, 12)


def test_starting_outside_working_time_counts_from_the_next_period(db):
    # Tuesday 20:00 → Wednesday 08:30 + 1 h.
    assert deadline_after(at(2025, 11, 4, 20), 1) == at(2025, 11, 5, 9, 30)


def test_deadline_across_national_day_2025_skips_the_eight_day_holiday(db):
    # Tue 2025-09-30 16:00 + 8 h: 2 h that day; 10/1–10/8 are off (国庆+中秋);
    # Thu 10/9: 3.5 h in the morning, 2.5 h after lunch → 16:30.
    deadline, provisional = deadline_info(at(2025, 9, 30, 16), 8)
    assert deadline == at(2025, 10, 9, 16, 30)
    assert provisional is False


def test_adjusted_sunday_2025_09_28_is_a_working_day(db):
    # Fri 2025-09-26 17:00 + 4 h: 1 h on Friday, Saturday off, Sunday 9/28 works (调休).
    assert deadline_after(at(2025, 9, 26, 17), 4) == at(2025, 9, 28, 11, 30)


def test_adjusted_saturday_2025_10_11_is_a_working_day(db):
    # Fri 2025-10-10 17:00 + 2 h: 1 h on Friday, 1 h on Saturday 10/11 (调休上班).
    assert deadline_after(at(2025, 10, 10, 17), 2) == at(2025, 10, 11, 9, 30)


def test_an_ordinary_weekend_is_skipped(db):
    # Fri 2025-11-07 17:00 + 2 h → Monday 11/10 09:30.
    assert deadline_after(at(2025, 11, 7, 17), 2) == at(2025, 11, 10, 9, 30)


def test_late_december_2026_into_unknown_2027_falls_back_and_is_provisional(db):
    assert not package_knows(2027)
    # Wed 2026-12-30 14:00 + 24 h: 4 h, Thu 12/31 7.5 h (11.5), 1/1 元旦 (fixed date) off,
    # weekend off, Mon 1/4 7.5 h (19), Tue 1/5 3.5 h + 1.5 h → 15:30.
    deadline, provisional = deadline_info(at(2026, 12, 30, 14), 24)
    assert deadline == at(2027, 1, 5, 15, 30)
    assert provisional is True


def test_late_december_2026_into_2027_after_the_schedule_is_entered(db):
    # The published 2027 schedule entered by an administrator (元旦 off; Saturday 1/2 made a
    # working day for the sake of the example): the same count is exact and not provisional.
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    CalendarDay.objects.create(date=date(2027, 1, 2), is_working_day=True, name="调休上班")
    deadline, provisional = deadline_info(at(2026, 12, 30, 14), 24)
    assert deadline == at(2027, 1, 4, 15, 30)
    assert provisional is False


def test_a_deadline_wholly_inside_2026_is_not_provisional_even_in_december(db):
    deadline, provisional = deadline_info(at(2026, 12, 28, 9), 8)
    assert deadline == at(2026, 12, 29, 9, 30)  # 3 h + 4 h on Monday, 1 h on Tuesday
    assert provisional is False


def test_an_override_wins_over_the_package_in_a_known_year(db):
    # A local day off on Tuesday 2025-11-04 (e.g. a typhoon) moves the count to Wednesday.
    CalendarDay.objects.create(date=date(2025, 11, 4), is_working_day=False, name="台风停工")
    assert deadline_after(at(2025, 11, 4, 10), 1) == at(2025, 11, 5, 9, 30)
    # …and the rest of 2025 still follows the package (National Day still off).
    assert deadline_after(at(2025, 9, 30, 16), 8) == at(2025, 10, 9, 16, 30)


def test_years_far_outside_the_package_do_not_crash(db):
    deadline, provisional = deadline_info(at(2031, 9, 30, 17), 2)
    assert provisional is True
    assert deadline == at(2031, 10, 6, 9, 30)  # 10/1–10/3 fixed, 10/4–5 weekend


def test_provisional_years_names_next_year_until_it_is_entered(db):
    assert provisional_years(today=date(2026, 11, 24)) == [2027]
    assert provisional_years(today=date(2025, 11, 24)) == []
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    assert provisional_years(today=date(2026, 11, 24)) == []


def test_working_hours_come_from_settings(db, settings):
    settings.WORKTIME_PERIODS = [(time(9), time(17))]
    assert deadline_after(at(2025, 11, 4, 16), 2) == at(2025, 11, 5, 10)


def test_zero_hours_is_the_start_itself(db):
    start = at(2025, 10, 3, 3)
    assert deadline_info(start, 0) == (start, False)


@pytest.mark.parametrize("value", ["8:30-12", "12:00-08:30", "08:30-12:00,11:00-18:00", "nonsense"])
def test_bad_working_hours_setting_refuses_to_start(monkeypatch, value):
    from govplatform.settings import _work_periods

    monkeypatch.setenv("WORKTIME_PERIODS", value)
    with pytest.raises(ImproperlyConfigured):
        _work_periods("WORKTIME_PERIODS", "08:30-12:00")
