"""The residents' public page (no account): look a case up by its number and the access
code given at filing, see its status and a timeline without personal data, rate it once
after closing. Wrong number or code: the same plain "nothing found", and after
RESIDENT_LOOKUP_RATE failures from one address, or on one case number, a 429."""
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from apps.core.exceptions import DomainError

from . import selectors, services, workflow
from .forms import LookupForm, RatingForm
from .models import RatingSource
from .workflow import Status

GROUP_ADDRESS = "cases.resident-lookup.address"
GROUP_NUMBER = "cases.resident-lookup.number"


def _number_key(group, request):
    return (request.POST.get("number") or "").strip()[:40] or "-"


def _limited(request, *, count):
    """Whether this address or this case number has used up its failed look-ups;
    `count=True` records one more failure."""
    limited = False
    for group, key in ((GROUP_ADDRESS, "ip"), (GROUP_NUMBER, _number_key)):
        usage = get_usage(request, group=group, key=key, rate=settings.RESIDENT_LOOKUP_RATE, increment=count)
        # N/period allows N failures; the next attempt, right or wrong, waits for the window.
        limited |= usage is not None and usage["count"] >= usage["limit"]
    return limited


def _find(request, form):
    """(case, response-if-refused)."""
    if _limited(request, count=False):
        return None, _render(request, form, status=429,
                             error=_("Too many attempts. Wait a few minutes and try again."))
    case = selectors.resident_lookup(number=form.cleaned_data["number"], code=form.cleaned_data["code"])
    if case is None:
        _limited(request, count=True)
        return None, _render(request, form, status=404, error=_("No case matches that number and access code."))
    return case, None


def _render(request, form, *, case=None, status=200, error=None, rating_form=None, notice=None):
    context = {"form": form, "case": case, "error": error, "notice": notice}
    if case is not None:
        context.update(
            timeline=[
                {**e, "label": workflow.ACTIONS[e["action"]].label if e["action"] in workflow.ACTIONS
                 else _action_label(e["action"]), "status_label": Status(e["to_status"]).label}
                for e in selectors.resident_timeline(case)
            ],
            may_rate=case.status == Status.CLOSED and case.rated_at is None,
            rating_form=rating_form or RatingForm(),
        )
    response = render(request, "cases/public/track.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _action_label(action):
    return {"file": _("Filed"), "rate": _("Rated")}.get(action, action)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """GET: the look-up form. POST number + code: the case's status and timeline."""
    if request.method == "GET":
        return _render(request, LookupForm())
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400, error=_("Enter the case number and the access code."))
    case, refused = _find(request, form)
    return refused or _render(request, form, case=case)


@never_cache
@require_POST
def track_rate(request):
    """Rate a closed case once (评价); dissatisfied reopens it for the dispatcher's decision."""
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400, error=_("Enter the case number and the access code."))
    case, refused = _find(request, form)
    if refused:
        return refused
    rating = RatingForm(request.POST)
    if not rating.is_valid():
        return _render(request, form, case=case, status=400, rating_form=rating,
                       error=_("Choose how satisfied you are."))
    try:
        case = services.case_rate(case=case, source=RatingSource.RESIDENT, **rating.cleaned_data)
    except DomainError as exc:
        return _render(request, form, case=case, status=exc.status_code, error=exc.message)
    return _render(request, form, case=case, notice=_("Thank you for your rating."))
