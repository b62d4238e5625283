"""The gates: how the rest of GridGov obeys the lists. Only the version *in force* of a
list counts — never a draft, never a superseded version.

Which list applies to a place: the township's own list of that kind if it has one in
force, else the county's. A place with no list in force of a kind is not gated by it
(the gate answers "allowed" and says so) — a county that has not published a list yet
keeps working as before.

- `suggest_department(category, area)`: routing by the power list 权责清单.
- `admission_check` / `admission_gate`: pushing a matter down to a village/community
  must be on the admission list 社区事务准入清单; a county dispatcher may override.
- `certificate_gate`: a case asking for a certificate on the not-to-issue list
  不应出具证明事项 is refused at intake, quoting the entry and where to go instead.
- `report_gate`: a whistle 吹哨 may summon only the departments the report list 报到清单
  names for that matter; a county dispatcher may override.
Overrides are `GateOverride` rows (selectors.override_counts counts them).
"""
from dataclasses import dataclass

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.core.exceptions import InvalidInput, NotPermitted
from apps.grids.models import Level

from .models import Gate, GateOverride, Item, Kind, Version

OVERRIDE_ROLES = frozenset({Role.COUNTY_DISPATCHER, Role.ADMIN})


class GateRefused(NotPermitted):
    """A list in force refuses the action; the message names the list and its version."""

    def __init__(self, message, *, decision=None):
        super().__init__(message, code="gate_refused")
        self.decision = decision


class CertificateRefused(InvalidInput):
    """The case asks for a certificate on the not-to-issue list."""

    def __init__(self, message, *, item=None):
        super().__init__(message, field="description", code="certificate_not_issued")
        self.item = item


@dataclass
class Decision:
    allowed: bool
    message: str
    version: Version | None = None
    item: Item | None = None
    override: GateOverride | None = None


def _places(area):
    """The township and county whose lists govern `area`, nearest first."""
    places = []
    for level in (Level.TOWNSHIP, Level.COUNTY):
        node = area.ancestor_at(level) if area is not None else None
        if node is not None and node not in places:
            places.append(node)
    return places


def version_in_force(*, kind, area, on=None):
    """The version of `kind` obeyed at `area` on a day (today by default), or None."""
    places = _places(area)
    if not places:
        return None
    versions = {v.inventory.area_id: v for v in Version.objects.in_force(on).filter(
        inventory__kind=kind, inventory__area__in=places).select_related("inventory__area")}
    for place in places:
        if place.pk in versions:
            return versions[place.pk]
    return None


def describe(version):
    return _("%(list)s %(version)s (in force since %(date)s)") % {
        "list": version.inventory.title, "version": version.label,
        "date": date_format(version.effective_from, "Y-m-d"),
    }


def _covering(version, category):
    ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return version.items.filter(categories__in=ids).order_by("position", "pk")


def power_item_for(category, area, *, on=None):
    """The power-list item (in force) that makes a department responsible for a category."""
    version = version_in_force(kind=Kind.POWER, area=area, on=on)
    if version is None or category is None:
        return None
    return (_covering(version, category).filter(department__is_active=True).select_related("department")
            .first())


def suggest_department(category, area, *, on=None):
    """Routing: the department the power list in force makes responsible for `category`
    at `area`, or None when no list in force covers it."""
    item = power_item_for(category, area, on=on)
    return item.department if item else None


def admission_check(*, category, area, on=None):
    """May a matter of `category` be pushed down to the village/community at `area`? No writes."""
    version = version_in_force(kind=Kind.ADMISSION, area=area, on=on)
    if version is None:
        return Decision(True, _("No community admission list is in force here."))
    item = _covering(version, category).first()
    if item is not None:
        return Decision(True, _("Admitted by item “%(item)s” of %(list)s.") % {
            "item": item.matter, "list": describe(version)}, version=version, item=item)
    return Decision(False, _("“%(category)s” is not on %(list)s: it may not be pushed down to a "
                             "village/community.") % {"category": category.name, "list": describe(version)},
                    version=version)


def _override(*, gate, decision, actor, reason, area, category=None, case=None, departments=""):
    if actor is None or not (actor.role in OVERRIDE_ROLES or actor.sees_everything):
        raise GateRefused(decision.message + " " + _("Only a county dispatcher may override."), decision=decision)
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise InvalidInput(_("The reason is longer than 2000 characters."), field="override_reason")
    with transaction.atomic():
        record = GateOverride.objects.create(
            gate=gate, version=decision.version, area=area, category=category, case=case,
            departments=departments[:500], actor=actor, reason=reason, refusal=decision.message)
    return Decision(True, _("Overridden by %(who)s: %(reason)s") % {"who": actor.display_name, "reason": reason},
                    version=decision.version, override=record)


def admission_gate(*, category, area, actor, override_reason="", case=None, on=None):
    """Push a matter down to a village/community: allowed if the admission list in force
    admits it; otherwise refused (GateRefused naming list and version) unless a county
    dispatcher gives an override reason, which is recorded and counted."""
    decision = admission_check(category=category, area=area, on=on)
    if decision.allowed:
        return decision
    if not (override_reason or "").strip():
        raise GateRefused(decision.message, decision=decision)
    return _override(gate=Gate.ADMISSION, decision=decision, actor=actor, reason=override_reason, area=area,
                     category=category, case=case)


def certificate_gate(*, area, text, category=None, on=None):
    """At intake: refuse a request for a certificate on the not-to-issue list in force,
    quoting the entry, why, and where to go instead."""
    version = version_in_force(kind=Kind.CERTIFICATE, area=area, on=on)
    if version is None:
        return None
    haystack = " ".join((text or "").split()).casefold()
    if not haystack:
        return None
    for item in version.items.only("matter", "keywords", "reason", "go_instead"):
        terms = [item.matter] + [k for k in _split(item.keywords)]
        if any(t and t.casefold() in haystack for t in terms):
            raise CertificateRefused(
                _("Communities do not issue “%(matter)s” (%(list)s). Reason: %(reason)s Go instead to: %(go)s")
                % {"matter": item.matter, "list": describe(version), "reason": item.reason, "go": item.go_instead},
                item=item)
    return None


def _split(text):
    from .tabular import SPLIT

    return [t.strip() for t in SPLIT.split(text or "") if t.strip()]


def report_check(*, area, departments, category=None, matter="", on=None):
    """May a township at `area` whistle these departments for this matter? No writes.
    The matter is found by case category or by its name on the list."""
    version = version_in_force(kind=Kind.REPORT, area=area, on=on)
    if version is None:
        return Decision(True, _("No report list is in force here."))
    items = []
    if category is not None:
        items = list(_covering(version, category).prefetch_related("departments"))
    if not items and (matter or "").strip():
        items = list(version.items.filter(matter_key=Item.key_of(matter)).prefetch_related("departments"))
    if not items:
        return Decision(False, _("This matter is not on %(list)s, so no department may be summoned for it.")
                        % {"list": describe(version)}, version=version)
    allowed = {d.pk for item in items for d in item.departments.all()}
    outside = [d for d in departments if d.pk not in allowed]
    if outside:
        return Decision(False, _("%(list)s does not name %(depts)s for “%(matter)s”.") % {
            "list": describe(version), "depts": "、".join(d.name for d in outside), "matter": items[0].matter},
            version=version, item=items[0])
    return Decision(True, _("Named by item “%(item)s” of %(list)s.") % {
        "item": items[0].matter, "list": describe(version)}, version=version, item=items[0])


def report_gate(*, area, departments, actor, category=None, matter="", override_reason="", case=None, on=None):
    """The whistle's gate: refused (GateRefused) unless the report list in force names
    every summoned department for the matter, or a county dispatcher overrides (recorded)."""
    departments = list(departments)
    decision = report_check(area=area, departments=departments, category=category, matter=matter, on=on)
    if decision.allowed:
        return decision
    if not (override_reason or "").strip():
        raise GateRefused(decision.message, decision=decision)
    return _override(gate=Gate.REPORT, decision=decision, actor=actor, reason=override_reason, area=area,
                     category=category, case=case, departments="、".join(d.name for d in departments))
