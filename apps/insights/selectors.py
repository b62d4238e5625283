"""What the leader's pages read. Figures: sums over rollup rows (models.Rollup) for an
area and a period, turned into KPIs by kpis.py. Scope: an area is reachable only inside
the person's own subtree — anything else is OutOfScope (404), whatever the URL says."""
from collections import defaultdict
from datetime import date

from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.cases.models import Case, Category, Channel
from apps.cases.workflow import OPEN_STATUSES
from apps.core.exceptions import OutOfScope
from apps.grids.models import Area, Department, Level

from . import kpis, periods, rollups
from .models import COUNTERS, Rollup

INSIGHT_ROLES = (Role.LEADER, Role.COUNTY_DISPATCHER, Role.TOWNSHIP_DISPATCHER)


def may_view(user):
    return user.is_authenticated and user.is_active and (user.sees_everything or user.role in INSIGHT_ROLES)


def area_for(user, area_id=None):
    """The area to show: the person's scope, or `area_id` if it lies inside that scope.
    Anything else — another township, another county, garbage — is a plain 404."""
    if not may_view(user):
        raise OutOfScope(_("No such area."))
    scope = user.scope_area
    if area_id in (None, ""):
        if scope is not None:
            return scope
        if user.sees_everything:
            county = Area.objects.filter(level=Level.COUNTY).order_by("pk").first()
            if county:
                return county
        raise OutOfScope(_("No such area."))
    try:
        area_id = int(area_id)
    except (TypeError, ValueError):
        raise OutOfScope(_("No such area.")) from None
    area = Area.objects.filter(pk=area_id, level__lte=Level.GRID).first()
    if area is None or not (user.sees_everything or (scope is not None and area.path.startswith(scope.path))):
        raise OutOfScope(_("No such area."))
    return area


def breadcrumbs(user, area):
    """Ancestors the person may drill back up to (within their scope), then the area."""
    scope = user.scope_area
    chain = list(area.ancestors()) + [area]
    if user.sees_everything or scope is None:
        return chain
    return [a for a in chain if a.path.startswith(scope.path)]


def _spans(start, end):
    """[start, end) as (day spans, month span): whole months in the middle, days at the edges."""
    first_full = start if start.day == 1 else periods._month_start(start, back=-1)
    last_full = periods._month_start(end) if end.day != 1 else end
    if first_full >= last_full:
        return [(start, end)], None
    days = [(a, b) for a, b in ((start, first_full), (last_full, end)) if a < b]
    return days, (first_full, last_full)


def _rows(area, period, dims):
    """The rollup rows of some dimensions covering the period: for a county or township,
    month rows for whole months and day rows for the rest; below, day rows."""
    dims = list(dims)
    if area.depth > rollups.BROAD_LEVELS:
        return Rollup.objects.filter(area=area, dim__in=dims, day__gte=period.start, day__lt=period.end)
    days, months = _spans(period.start, period.end)
    condition = Q()
    for a, b in days:
        condition |= Q(dim__in=dims, day__gte=a, day__lt=b)
    if months:
        condition |= Q(dim__in=[rollups.MONTH + d for d in dims], day__gte=months[0], day__lt=months[1])
    return Rollup.objects.filter(condition, area=area)


def sums(area, period, dims):
    """{dim: {key: summed counters}} for several dimensions in one query."""
    out = {dim: {} for dim in dims}
    rows = _rows(area, period, dims).values("dim", "key").annotate(**{f"s_{c}": Sum(c) for c in COUNTERS})
    for r in rows:
        dim = r["dim"].removeprefix(rollups.MONTH)
        bucket = out[dim].setdefault(r["key"], kpis.zero())
        for c in COUNTERS:
            bucket[c] += r[f"s_{c}"] or 0
    return out


def totals(area, period):
    agg = _rows(area, period, ["all"]).aggregate(**{c: Sum(c) for c in COUNTERS})
    return {c: agg[c] or 0 for c in COUNTERS}


def breakdowns(area, period):
    """{"all", "child", "category", "channel": {key: counters}}: one rollup query (plus, for
    a village or grid, its few cases for categories and channels)."""
    broad = area.depth <= rollups.BROAD_LEVELS
    out = sums(area, period, ["all", "child", "category", "channel"] if broad else ["all", "child"])
    if not broad:
        out["category"] = _breakdown_from_cases(area, period, "category")
        out["channel"] = _breakdown_from_cases(area, period, "channel")
    return out


def breakdown(area, period, dim):
    """{key: summed counters} for one dimension."""
    if dim in ("category", "channel") and area.depth > rollups.BROAD_LEVELS:
        return _breakdown_from_cases(area, period, dim)
    return sums(area, period, [dim])[dim]


def _breakdown_from_cases(area, period, dim):
    """A village's or grid's categories or channels: its few cases, counted with the same
    per-case counters the rollups add up (rollups.counters_of)."""
    start, end = period.bounds()
    field = "category_id" if dim == "category" else "channel"
    out = defaultdict(kpis.zero)
    cases = Case.objects.filter(area__path__startswith=area.path, accepted_at__gte=start, accepted_at__lt=end)
    for row in cases.values(*rollups.FIELDS):
        bucket = out[str(row[field])]
        for name, value in rollups.counters_of(row).items():
            bucket[name] += value
    return dict(out)


def monthly(area, first, end):
    """[(YYYY-MM, counters)] for the months from `first` (a 1st) up to `end` (exclusive)."""
    months = defaultdict(kpis.zero)
    cursor = first
    while cursor < end:
        months[f"{cursor:%Y-%m}"]
        cursor = periods._month_start(cursor, back=-1)
    dim = rollups.MONTH + "all" if area.depth <= rollups.BROAD_LEVELS else "all"
    rows = Rollup.objects.filter(area=area, dim=dim, day__gte=first, day__lt=end).values_list("day", *COUNTERS)
    for day, *values in rows:
        bucket = months[f"{day:%Y-%m}"]
        for name, value in zip(COUNTERS, values):
            bucket[name] += value
    return sorted(months.items())


def _tile(key, current, before):
    d = kpis.KPIS[key]
    value, previous = current.get(key), before.get(key)
    change = None if value is None or previous is None else value - previous
    good = None
    if change:
        good = (change > 0) == (d.better == "up")
    if change is None:
        change_text = "—"
    elif d.is_rate:
        change_text = f"{change * 100:+.1f} pp"
    elif isinstance(change, float):
        change_text = f"{change:+.1f}{d.unit}"
    else:
        change_text = f"{change:+d}"
    return {"key": key, "label": str(d.label), "formula": str(d.formula), "value": value, "previous": previous,
            "change": change, "change_text": change_text, "is_rate": d.is_rate, "good": good, "unit": d.unit}


def _row(label, key, counters, **extra):
    return {"key": key, "label": label, "figures": kpis.figures(counters), "counters": counters, **extra}


def dashboard(area, period):
    """Everything the dashboard shows for an area and a period, from rollups."""
    before = periods.previous(period)
    parts = breakdowns(area, period)
    current_totals = parts["all"].get("", kpis.zero())
    current, prior = kpis.figures(current_totals), kpis.figures(totals(area, before))
    tiles = [_tile(key, current, prior) for key in kpis.KPIS]

    children = []
    if area.level < Level.GRID:
        by_child = parts["child"]
        for child in Area.objects.filter(parent=area).order_by("code").values("pk", "name", "level"):
            counters = by_child.get(str(child["pk"]), kpis.zero())
            children.append(_row(child["name"], child["pk"], counters, level=child["level"]))
    by_category = parts["category"]
    names = {str(pk): (name, parent) for pk, name, parent in Category.objects.filter(
        pk__in=[int(k) for k in by_category]).values_list("pk", "name", "parent__name")}
    categories = sorted(
        (_row(f"{names[k][1]} / {names[k][0]}" if names.get(k, (0, None))[1] else names.get(k, (k,))[0], k, c)
         for k, c in by_category.items()),
        key=lambda r: (-r["counters"]["accepted"], r["label"]),
    )
    by_channel = parts["channel"]
    channels = sorted((_row(str(Channel(k).label) if k in Channel.values else k, k, c) for k, c in by_channel.items()),
                      key=lambda r: (-r["counters"]["accepted"], r["label"]))
    trend_start = periods._month_start(period.last_day, back=11)
    trend = [{"month": month, "counters": c, "figures": kpis.figures(c)}
             for month, c in monthly(area, trend_start, periods._month_start(period.last_day, back=-1))]
    return {
        "area": {"id": area.pk, "name": area.name, "level": area.level},
        "period": {"code": period.code, "start": period.start, "end": period.end},
        "previous": {"code": before.code, "start": before.start, "end": before.end},
        "totals": current_totals, "kpis": tiles, "children": children, "categories": categories,
        "channels": channels, "trend": trend,
    }


DEPARTMENT_SORTS = ("name", "tickets", "on_time", "returned", "report_rate", "report_minutes", "rating",
                    "satisfaction")


def departments(area, period, sort="tickets", descending=True):
    """Department ranking for cases under `area`, live from tickets (dispatched in the
    period) and whistle summonses (whistles blown in the period). kpis.DEPARTMENT_DEFINITIONS
    gives each column's formula."""
    from apps.dispatch.models import Ticket

    start, end = period.bounds()
    in_area = Q(case__area__path__startswith=area.path)
    tickets = Ticket.objects.filter(in_area, created_at__gte=start, created_at__lt=end).values(
        "department_id").annotate(
        tickets=Count("pk"),
        done=Count("pk", filter=Q(status=Ticket.Status.DONE)),
        done_on_time=Count("pk", filter=Q(status=Ticket.Status.DONE, finished_at__lte=F("finish_deadline"))),
        returned=Count("pk", filter=Q(status=Ticket.Status.RETURNED)),
        rated=Count("pk", filter=Q(is_lead=True) & ~Q(case__satisfaction="")),
        satisfied=Count("pk", filter=Q(is_lead=True, case__satisfaction__in=("satisfied", "basic"))),
    )
    # 报到: the dispatch work's own selector (whistles blown by units under the area).
    from apps.dispatch.selectors import department_report_stats

    summons = []
    for row in department_report_stats(area=area, since=start, until=end):
        ratings = [r for r in (row["avg_timeliness"], row["avg_cooperation"], row["avg_professionalism"])
                   if r is not None]
        summons.append({"department_id": row["department_id"], "summoned": row["summoned"],
                        "report_rate_value": row["on_time_rate"], "report_minutes": row["avg_report_minutes"],
                        "rating": sum(ratings) / len(ratings) if ratings else None})
    merged = defaultdict(dict)
    for row in tickets:
        merged[row["department_id"]].update(row)
    for row in summons:
        merged[row["department_id"]].update(row)
    names = dict(Department.objects.filter(pk__in=list(merged)).values_list("pk", "name"))
    table = []
    for dept_id, r in merged.items():
        table.append({
            "id": dept_id, "name": names.get(dept_id, str(dept_id)),
            "tickets": r.get("tickets", 0), "done": r.get("done", 0),
            "on_time": kpis._rate(r.get("done_on_time", 0), r.get("done", 0)),
            "returned": r.get("returned", 0),
            "summoned": r.get("summoned", 0),
            "report_rate": r.get("report_rate_value"),
            "report_minutes": r.get("report_minutes"),
            "rating": r.get("rating"),
            "satisfaction": kpis._rate(r.get("satisfied", 0), r.get("rated", 0)),
        })
    sort = sort if sort in DEPARTMENT_SORTS else "tickets"
    present = [t for t in table if t[sort] is not None]
    missing = [t for t in table if t[sort] is None]
    present.sort(key=lambda t: (t[sort], t["name"]) if sort != "name" else t["name"], reverse=descending)
    return present + sorted(missing, key=lambda t: t["name"])


def grid_map(area):
    """GeoJSON of the grids under `area`, each with its load now: open cases and overdue
    ones (open past their deadline), live from the cases (open cases only)."""
    now = timezone.now()
    load = {
        r["area_id"]: r for r in Case.objects.filter(
            area__path__startswith=area.path, status__in=sorted(OPEN_STATUSES),
        ).values("area_id").annotate(
            open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)),
        )
    }
    features = []
    grids = Area.objects.filter(path__startswith=area.path, level=Level.GRID, boundary__isnull=False)
    for grid in grids.values("pk", "name", "boundary"):
        figures = load.get(grid["pk"], {})
        features.append({
            "type": "Feature", "geometry": grid["boundary"],
            "properties": {"id": grid["pk"], "name": grid["name"], "open": figures.get("open", 0),
                           "overdue": figures.get("overdue", 0)},
        })
    return {"type": "FeatureCollection", "features": features}


def today():
    return timezone.localdate()


def as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(value)
