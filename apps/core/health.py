"""Checks behind /healthz. Each returns (ok, detail)."""
from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Heartbeat


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the detail names it
        return False, f"{exc.__class__.__name__}: {exc}"
    return True, connection.vendor


def check_broker():
    """Connect to the configured broker (Redis, or the filesystem queue) once, briefly."""
    from kombu import Connection

    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return False, f"{exc.__class__.__name__}: {exc}"
    return True, str(transport)


def check_beat():
    """Seconds since the beat heartbeat was last recorded by a worker, or None if never."""
    try:
        beat = Heartbeat.objects.filter(name="beat").first()
    except Exception as exc:
        return False, None, f"{exc.__class__.__name__}"
    if beat is None:
        return False, None, "no heartbeat recorded yet"
    age = (timezone.now() - beat.last_seen).total_seconds()
    ok = age <= settings.HEARTBEAT_MAX_AGE_SECONDS
    return ok, round(age, 1), "ok" if ok else f"last heartbeat {age:.0f} s ago"


def check_calendar():
    """Years in use (this and next) whose holiday schedule is unknown: deadlines reaching
    into them are provisional until an administrator enters the published schedule. A
    warning, not a failure: deadlines and escalation keep working on the fallback rule."""
    from .worktime import provisional_years

    try:
        years = provisional_years()
    except Exception as exc:
        return None, f"{exc.__class__.__name__}"
    if not years:
        return [], "ok"
    listed = ", ".join(str(y) for y in years)
    return years, (f"holiday schedule for {listed} not entered: deadlines reaching into it are provisional "
                   f"(weekends + fixed statutory dates); enter it under Admin → Calendar overrides")
