"""The triage dashboard: a live queue with counts by state, deadline colours, filters,
duplicate hints and one-step accept / reject / merge / dispatch."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.cases import services as case_services
from apps.cases.models import Case
from apps.cases.workflow import ACTIONS, OPEN_STATUSES, Status
from apps.core.exceptions import DomainError, OutOfScope
from apps.grids.models import Department, Level

from .. import selectors
from ..filters import QueueFilter
from .tickets import tickets  # noqa: F401 (kept importable from here for old links)

ONE_STEP = ("accept", "reject", "merge", "dispatch")


def _departments(user):
    county = user.scope_area.ancestor_at(Level.COUNTY) if user.scope_area else None
    if county is None:
        return Department.objects.none()
    return Department.objects.filter(is_active=True, area__path__startswith=county.path).order_by("code")


@login_required
def queue(request):
    """The dispatcher's queue, oldest first. Without a state filter: cases waiting for a
    dispatcher's decision. htmx polls it and swaps in the fresh table (no full reload)."""
    if not request.user.is_dispatcher:
        raise Http404
    base = selectors.queue_cases(user=request.user)
    filterset = QueueFilter(request.GET or None, queryset=base, user=request.user)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    if not (filterset.is_bound and filterset.form.is_valid() and filterset.form.cleaned_data.get("state")):
        listed = filtered.filter(status__in=selectors.QUEUE_STATUSES)
    else:
        listed = filtered
    counts = selectors.state_counts(filtered.filter(status__in=OPEN_STATUSES))
    page = Paginator(listed.order_by("created_at", "pk"), 25).get_page(request.GET.get("page"))
    page.object_list = selectors.annotate_queue_page(page.object_list, user=request.user)
    context = {
        "page": page, "filter": filterset,
        "counts": [(s, Status(s).label, counts.get(s, 0)) for s in Status.values if s in OPEN_STATUSES],
        "departments": _departments(request.user), "one_step": ONE_STEP,
        "poll_url": request.get_full_path(),
    }
    template = "dispatch/_queue_live.html" if request.htmx else "dispatch/queue.html"
    return render(request, template, context)


@login_required
@require_POST
def queue_act(request, pk, action):
    """One step from the queue; back to the queue (with its filters) whatever the outcome."""
    if not request.user.is_dispatcher or action not in ONE_STEP:
        raise Http404
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    inputs = {}
    if action == "merge":
        raw = request.POST.get("original", "")
        inputs["original"] = Case.objects.visible_to(request.user).filter(pk=raw).first() if raw.isdigit() else None
        if inputs["original"] is None:
            messages.error(request, _("Choose the original case."))
            return _back(request)
    if action == "dispatch":
        raw = request.POST.get("department", "")
        department = _departments(request.user).filter(pk=raw).first() if raw.isdigit() else None
        if department is not None:
            inputs["department"] = department
        co = [d for d in _departments(request.user).filter(
            pk__in=[x for x in request.POST.getlist("co_departments") if x.isdigit()])]
        if co:
            inputs["co_departments"] = co
    try:
        case_services.case_act(case=case, actor=request.user, action=action, note=request.POST.get("note", ""),
                               **inputs)
    except OutOfScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, f"{case.number}: {exc.message}")
    else:
        messages.success(request, _("%(number)s: %(action)s done.") % {"number": case.number,
                                                                      "action": ACTIONS[action].label})
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        from django.urls import reverse

        target = reverse("dispatch:queue")
    return redirect(target)
