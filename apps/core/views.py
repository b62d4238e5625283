from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .exceptions import DomainError, OutOfScope
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


def call_service(request, service, **kwargs):
    """Run a write service for an HTML page, as the person asking.

    Returns (result, None), or (None, message) when the service refused with a domain
    error, for the page to show. Out of scope is a plain 404, never a message that would
    confirm the object exists."""
    try:
        return service(actor=request.user, **kwargs), None
    except OutOfScope:
        raise Http404 from None
    except DomainError as exc:
        return None, exc.message
