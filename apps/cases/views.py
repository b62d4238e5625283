from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError, InvalidInput, OutOfScope
from apps.core.views import call_service
from apps.grids.models import Department, county_path

from . import selectors, services, workflow
from .filters import CaseFilter
from .forms import ActionForm, CaseForm, RatingForm
from .models import Case, CasePhoto, RatingSource
from .privacy import mask_name, mask_phone, may_reveal
from .workflow import Status

PAGE_SIZE = 20
PAGE_SIZES = (10, 20, 50, 100)


def _page(request, qs):
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        size = PAGE_SIZE
    size = size if size in PAGE_SIZES else PAGE_SIZE
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _list(request, qs, *, title, mine=False, verify=False):
    filters = CaseFilter(request.GET or None, queryset=qs)
    return render(request, "cases/list.html", {
        "page": _page(request, filters.qs), "filter": filters, "title": title, "mine": mine, "verify": verify,
        "page_sizes": PAGE_SIZES,
    })


@login_required
def case_list(request, mine=False):
    """Cases visible to the user, filterable and paginated; the query count does not grow with the page."""
    qs = selectors.case_list(user=request.user, mine=mine)
    return _list(request, qs, title=_("My cases") if mine else _("Cases"), mine=mine)


@login_required
def case_mine(request):
    """The grid worker's own reports (phone page)."""
    return case_list(request, mine=True)


@login_required
def case_to_verify(request):
    """核查: resolved cases in the grid worker's (or cadre's) own area, waiting for a look on site."""
    if request.user.role not in workflow.FIELD_ROLES:
        raise Http404
    qs = selectors.cases_to_verify(user=request.user)
    return _list(request, qs, title=_("To verify"), verify=True)


@login_required
def case_create(request):
    if request.user.role not in workflow.FILING_ROLES:
        raise Http404
    form = CaseForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_create(
                    actor=request.user, category=data["category"], description=data["description"], title=data["title"],
                    latitude=data["latitude"], longitude=data["longitude"], address=data["address"],
                    urgency=data["urgency"], channel=data["channel"], reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"], photos=data["photos"], grid=data["grid"],
                )
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Case %(number)s filed. Give the resident the access code %(code)s.")
                                 % {"number": case.number, "code": case.access_code})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(request, "cases/form.html", {"form": form}, status=status)


def _detail_context(request, case, *, revealed=None):
    actions = workflow.actions_for(case, request.user.role)
    offers_merge = any(a.name == "merge" for a in actions)
    return {
        **_dispatcher_context(request.user, case, {a.name for a in actions}),
        "case": case, "actions": actions, "action_form": ActionForm(),
        "departments": Department.objects.filter(is_active=True, area__path__startswith=county_path(case.area)),
        "reporter_name": revealed[0] if revealed else mask_name(case.reporter_name),
        "reporter_phone": revealed[1] if revealed else mask_phone(case.reporter_phone),
        "revealed": bool(revealed), "may_reveal": may_reveal(request.user),
        "shows_access_code": case.created_by_id == request.user.pk or may_reveal(request.user),
        "duplicates": selectors.duplicate_candidates(
            user=request.user, category=case.category, latitude=case.latitude, longitude=case.longitude,
            exclude=case, now=case.created_at) if offers_merge else [],
        "rating_form": RatingForm() if _may_record_callback(request.user, case) else None,
    }


def _dispatcher_context(user, case, offered):
    """What the lists and the dispatch pages add to a case page: the department the power
    list suggests (preselected in the dispatch form), where the case may be pushed down to
    (下派) and what the admission list says, the whistle (吹哨) link for township
    dispatchers, and which tickets link to their pages."""
    from apps.accounts.models import Role
    from apps.inventories import gates

    context = {"suggested_department": None, "push_down_targets": [], "push_down_check": None,
               "may_override": False, "may_whistle": False, "linked_tickets": set()}
    if "dispatch" in offered:
        context["suggested_department"] = gates.suggest_department(case.category, case.area)
    if "push_down" in offered:
        targets = services.push_down_targets(case=case, actor=user)
        context["push_down_targets"] = targets
        if targets:
            context["push_down_check"] = gates.admission_check(category=case.category, area=targets[0])
        context["may_override"] = user.role in gates.OVERRIDE_ROLES or user.sees_everything
    context["may_whistle"] = user.role == Role.TOWNSHIP_DISPATCHER and case.status in workflow.OPEN_STATUSES
    if user.is_dispatcher or user.role == Role.LEADER or user.sees_everything:
        context["linked_tickets"] = {t.pk for t in case.tickets.all()}
    elif user.role == Role.DEPARTMENT_OFFICIAL:
        context["linked_tickets"] = {t.pk for t in case.tickets.all() if t.department_id == user.department_id}
    return context


def _may_record_callback(user, case):
    return user.role in workflow.DISPATCHERS and case.status == Status.CLOSED and case.rated_at is None


@login_required
def case_detail(request, pk):
    """Dispatcher's (and everyone's) case page: facts, photos per step, map pin, timeline, actions."""
    try:
        case = selectors.case_detail(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    return render(request, "cases/detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_reveal(request, pk):
    """Show the reporter's personal data to dispatch staff, once per press, logged."""
    try:
        case = selectors.case_detail(user=request.user, pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    try:
        revealed = services.case_reveal_personal_data(case=case, actor=request.user, via="web")
    except OutOfScope:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", pk=pk)
    response = render(request, "cases/detail.html", _detail_context(request, case, revealed=revealed))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_callback(request, pk):
    """回访: dispatch staff record the resident's rating given by phone."""
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("cases:detail", pk=pk)
    _done, error = call_service(request, services.case_rate, case=case, source=RatingSource.CALLBACK,
                                **form.cleaned_data)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Callback rating recorded."))
    return redirect("cases:detail", pk=pk)


@login_required
def duplicate_hints(request):
    """htmx fragment for the filing page: open cases of this category within 100 m, last 7 days."""
    from decimal import Decimal, InvalidOperation

    from .models import Category

    try:
        lat = Decimal(request.GET.get("latitude", ""))
        lng = Decimal(request.GET.get("longitude", ""))
        category = Category.objects.get(pk=int(request.GET.get("category", "")))
    except (InvalidOperation, ValueError, TypeError, Category.DoesNotExist):
        found = []
    else:
        found = [] if not (lat.is_finite() and lng.is_finite() and -90 <= lat <= 90 and -180 <= lng <= 180) else \
            selectors.duplicate_candidates(user=request.user, category=category, latitude=lat, longitude=lng)
    return render(request, "cases/_duplicates.html", {"duplicates": found})


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
