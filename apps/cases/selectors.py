"""Reads of cases, already scoped and joined for the page that uses them."""
from django.db.models import Prefetch

from .models import Case, CaseEvent, Category

LIST_RELATED = ("category", "category__parent", "area", "handling_area")


def case_list(*, user, status=None, category=None, search=None, mine=False):
    qs = Case.objects.visible_to(user).select_related(*LIST_RELATED)
    if mine:
        qs = qs.filter(created_by=user)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__code__startswith=category)
    if search:
        qs = qs.filter(number__icontains=search) | qs.filter(title__icontains=search)
    return qs


def cases_to_verify(*, user):
    """Resolved cases in the user's own area (a grid worker's grid, a cadre's village)."""
    if user.area_id is None:
        return Case.objects.none()
    return (Case.objects.visible_to(user).select_related(*LIST_RELATED)
            .filter(status="resolved", area__path__startswith=user.area.path))


def case_detail(*, user, pk):
    events = (CaseEvent.objects.select_related("actor", "unit", "department").prefetch_related("photos")
              .order_by("created_at", "pk"))
    return (
        Case.objects.visible_to(user)
        .select_related(*LIST_RELATED, "created_by")
        .prefetch_related(Prefetch("events", queryset=events), "photos", "tickets__department")
        .get(pk=pk)
    )


def leaf_categories():
    return Category.objects.filter(parent__isnull=False, is_active=True).select_related("parent")


DUPLICATE_RADIUS_M = 100
DUPLICATE_WINDOW_DAYS = 7


def _metres_between(lat1, lng1, lat2, lng2):
    from math import asin, cos, radians, sin, sqrt

    dlat, dlng = radians(lat2 - lat1), radians(lng2 - lng1)
    a = sin(dlat / 2) ** 2 + cos(radians(lat1)) * cos(radians(lat2)) * sin(dlng / 2) ** 2
    return 2 * 6_371_000 * asin(sqrt(a))


def duplicate_candidates(*, user, category, latitude, longitude, exclude=None, now=None, limit=10):
    """Possible duplicates (重复件): open cases the user can see, of the same category, filed in
    the last 7 days within 100 m. A bounding box in SQL (indexed columns, few rows), then the
    exact great-circle distance in Python; nearest first."""
    from datetime import timedelta
    from decimal import Decimal
    from math import cos, radians

    from django.utils import timezone

    lat, lng = float(latitude), float(longitude)
    now = now or timezone.now()
    dlat = DUPLICATE_RADIUS_M / 111_000
    dlng = dlat / max(cos(radians(lat)), 0.01)
    qs = (
        Case.objects.visible_to(user).open()
        .filter(category=category, created_at__gte=now - timedelta(days=DUPLICATE_WINDOW_DAYS),
                latitude__range=(Decimal(str(round(lat - dlat, 6))), Decimal(str(round(lat + dlat, 6)))),
                longitude__range=(Decimal(str(round(lng - dlng, 6))), Decimal(str(round(lng + dlng, 6)))),
                merged_into__isnull=True)
        .select_related("category", "area")
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    found = []
    for case in qs[:200]:
        metres = _metres_between(lat, lng, float(case.latitude), float(case.longitude))
        if metres <= DUPLICATE_RADIUS_M:
            case.distance_m = round(metres)
            found.append(case)
    found.sort(key=lambda c: c.distance_m)
    return found[:limit]


def resident_lookup(*, number, code):
    """The case a resident may see with its number and access code, or None. Both must
    match; the code is compared in constant time."""
    import secrets

    number, code = (number or "").strip(), (code or "").strip().upper()
    if not number or not code or len(number) > 40 or len(code) > 8:
        return None
    case = Case.objects.select_related("merged_into", "category").filter(number=number).first()
    if case is None or not secrets.compare_digest(case.access_code.encode(), code.encode()):
        return None
    return case


def resident_timeline(case):
    """What a resident sees of the timeline: when and what, not who nor staff notes."""
    return list(case.events.order_by("created_at", "pk").values("action", "from_status", "to_status", "created_at"))
