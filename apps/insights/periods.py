"""Periods a leader picks: whole local days [start, end)."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput

CHOICES = ("30d", "90d", "month", "year")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date  # exclusive

    @property
    def days(self):
        return (self.end - self.start).days

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    def bounds(self):
        """Aware datetimes [start, end) at local midnight."""
        tz = timezone.get_current_timezone()
        return (timezone.make_aware(datetime.combine(self.start, time.min), tz),
                timezone.make_aware(datetime.combine(self.end, time.min), tz))


def _month_start(day, back=0):
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _shift_year(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def parse(code, today=None):
    """A period from its code: 30d, 90d, month (month to date), year (year to date) or
    YYYY-MM (a whole calendar month). Unknown codes are refused with a clear message."""
    today = today or timezone.localdate()
    code = (code or "month").strip()
    tomorrow = today + timedelta(days=1)
    if code == "30d":
        return Period(code, tomorrow - timedelta(days=30), tomorrow)
    if code == "90d":
        return Period(code, tomorrow - timedelta(days=90), tomorrow)
    if code == "month":
        return Period(code, today.replace(day=1), tomorrow)
    if code == "year":
        return Period(code, date(today.year, 1, 1), tomorrow)
    match = MONTH.match(code)
    if match and 2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        return Period(code, start, _month_start(start, back=-1))
    raise InvalidInput(
        _("Unknown period “%(code)s”: choose 30d, 90d, month, year or a month as YYYY-MM.") % {"code": code[:20]},
        field="period",
    )


def previous(period):
    """The period to compare with: the same span just before (30d, 90d), the same days of
    the previous month (month to date) or year (year to date), or the previous whole month."""
    if period.code in ("30d", "90d"):
        return Period(period.code, period.start - timedelta(days=period.days), period.start)
    if period.code == "month":
        start = _month_start(period.start, back=1)
        return Period(period.code, start, min(start + timedelta(days=period.days), period.start))
    if period.code == "year":
        return Period(period.code, _shift_year(period.start, -1), _shift_year(period.end, -1))
    start = _month_start(period.start, back=1)
    return Period(f"{start:%Y-%m}", start, period.start)


def month_options(today=None, count=24):
    today = today or timezone.localdate()
    return [f"{_month_start(today, back=i):%Y-%m}" for i in range(count)]
