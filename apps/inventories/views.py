"""Pages: public read-only lists in force (no login, no personal data) and the staff
pages to open lists, edit drafts, import, compare and publish."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.core.views import call_service

from . import selectors, services, tabular
from .columns import COLUMNS, DUTY_KIND_ZH, POWER_KIND_ZH
from .forms import ImportForm, InventoryCreateForm, ItemForm, PublishForm
from .models import MANAGER_ROLES, ImportJob, Inventory, Kind, Version

PAGE_SIZE = 50


# --- public -----------------------------------------------------------------------------

def public_index(request):
    """Every list in force, by area; a search runs across all of them."""
    q = (request.GET.get("q") or "").strip()[:100]
    versions = list(selectors.public_versions())
    hits = None
    if q:
        hits = [(version, item) for version in versions
                for item in selectors.public_items(version, search=q)[:50]]
    return render(request, "inventories/public_index.html", {"versions": versions, "q": q, "hits": hits})


def public_list(request, pk):
    inventory = get_object_or_404(Inventory.objects.select_related("area"), pk=pk)
    version = inventory.versions.in_force().first()
    if version is None:
        raise Http404
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.public_items(version, search=q or None), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inventories/public_list.html", {
        "inventory": inventory, "version": version, "page": page, "q": q, "columns": COLUMNS[inventory.kind],
        "power_kinds": POWER_KIND_ZH, "duty_kinds": DUTY_KIND_ZH,
    })


# --- staff ------------------------------------------------------------------------------

def _inventory(request, pk):
    return get_object_or_404(Inventory.objects.visible_to(request.user).select_related("area"), pk=pk)


def _version(request, pk):
    return get_object_or_404(Version.objects.filter(inventory__in=Inventory.objects.visible_to(request.user))
                             .select_related("inventory__area", "published_by", "created_by"), pk=pk)


def _staff(request):
    """Staff pages are for people who manage lists; anyone else gets a 404, as for out of scope."""
    if not (request.user.sees_everything or request.user.role in MANAGER_ROLES):
        raise Http404


@login_required
def manage(request):
    _staff(request)
    form = InventoryCreateForm(user=request.user)
    return render(request, "inventories/manage.html", {
        "inventories": selectors.manageable_inventories(request.user), "form": form,
        "overrides": selectors.override_counts(area=None if request.user.sees_everything else
                                               request.user.scope_area),
    })


@login_required
@require_POST
def create(request):
    _staff(request)
    form = InventoryCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("inventories:manage")
    try:
        inventory = services.inventory_create(actor=request.user, kind=form.cleaned_data["kind"],
                                              area=form.cleaned_data["area"], title=form.cleaned_data["title"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("inventories:manage")
    return redirect("inventories:detail", pk=inventory.pk)


@login_required
def detail(request, pk):
    inventory = _inventory(request, pk)
    versions = list(inventory.versions.select_related("published_by", "created_by"))
    in_force = inventory.versions.in_force().first()
    return render(request, "inventories/detail.html", {
        "inventory": inventory, "versions": versions, "in_force": in_force, "columns": COLUMNS[inventory.kind],
        "import_form": ImportForm(), "jobs": inventory.imports.defer("content")[:5],
        "can_edit": Inventory.objects.editable_by(request.user).filter(pk=pk).exists(),
    })


@login_required
@require_POST
def new_draft(request, pk):
    inventory = _inventory(request, pk)
    version, error = call_service(request, services.draft_create, inventory=inventory)
    if error:
        messages.error(request, error)
        return redirect("inventories:detail", pk=pk)
    return redirect("inventories:version", pk=version.pk)


@login_required
@require_POST
def import_file(request, pk):
    inventory = _inventory(request, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("inventories:detail", pk=pk)
    upload = form.cleaned_data["file"]
    if upload.size > tabular.MAX_BYTES:
        messages.error(request, _("The file is larger than 20 MB."))
        return redirect("inventories:detail", pk=pk)
    job, error = call_service(request, services.import_start, inventory=inventory, filename=upload.name,
                      content=upload.read())
    if error:
        messages.error(request, error)
        return redirect("inventories:detail", pk=pk)
    return redirect("inventories:job", pk=job.pk)


@login_required
def job(request, pk):
    job = get_object_or_404(ImportJob.objects.filter(inventory__in=Inventory.objects.visible_to(request.user))
                            .select_related("inventory", "version").defer("content"), pk=pk)
    template = "inventories/_job.html" if request.htmx else "inventories/job.html"
    return render(request, template, {"job": job})


@login_required
def compare(request, pk):
    inventory = _inventory(request, pk)
    versions = list(inventory.versions.all())
    by_pk = {str(v.pk): v for v in versions}
    old = by_pk.get(request.GET.get("a", ""))
    new = by_pk.get(request.GET.get("b", ""))
    if old is None and len(versions) >= 2:
        old, new = versions[1], versions[0]
    diff = selectors.compare_versions(old, new) if old and new else None
    return render(request, "inventories/compare.html", {
        "inventory": inventory, "versions": versions, "old": old, "new": new, "diff": diff,
    })


@login_required
def version(request, pk):
    version = _version(request, pk)
    kind = version.inventory.kind
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.public_items(version, search=q or None), PAGE_SIZE).get_page(request.GET.get("page"))
    editing = None
    if version.status == Version.Status.DRAFT and request.GET.get("item"):
        editing = version.items.filter(pk=request.GET.get("item")).first()
    initial = {}
    if editing is not None:
        initial = tabular.item_values(editing)
    return render(request, "inventories/version.html", {
        "version": version, "inventory": version.inventory, "page": page, "q": q, "columns": COLUMNS[kind],
        "item_form": ItemForm(kind=kind, initial=initial), "editing": editing, "publish_form": PublishForm(),
        "events": version.events.select_related("actor"), "power_kinds": POWER_KIND_ZH, "duty_kinds": DUTY_KIND_ZH,
        "can_edit": Inventory.objects.editable_by(request.user).filter(pk=version.inventory_id).exists(),
    })


@login_required
@require_POST
def item_save(request, pk):
    version = _version(request, pk)
    form = ItemForm(request.POST, kind=version.inventory.kind)
    item = None
    if request.POST.get("item"):
        item = version.items.filter(pk=request.POST["item"]).first()
        if item is None:
            raise Http404
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect("inventories:version", pk=pk)
    _saved, error = call_service(request, services.item_save, version=version, item=item, data=form.cleaned_data)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return redirect("inventories:version", pk=pk)


@login_required
@require_POST
def item_delete(request, pk):
    version = _version(request, pk)
    _done, error = call_service(request, services.item_delete, version=version, item_id=request.POST.get("item") or 0)
    if error:
        messages.error(request, error)
    return redirect("inventories:version", pk=pk)


@login_required
@require_POST
def publish(request, pk):
    version = _version(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the effective date."))
        return redirect("inventories:version", pk=pk)
    published, error = call_service(request, services.version_publish, version=version,
                            effective_from=form.cleaned_data["effective_from"])
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Published %(v)s, in force from %(date)s.") % {
            "v": published.label, "date": published.effective_from})
    return redirect("inventories:version", pk=pk)


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export_csv(request, pk):
    version = _version(request, pk)
    header, rows = tabular.export_rows(version)
    return _download(tabular.write_csv(header, rows), f"{version.inventory.kind}-v{version.number}.csv",
                     "text/csv; charset=utf-8")


@login_required
def export_xlsx(request, pk):
    version = _version(request, pk)
    header, rows = tabular.export_rows(version)
    return _download(tabular.write_xlsx(header, rows, notes=tabular.template_notes(version.inventory.kind)),
                     f"{version.inventory.kind}-v{version.number}.xlsx", XLSX)


def _kind(request):
    _staff(request)
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        raise Http404
    return kind


@login_required
def template_csv(request):
    kind = _kind(request)
    return _download(tabular.write_csv([c.template_header for c in COLUMNS[kind]], []), f"{kind}-template.csv",
                     "text/csv; charset=utf-8")


@login_required
def template_xlsx(request):
    kind = _kind(request)
    content = tabular.write_xlsx([c.template_header for c in COLUMNS[kind]], [], notes=tabular.template_notes(kind))
    return _download(content, f"{kind}-template.xlsx", XLSX)
