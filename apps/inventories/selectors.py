"""Reads: lists in force for the public pages and API, version comparison, override counts."""
from django.db.models import Count, Q

from .models import GateOverride, Inventory, Version


def public_versions(on=None):
    """Every version in force, with its list and area: what the public pages show."""
    return (Version.objects.in_force(on).select_related("inventory__area")
            .annotate(item_count=Count("items")).order_by("inventory__area__path", "inventory__kind"))


def public_items(version, *, search=None):
    """Items of a version in force. Lists hold no personal data: only matters, bases,
    departments and categories."""
    items = (version.items.select_related("department").prefetch_related("categories", "departments")
             .order_by("position", "pk"))
    if search:
        items = items.filter(Q(matter__icontains=search) | Q(legal_basis__icontains=search)
                             | Q(code__icontains=search) | Q(department__name__icontains=search)
                             | Q(reason__icontains=search) | Q(go_instead__icontains=search)
                             | Q(keywords__icontains=search))
    return items


def manageable_inventories(user):
    return (Inventory.objects.visible_to(user).select_related("area")
            .prefetch_related("versions").order_by("area__path", "kind"))


COMPARED_FIELDS = ("code", "power_kind", "duty_kind", "legal_basis", "department_id", "reason", "go_instead",
                   "keywords", "note")


def _snapshot(version):
    rows = {}
    items = version.items.prefetch_related("categories", "departments").select_related("department")
    for item in items:
        row = {f: getattr(item, f) for f in COMPARED_FIELDS}
        row["categories"] = sorted(c.code for c in item.categories.all())
        row["departments"] = sorted(d.name for d in item.departments.all())
        rows[item.matter_key] = (item, row)
    return rows


def compare_versions(old, new):
    """Rows added, removed and changed (matched by matter) from `old` to `new`."""
    a, b = _snapshot(old), _snapshot(new)
    added = [b[k][0] for k in b if k not in a]
    removed = [a[k][0] for k in a if k not in b]
    changed = []
    for key in a.keys() & b.keys():
        fields = [f for f in a[key][1] if a[key][1][f] != b[key][1][f]]
        if fields:
            changed.append({"old": a[key][0], "new": b[key][0], "fields": fields,
                            "before": {f: a[key][1][f] for f in fields}, "after": {f: b[key][1][f] for f in fields}})
    changed.sort(key=lambda c: c["new"].position)
    return {"added": sorted(added, key=lambda i: i.position), "removed": sorted(removed, key=lambda i: i.position),
            "changed": changed}


def override_counts(*, area=None):
    """Overrides per gate (within an area's subtree when given)."""
    qs = GateOverride.objects.all()
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    return {row["gate"]: row["n"] for row in qs.values("gate").annotate(n=Count("pk")).order_by()}
