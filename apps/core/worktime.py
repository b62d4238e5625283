"""Deadlines in working time. Every deadline in the platform is computed here.

`deadline_after(start, hours)` is THE deadline function; `deadline_info(start, hours)`
returns the same deadline plus whether it is provisional.

A time limit counts working hours: the periods of settings.WORKTIME_PERIODS (default
08:30–12:00 and 14:00–18:00, Asia/Shanghai) on working days. Whether a day is a working
day comes from, in order:

1. the override table `core.CalendarDay` (admin-editable; where the published schedule of
   a new year is entered);
2. the `chinese-calendar` package: weekends, public holidays and adjusted working days
   (调休) of the years it knows (1.11.0: 2004–2026);
3. for a year neither knows: weekends plus the fixed-date statutory holidays (元旦 1/1,
   劳动节 5/1–5/2, 国庆 10/1–10/3). Lunar holidays (春节, 端午, 中秋) and 清明 cannot be
   placed without the official schedule, so a deadline whose count touched such a year
   is marked provisional: the case shows it, /healthz and the admin warn, and the
   deadline is recomputed for real once the year is entered (next escalation or
   extension). Nothing raises: an unknown year never stops filing or escalation.
"""
import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

# Fixed-date statutory holidays (全体公民放假的节日) used only for years nobody published.
FALLBACK_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节",
                     (10, 3): "国庆节"}
# A count that finds no working time for this many days gives up (every day overridden
# as a holiday, say) and falls back to plain hours, marked provisional, instead of looping.
MAX_DAYS = 3 * 366


def working_periods():
    """[(start time, end time), …] of one working day, from settings."""
    return settings.WORKTIME_PERIODS


def package_knows(year):
    """Whether `chinese-calendar` has the official schedule of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides_from(first_day):
    from .models import CalendarDay

    rows = CalendarDay.objects.filter(date__gte=first_day).values_list("date", "is_working_day")
    return dict(rows)


def _override_years():
    from .models import CalendarDay

    return {d.year for d in CalendarDay.objects.dates("date", "year")}


class _Days:
    """Working-day answers for one computation: overrides read once, years' status cached."""

    def __init__(self, first_day):
        self.overrides = _overrides_from(first_day)
        self.override_years = {d.year for d in self.overrides}
        self.provisional = False

    def is_working(self, day):
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            pass
        if day.year not in self.override_years:
            self.provisional = True
        # A year the package does not know (entered by override or not at all): weekends
        # and fixed statutory dates are days off.
        return day.weekday() < 5 and (day.month, day.day) not in FALLBACK_HOLIDAYS


def deadline_info(start, hours):
    """(deadline, provisional): the moment `hours` working hours after `start`.

    `start` is an aware datetime; the result is aware, in the current time zone. Starting
    outside working time counts from the next working period. Zero hours → `start`.
    """
    if hours <= 0:
        return start, False
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    days = _Days(local.date())
    remaining = timedelta(hours=hours)
    day = local.date()
    cursor = local
    for _i in range(MAX_DAYS):
        if days.is_working(day):
            for begin, end in working_periods():
                period_start = timezone.make_aware(datetime.combine(day, begin), tz)
                period_end = timezone.make_aware(datetime.combine(day, end), tz)
                if cursor >= period_end:
                    continue
                begin_at = max(cursor, period_start)
                available = period_end - begin_at
                if remaining <= available:
                    return begin_at + remaining, days.provisional
                remaining -= available
                cursor = period_end
        day += timedelta(days=1)
        cursor = timezone.make_aware(datetime.combine(day, time.min), tz)
    logger.error("no working time within %s days after %s; counting plain hours", MAX_DAYS, start)
    return start + timedelta(hours=hours), True


def deadline_after(start, hours):
    """The deadline `hours` working hours after `start` (see deadline_info)."""
    return deadline_info(start, hours)[0]


def provisional_years(today=None):
    """Years in use (this one and the next, since December deadlines reach into it) whose
    holiday schedule nobody knows yet: shown by /healthz and the admin as a warning."""
    today = today or timezone.localdate()
    entered = _override_years()
    return [year for year in (today.year, today.year + 1) if year not in entered and not package_knows(year)]
