"""Leader pages: dashboard (+ its JSON), grid map data, exports, printable monthly report.
Every view resolves the area through selectors.area_for: outside the person's subtree → 404."""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput, OutOfScope

from . import exports, kpis, periods, selectors


def _context(request, default_period="month"):
    try:
        area = selectors.area_for(request.user, request.GET.get("area"))
    except OutOfScope:
        raise Http404 from None
    period = periods.parse(request.GET.get("period") or default_period)
    return area, period


def _message(error):
    return getattr(error, "message", None) or str(error)


def _sort(request):
    sort = request.GET.get("sort", "tickets")
    return (sort if sort in selectors.DEPARTMENT_SORTS else "tickets"), request.GET.get("dir", "desc") != "asc"


@login_required
def dashboard(request):
    """Leader dashboard 领导驾驶舱: tiles with change vs the previous period, drill-down
    along the area tree (the period is kept), breakdowns, trend, map, departments."""
    try:
        area, period = _context(request)
    except InvalidInput as error:
        return render(request, "insights/bad_input.html", {"message": _message(error)}, status=400)
    data = selectors.dashboard(area, period)
    sort, descending = _sort(request)
    return render(request, "insights/dashboard.html", {
        "data": data, "area": area, "period": period, "previous": periods.previous(period),
        "period_choices": [("30d", _("Last 30 days")), ("90d", _("Last 90 days")), ("month", _("This month")),
                           ("year", _("This year"))],
        "months": periods.month_options(), "report_month": _report_month(period),
        "crumbs": selectors.breadcrumbs(request.user, area),
        "departments": selectors.departments(area, period, sort, descending), "sort": sort,
        "descending": descending, "definitions": kpis.KPIS.values(), "defs": kpis.KPIS,
        "department_definitions": kpis.DEPARTMENT_DEFINITIONS,
        "chart": {"months": [t["month"] for t in data["trend"]],
                  "accepted": [t["counters"]["accepted"] for t in data["trend"]],
                  "closed": [t["counters"]["closed"] for t in data["trend"]],
                  "completion": [_pct(t["figures"]["completion"]) for t in data["trend"]],
                  "on_time": [_pct(t["figures"]["on_time"]) for t in data["trend"]],
                  "satisfaction": [_pct(t["figures"]["satisfaction"]) for t in data["trend"]],
                  "labels": {key: str(kpis.KPIS[key].label)
                             for key in ("accepted", "closed", "completion", "on_time", "satisfaction")}},
        "columns": department_columns(),
    })


def department_columns():
    d = kpis.DEPARTMENT_DEFINITIONS
    return [("name", _("Department"), ""), ("tickets", _("Tickets"), d["tickets"]),
            ("on_time", _("On-time rate"), d["on_time"]), ("returned", _("Returned"), d["returned"]),
            ("report_rate", _("Report rate"), d["report_rate"]),
            ("report_minutes", _("Average report time (min)"), d["report_minutes"]),
            ("rating", _("Rating (1–5)"), d["rating"]), ("satisfaction", _("Satisfaction rate"), d["satisfaction"])]


def _pct(value):
    return None if value is None else round(value * 100, 2)


def _report_month(period):
    return period.code if periods.MONTH.match(period.code) else f"{period.last_day:%Y-%m}"


@login_required
def dashboard_json(request):
    """The dashboard's figures as JSON (what the benchmark measures)."""
    try:
        area, period = _context(request)
    except InvalidInput as error:
        return JsonResponse({"period": [_message(error)]}, status=400)
    return JsonResponse(selectors.dashboard(area, period))


@login_required
def map_json(request):
    """GeoJSON of the grids under the area with open and overdue counts now."""
    try:
        area, _period = _context(request)
    except InvalidInput as error:
        return JsonResponse({"period": [_message(error)]}, status=400)
    return JsonResponse(selectors.grid_map(area))


def _tables(request):
    area, period = _context(request)
    sort, descending = _sort(request)
    data = selectors.dashboard(area, period)
    heading = f"{area.name} · {period.start:%Y-%m-%d} – {period.last_day:%Y-%m-%d}"
    return area, period, heading, exports.tables(data, selectors.departments(area, period, sort, descending))


def _filename(area, period, ext):
    return f"insights-{area.code}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.{ext}"


@login_required
def export_xlsx(request):
    """Every table of the page, one sheet each."""
    try:
        area, period, heading, tables = _tables(request)
    except InvalidInput as error:
        return HttpResponseBadRequest(_message(error), content_type="text/plain; charset=utf-8")
    response = HttpResponse(
        exports.to_xlsx(tables, heading),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, period, "xlsx")}"'
    return response


@login_required
def export_csv(request):
    """One table (?table=areas|categories|channels|trend|departments|kpis) as CSV with a BOM."""
    try:
        area, period, heading, tables = _tables(request)
    except InvalidInput as error:
        return HttpResponseBadRequest(_message(error), content_type="text/plain; charset=utf-8")
    name = request.GET.get("table", "areas")
    if name not in tables:
        return HttpResponseBadRequest(
            _("Unknown table; choose one of %(names)s.") % {"names": ", ".join(tables)},
            content_type="text/plain; charset=utf-8")
    response = HttpResponse(exports.to_csv(tables[name]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(area, period, name + ".csv")}"'
    return response


@login_required
def monthly_report(request):
    """Printable monthly report 月度报告 for one area (?month=YYYY-MM): print it to PDF."""
    month = request.GET.get("month") or f"{selectors.today():%Y-%m}"
    try:
        area = selectors.area_for(request.user, request.GET.get("area"))
    except OutOfScope:
        raise Http404 from None
    try:
        if not periods.MONTH.match(month):
            raise InvalidInput(_("Give the month as YYYY-MM."), field="month")
        period = periods.parse(month)
    except InvalidInput as error:
        return render(request, "insights/bad_input.html", {"message": _message(error)}, status=400)
    data = selectors.dashboard(area, period)
    trend_rows = [{"key": t["month"], "label": t["month"], "figures": t["figures"]} for t in data["trend"]]
    return render(request, "insights/report.html", {
        "data": data, "trend_rows": trend_rows, "area": area, "period": period, "previous": periods.previous(period),
        "departments": selectors.departments(area, period), "columns": department_columns(), "definitions": kpis.KPIS.values(), "defs": kpis.KPIS,
        "department_definitions": kpis.DEPARTMENT_DEFINITIONS,
    })
