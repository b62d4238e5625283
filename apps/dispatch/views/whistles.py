"""Whistle and report 吹哨报到 pages: blow the whistle on a case, a department's summonses
(report), the whistling unit's ratings, and report rates per department."""
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
from apps.cases.models import Case
from apps.core.exceptions import DomainError, OutOfScope
from apps.core.views import call_service
from apps.grids.models import Department, Level

from .. import selectors, whistle
from ..whistle_models import Summons

SCORES = [(n, str(n)) for n in range(5, 0, -1)]


class RateForm(forms.Form):
    timeliness = forms.TypedChoiceField(label=gettext_lazy("timeliness"), choices=SCORES, coerce=int)
    cooperation = forms.TypedChoiceField(label=gettext_lazy("cooperation"), choices=SCORES, coerce=int)
    professionalism = forms.TypedChoiceField(label=gettext_lazy("professionalism"), choices=SCORES, coerce=int)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=500)


def _county_departments(user):
    county = user.area.ancestor_at(Level.COUNTY) if user.area_id else None
    return Department.objects.filter(area=county, is_active=True).order_by("code") if county else \
        Department.objects.none()


@login_required
def whistle_list(request):
    """Departments: the summonses to report on. Dispatchers and leaders: whistles in scope
    with each department's report, and the rating form for their own unit's whistles."""
    user = request.user
    if user.role == Role.DEPARTMENT_OFFICIAL:
        page = Paginator(selectors.summonses_for(user=user), 25).get_page(request.GET.get("page"))
        return render(request, "dispatch/summonses.html", {"page": page})
    if not (user.is_dispatcher or user.role == Role.LEADER or user.sees_everything):
        raise Http404
    page = Paginator(selectors.whistles_for(user=user), 20).get_page(request.GET.get("page"))
    return render(request, "dispatch/whistles.html", {"page": page, "rate_form": RateForm()})


@login_required
def whistle_blow(request, pk):
    """GET: the form (county departments to summon); POST: blow."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    if not request.user.is_dispatcher:
        raise Http404
    departments = _county_departments(request.user)
    if request.method == "POST":
        chosen = list(departments.filter(pk__in=[x for x in request.POST.getlist("departments") if x.isdigit()]))
        try:
            whistle.whistle_blow(case=case, actor=request.user, departments=chosen,
                                 note=request.POST.get("note", ""),
                                 override_reason=request.POST.get("override_reason", ""))
        except OutOfScope:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Whistle blown: the departments are told."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "dispatch/whistle_form.html", {"case": case, "departments": departments})


@login_required
@require_POST
def summons_report(request, pk):
    summons = get_object_or_404(Summons.objects.visible_to(request.user), pk=pk)
    _done, error = call_service(request, whistle.whistle_report, summons=summons, note=request.POST.get("note", ""))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Reported (报到): your department has joined the case."))
    return redirect("dispatch:whistles")


@login_required
@require_POST
def summons_rate(request, pk):
    summons = get_object_or_404(Summons.objects.visible_to(request.user), pk=pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate each from 1 to 5."))
        return redirect("dispatch:whistles")
    _done, error = call_service(request, whistle.whistle_rate, summons=summons, **form.cleaned_data)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Rating saved."))
    return redirect("dispatch:whistles")


@login_required
def report_stats(request):
    """报到率 and average report time per department, for whistles blown in the user's scope."""
    user = request.user
    if not (user.is_dispatcher or user.role == Role.LEADER or user.sees_everything):
        raise Http404
    rows = selectors.department_report_stats(area=None if user.sees_everything else user.area)
    return render(request, "dispatch/report_stats.html", {"rows": rows})
