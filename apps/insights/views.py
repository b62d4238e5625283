from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from apps.accounts.models import Role

from . import kpis

PERIODS = ("month", "year", "30d")


def period_bounds(period, now=None):
    """[start, end) of a named period in local time."""
    now = timezone.localtime(now or timezone.now())
    tz = now.tzinfo
    if period == "year":
        start = datetime(now.year, 1, 1, tzinfo=tz)
    elif period == "30d":
        start = datetime.combine((now - timedelta(days=30)).date(), time.min, tzinfo=tz)
    else:
        start = datetime(now.year, now.month, 1, tzinfo=tz)
    return start, now + timedelta(seconds=1)


def may_view_insights(user):
    return user.is_authenticated and (
        user.sees_everything or user.role in (Role.LEADER, Role.COUNTY_DISPATCHER, Role.TOWNSHIP_DISPATCHER)
    )


@login_required
def dashboard(request):
    if not may_view_insights(request.user):
        raise Http404
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    start, end = period_bounds(period)
    return render(request, "insights/dashboard.html", {
        "kpis": kpis.summary_for(request.user, start, end), "period": period, "start": start, "end": end,
        "scope": request.user.scope_area,
    })
