"""Directives 下行事项 pages: send (一键下达), what I sent with who has not signed or
finished (and reminders), what came to my unit (sign for, report completion)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import DomainError
from apps.core.views import call_service
from apps.grids.models import Area, Department, Level

from .. import directives, selectors
from ..directive_models import Directive, DirectiveChannel, DirectiveRecipient


class DirectiveForm(forms.Form):
    channel = forms.ModelChoiceField(label=gettext_lazy("Channel"), queryset=DirectiveChannel.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = forms.CharField(label=gettext_lazy("Instruction"), max_length=4000, widget=forms.Textarea)
    areas = forms.ModelMultipleChoiceField(label=gettext_lazy("Units"), queryset=Area.objects.none(), required=False)
    departments = forms.ModelMultipleChoiceField(label=gettext_lazy("Departments"),
                                                 queryset=Department.objects.none(), required=False)
    roles = forms.MultipleChoiceField(label=gettext_lazy("Everyone of these roles in my area"), required=False,
                                      choices=[(r.value, r.label) for r in directives.ADDRESSABLE_ROLES])
    due_at = forms.DateTimeField(label=gettext_lazy("Complete by"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        unit = user.area
        county = unit.ancestor_at(Level.COUNTY)
        self.fields["channel"].queryset = DirectiveChannel.objects.filter(is_active=True)
        self.fields["areas"].queryset = Area.objects.subtree(unit).exclude(pk=unit.pk).filter(
            level__lte=Level.VILLAGE).order_by("path")
        self.fields["departments"].queryset = Department.objects.filter(
            is_active=True, area__path__startswith=county.path).order_by("code") if county else Department.objects.none()


def _may_send(user):
    return user.role in directives.SENDER_ROLES and user.area_id and user.area.level <= Level.TOWNSHIP


@login_required
def directive_list(request):
    user = request.user
    sent = selectors.directives_for(user=user).filter(sender_area_id=user.area_id) if user.area_id else []
    received = selectors.my_directive_rows(user=user)[:100]
    return render(request, "dispatch/directives.html",
                  {"sent": sent, "received": received, "may_send": _may_send(user)})


@login_required
def directive_new(request):
    if not _may_send(request.user):
        raise Http404
    form = DirectiveForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            directive = directives.directive_send(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Sent to %(n)s units.") % {"n": directive.recipients.count()})
            return redirect("dispatch:directive", pk=directive.pk)
    return render(request, "dispatch/directive_form.html", {"form": form})


@login_required
def directive_detail(request, pk):
    directive = get_object_or_404(Directive.objects.visible_to(request.user).select_related("channel"), pk=pk)
    recipients = list(directive.recipients.select_related("area", "department", "signed_by", "completed_by"))
    mine = set(DirectiveRecipient.objects.for_user(request.user).filter(directive=directive)
               .values_list("pk", flat=True))
    return render(request, "dispatch/directive_detail.html", {
        "directive": directive, "recipients": recipients, "mine": mine,
        "not_signed": [r for r in recipients if r.signed_at is None],
        "not_done": [r for r in recipients if r.completed_at is None],
        "is_sender": directive.sent_by_id == request.user.pk or (
            _may_send(request.user) and directive.sender_area_id == request.user.area_id),
        "roles": dict(Role.choices),
    })


@login_required
@require_POST
def directive_remind(request, pk):
    directive = get_object_or_404(Directive.objects.visible_to(request.user), pk=pk)
    n, error = call_service(request, directives.directive_remind, directive=directive)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Reminded %(n)s units.") % {"n": n})
    return redirect("dispatch:directive", pk=pk)


@login_required
@require_POST
def recipient_act(request, pk, action):
    recipient = get_object_or_404(DirectiveRecipient.objects.for_user(request.user), pk=pk)
    if action not in ("sign", "complete"):
        raise Http404
    if action == "sign":
        _done, error = call_service(request, directives.directive_sign, recipient=recipient)
    else:
        _done, error = call_service(request, directives.directive_complete, recipient=recipient,
                                    report=request.POST.get("report", ""))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("dispatch:directive", pk=recipient.directive_id)
