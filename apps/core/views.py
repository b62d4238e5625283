from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_beat, check_broker, check_calendar, check_database


@never_cache
@require_GET
def healthz(request):
    """Machine-readable health: 200 when database, broker and beat are fine, else 503
    with the failing part named in `failing`."""
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    beat_ok, beat_age, beat_detail = check_beat() if db_ok else (False, None, "database down")
    failing = [name for name, ok in (("database", db_ok), ("broker", broker_ok), ("beat", beat_ok)) if not ok]
    body = {
        "status": "ok" if not failing else "fail",
        "database": "ok" if db_ok else db_detail,
        "broker": "ok" if broker_ok else broker_detail,
        "beat_seconds_ago": beat_age,
        "beat": beat_detail,
        "failing": failing,
    }
    if db_ok:
        # Warnings do not fail the check: everything keeps working, less precisely.
        provisional, calendar_detail = check_calendar()
        body["calendar"] = calendar_detail
        body["calendar_provisional_years"] = provisional
        body["warnings"] = [calendar_detail] if provisional else []
    return JsonResponse(body, status=200 if not failing else 503)


def home(request):
    """Send each person to the page their work starts on."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    return redirect(user.home_url())
