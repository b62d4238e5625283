from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError, InvalidInput, OutOfScope
from apps.grids.models import Department, county_path

from . import selectors, services, workflow
from .forms import ActionForm, CaseForm
from .models import Case, CasePhoto
from .workflow import Status

PAGE_SIZE = 20


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def case_list(request, mine=False):
    status = request.GET.get("status") or None
    if status and status not in Status.values:
        status = None
    qs = selectors.case_list(user=request.user, status=status, search=request.GET.get("q") or None, mine=mine)
    return render(request, "cases/list.html", {
        "page": _page(request, qs), "statuses": Status.choices, "status": status, "mine": mine,
        "q": request.GET.get("q", ""),
    })


@login_required
def case_mine(request):
    return case_list(request, mine=True)


@login_required
def case_create(request):
    if request.user.role not in workflow.FILING_ROLES:
        raise Http404
    form = CaseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_create(
                    actor=request.user, category=data["category"], description=data["description"],
                    latitude=data["latitude"], longitude=data["longitude"], address=data["address"],
                    urgency=data["urgency"], channel=data["channel"], reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"], photos=data["photos"],
                )
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(request, "cases/form.html", {"form": form}, status=status)


@login_required
def case_detail(request, pk):
    try:
        case = selectors.case_detail(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    actions = workflow.actions_for(case, request.user.role)
    return render(request, "cases/detail.html", {
        "case": case, "actions": actions, "action_form": ActionForm(),
        "departments": Department.objects.filter(is_active=True, area__path__startswith=county_path(case.area)),
    })


@login_required
@require_POST
def case_act(request, pk, action):
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("cases:detail", pk=pk)
    inputs = dict(form.cleaned_data)
    number = inputs.pop("original", "").strip()
    if number:
        inputs["original"] = Case.objects.visible_to(request.user).filter(number=number).first()
        if inputs["original"] is None:
            messages.error(request, _("No case numbered %(number)s that you can see.") % {"number": number})
            return redirect("cases:detail", pk=pk)
    try:
        services.case_act(case=case, actor=request.user, action=action, **inputs)
    except OutOfScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        response = redirect("cases:detail", pk=pk)
        return response
    messages.success(request, _("Done: %(action)s.") % {"action": workflow.ACTIONS[action].label})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = request.user.home_url()
    return redirect(target)


@login_required
def case_photo(request, pk, photo_pk, size):
    """Photos are served only to people who may see the case."""
    photo = get_object_or_404(CasePhoto.objects.filter(case__in=Case.objects.visible_to(request.user)),
                              pk=photo_pk, case_id=pk)
    field = photo.thumbnail if size == "thumb" else photo.image
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
