"""A department's tickets: list, one ticket with its actions (sign for, return, ask for
more time, submit the result with photos)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.views import call_service

from .. import selectors, services
from ..models import Ticket


class TicketActionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea)
    hours = forms.IntegerField(label=gettext_lazy("Extra working hours"), required=False, min_value=1, max_value=720)


@login_required
def tickets(request):
    """A department official's tickets: open ones first."""
    if request.user.role != Role.DEPARTMENT_OFFICIAL:
        raise Http404
    page = Paginator(selectors.tickets_for(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "dispatch/tickets.html", {"page": page})


@login_required
def ticket_detail(request, pk):
    ticket = get_object_or_404(selectors.tickets_for(user=request.user), pk=pk)
    mine = request.user.role == Role.DEPARTMENT_OFFICIAL and ticket.department_id == request.user.department_id
    return render(request, "dispatch/ticket_detail.html", {"ticket": ticket, "mine": mine, "form": TicketActionForm()})


@login_required
@require_POST
def ticket_act(request, pk, action):
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)
    if action not in services.TICKET_ACTIONS or request.user.role != Role.DEPARTMENT_OFFICIAL:
        raise Http404
    form = TicketActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("dispatch:ticket", pk=pk)
    note = form.cleaned_data["note"]
    kwargs = {"ticket": ticket}
    if action in ("sign", "return", "extension", "result"):
        kwargs["note"] = note
    if action == "extension":
        kwargs["hours"] = form.cleaned_data["hours"]
    if action == "result":
        kwargs["photos"] = request.FILES.getlist("photos")
    _done, error = call_service(request, services.TICKET_ACTIONS[action], **kwargs)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("dispatch:ticket", pk=pk)
