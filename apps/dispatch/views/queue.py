from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from apps.accounts.models import Role
from apps.cases.models import Case
from apps.cases.selectors import LIST_RELATED
from apps.cases.workflow import Status

from ..models import Ticket

QUEUE_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.RETURNED, Status.RESOLVED, Status.VERIFIED)


@login_required
def queue(request):
    """The dispatcher's queue: cases waiting for a dispatcher's decision, oldest first."""
    if not request.user.is_dispatcher:
        raise Http404
    qs = (
        Case.objects.visible_to(request.user).filter(status__in=QUEUE_STATUSES)
        .select_related(*LIST_RELATED).order_by("created_at", "pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "dispatch/queue.html", {"page": page})


@login_required
def tickets(request):
    """A department official's tickets: open ones first."""
    if request.user.role != Role.DEPARTMENT_OFFICIAL:
        raise Http404
    qs = (
        Ticket.objects.visible_to(request.user)
        .select_related("case", "case__category", "case__area", "department")
        .order_by("finished_at", "finish_deadline", "pk")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "dispatch/tickets.html", {"page": page})
