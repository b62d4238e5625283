"""Every write on lists: create a list, start a draft, edit a draft's items, import a file
into a new draft, publish. Views, API, tasks and the demo seed call these.

The gates the rest of the system obeys live in gates.py.
"""
import time
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope, TransitionNotAllowed
from apps.grids.models import Level

from . import tabular
from .models import ImportJob, Inventory, Item, ItemCategory, ItemDepartment, Kind, Version, VersionEvent


def _editable(inventory, actor):
    if actor is None:  # the demo seed and management commands act as the system
        return
    if not Inventory.objects.visible_to(actor).filter(pk=inventory.pk).exists():
        raise OutOfScope(_("No such list."))
    if not Inventory.objects.editable_by(actor).filter(pk=inventory.pk).exists():
        raise NotPermitted(_("You may read this list but not change it."))


def _event(version, action, actor, note=""):
    VersionEvent.objects.create(version=version, action=action, actor=actor, note=note[:500])


def inventory_create(*, actor, kind, area, title=""):
    """Open a list of a kind for a county or township (one per kind and area)."""
    if kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of list."), field="kind")
    if area is None or area.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise InvalidInput(_("Lists belong to a county or a township."), field="area")
    if actor is not None and not actor.sees_everything:
        scope = actor.scope_area
        if scope is None or not area.is_within(scope) or actor.role not in (
                "county_dispatcher", "township_dispatcher"):
            raise NotPermitted(_("You may open lists only for your own area."))
    title = (title or "").strip()[:200] or f"{area.name}{Kind(kind).label}"
    with transaction.atomic():
        inventory, created = Inventory.objects.get_or_create(kind=kind, area=area, defaults={"title": title})
    if not created:
        raise InvalidInput(_("%(area)s already has this list.") % {"area": area.name}, field="kind")
    return inventory


def _next_number(inventory):
    return (inventory.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def draft_create(*, inventory, actor, note=""):
    """Start a new draft as a copy of the version in force (or of the latest one), so an
    edit changes only what it means to."""
    _editable(inventory, actor)
    with transaction.atomic():
        Inventory.objects.select_for_update().get(pk=inventory.pk)
        source = (inventory.versions.in_force().first() or inventory.versions.first())
        version = Version.objects.create(inventory=inventory, number=_next_number(inventory), created_by=actor
                                         or _system_user(), note=(note or "")[:300])
        if source is not None:
            _copy_items(source, version)
        _event(version, VersionEvent.Action.CREATED, actor,
               _("copied from v%(n)s") % {"n": source.number} if source else "")
    return version


def _system_user():
    from apps.accounts.models import Role, User

    user, _c = User.objects.get_or_create(username="system", defaults={"role": Role.ADMIN, "is_active": False})
    return user


def _copy_items(source, target):
    old = list(source.items.all())
    cats = {}
    for link in ItemCategory.objects.filter(item__version=source):
        cats.setdefault(link.item_id, []).append(link.category_id)
    depts = {}
    for link in ItemDepartment.objects.filter(item__version=source):
        depts.setdefault(link.item_id, []).append(link.department_id)
    new = []
    for item in old:
        new.append(Item(version=target, position=item.position, code=item.code, matter=item.matter,
                        matter_key=item.matter_key, power_kind=item.power_kind, duty_kind=item.duty_kind,
                        legal_basis=item.legal_basis, department_id=item.department_id, reason=item.reason,
                        go_instead=item.go_instead, keywords=item.keywords, note=item.note))
    Item.objects.bulk_create(new, batch_size=1000)
    ItemCategory.objects.bulk_create(
        [ItemCategory(item=n, category_id=c) for o, n in zip(old, new) for c in cats.get(o.pk, [])], batch_size=2000)
    ItemDepartment.objects.bulk_create(
        [ItemDepartment(item=n, department_id=d) for o, n in zip(old, new) for d in depts.get(o.pk, [])],
        batch_size=2000)


def _locked_draft(version):
    locked = Version.objects.select_for_update().select_related("inventory__area").get(pk=version.pk)
    if locked.status != Version.Status.DRAFT:
        raise TransitionNotAllowed(_("Only a draft can be changed; start a new draft."), code="not_draft")
    return locked


def item_save(*, version, actor, item=None, data):
    """Add an item to a draft, or change one. `data` holds the columns of columns.py as
    text, checked by the same rules as an imported row."""
    _editable(version.inventory, actor)
    from .columns import COLUMNS

    with transaction.atomic():
        locked = _locked_draft(version)
        inventory = locked.inventory
        header = [c.key for c in COLUMNS[inventory.kind]]
        cells = [str(data.get(key) or "") for key in header]
        checked = tabular.check_rows(inventory=inventory, header=header, rows=[(1, cells)])
        if checked.errors:
            raise InvalidInput("; ".join(f"{e['column']}: {e['message']}" for e in checked.errors))
        values = checked.items[0]
        others = locked.items.exclude(pk=item.pk if item else None)
        if others.filter(matter_key=Item.key_of(values["matter"])).exists():
            raise InvalidInput(_("duplicate matter “%(m)s”") % {"m": values["matter"]}, field="matter")
        if item is None:
            item = Item(version=locked, position=(locked.items.aggregate(p=Max("position"))["p"] or 0) + 1)
        elif item.version_id != locked.pk:
            raise OutOfScope(_("No such item."))
        category_ids, department_ids = values.pop("category_ids"), values.pop("department_ids")
        values.pop("position")
        for key, value in values.items():
            setattr(item, key, value)
        item.save()
        item.categories.set(category_ids)
        item.departments.set(department_ids)
        _event(locked, VersionEvent.Action.EDITED, actor, _("saved “%(m)s”") % {"m": item.matter})
    return item


def item_delete(*, version, actor, item_id):
    _editable(version.inventory, actor)
    with transaction.atomic():
        locked = _locked_draft(version)
        item = locked.items.filter(pk=item_id).first()
        if item is None:
            raise InvalidInput(_("No such item in this draft."), field="item")
        item.delete()
        _event(locked, VersionEvent.Action.EDITED, actor, _("removed “%(m)s”") % {"m": item.matter})


def version_publish(*, version, actor, effective_from=None, now=None):
    """Publish a draft from a date on. The version it follows is superseded on that date
    (it stays in force until then); who published what and when is recorded."""
    _editable(version.inventory, actor)
    now = now or timezone.now()
    effective_from = effective_from or timezone.localdate(now)
    if not isinstance(effective_from, date):
        raise InvalidInput(_("Give the effective date."), field="effective_from")
    with transaction.atomic():
        Inventory.objects.select_for_update().get(pk=version.inventory_id)
        locked = _locked_draft(version)
        if not locked.items.exists():
            raise InvalidInput(_("An empty list cannot be published."))
        latest = (Version.objects.filter(inventory_id=locked.inventory_id).exclude(status=Version.Status.DRAFT)
                  .order_by("-effective_from").first())
        if latest is not None and effective_from <= latest.effective_from:
            raise InvalidInput(
                _("The effective date must be after %(date)s, when v%(n)s took effect.")
                % {"date": latest.effective_from, "n": latest.number}, field="effective_from")
        previous = Version.objects.filter(inventory_id=locked.inventory_id, status=Version.Status.PUBLISHED)
        for old in previous:
            old.status, old.superseded_on = Version.Status.SUPERSEDED, effective_from
            old.save(update_fields=["status", "superseded_on"])
            _event(old, VersionEvent.Action.SUPERSEDED, actor,
                   _("by v%(n)s from %(date)s") % {"n": locked.number, "date": effective_from})
        locked.status, locked.effective_from = Version.Status.PUBLISHED, effective_from
        locked.published_by, locked.published_at = actor or _system_user(), now
        locked.save(update_fields=["status", "effective_from", "published_by", "published_at"])
        _event(locked, VersionEvent.Action.PUBLISHED, actor,
               _("in force from %(date)s") % {"date": effective_from})
    return locked


@dataclass
class ImportResult:
    version: Version | None
    errors: list = field(default_factory=list)
    total: int = 0
    seconds: float = 0.0

    @property
    def ok(self):
        return self.version is not None


def import_file(*, inventory, actor, filename, content, progress=None):
    """Import a CSV/XLSX file into a new draft: every row is checked first; if any is bad
    nothing is written and every bad row is named with why. Returns an ImportResult."""
    _editable(inventory, actor)
    started = time.monotonic()
    header, rows = tabular.read_table(filename=filename, content=content)
    checked = tabular.check_rows(inventory=inventory, header=header, rows=rows, progress=progress)
    if checked.errors:
        return ImportResult(version=None, errors=checked.errors, total=checked.total,
                            seconds=time.monotonic() - started)
    with transaction.atomic():
        Inventory.objects.select_for_update().get(pk=inventory.pk)
        version = Version.objects.create(inventory=inventory, number=_next_number(inventory),
                                         created_by=actor or _system_user(),
                                         note=_("imported from %(name)s") % {"name": filename[:200]})
        _bulk_items(version, checked.items)
        _event(version, VersionEvent.Action.IMPORTED, actor,
               _("%(n)s rows from %(name)s") % {"n": len(checked.items), "name": filename[:200]})
    return ImportResult(version=version, total=checked.total, seconds=time.monotonic() - started)


ITEM_COLUMNS = ("position", "code", "matter", "matter_key", "power_kind", "duty_kind", "legal_basis", "reason",
                "go_instead", "keywords", "note", "department_id")


def _bulk_items(version, rows):
    """Write checked rows and their category/department links (inside the caller's
    transaction). On PostgreSQL with COPY — a 10,000-row list in a fraction of a second —
    elsewhere with batched INSERTs."""
    for row in rows:
        row["matter_key"] = Item.key_of(row["matter"])
        row.setdefault("power_kind", "")
        row.setdefault("duty_kind", "")
        row.setdefault("department_id", None)
    if connection.vendor == "postgresql":
        return _copy_items_pg(version, rows)
    items = [Item(version=version, **{k: row[k] for k in ITEM_COLUMNS}) for row in rows]
    Item.objects.bulk_create(items, batch_size=1000)
    ItemCategory.objects.bulk_create(
        [ItemCategory(item=item, category_id=c) for item, row in zip(items, rows) for c in row["category_ids"]],
        batch_size=2000)
    ItemDepartment.objects.bulk_create(
        [ItemDepartment(item=item, department_id=d) for item, row in zip(items, rows) for d in row["department_ids"]],
        batch_size=2000)


def _copy_items_pg(version, rows):
    item_table, cat_table, dept_table = Item._meta.db_table, ItemCategory._meta.db_table, ItemDepartment._meta.db_table
    with connection.cursor() as cursor:
        # Ids first (from the table's own sequence) so the links can be copied too.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [item_table, len(rows)])
        ids = [r[0] for r in cursor.fetchall()]
        raw = cursor.cursor  # psycopg 3 cursor: COPY … FROM STDIN
        columns = ", ".join(("id", "version_id") + ITEM_COLUMNS)
        with raw.copy(f"COPY {item_table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                copy.write_row((pk, version.pk) + tuple(row[k] for k in ITEM_COLUMNS))
        with raw.copy(f"COPY {cat_table} (item_id, category_id) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                for c in row["category_ids"]:
                    copy.write_row((pk, c))
        with raw.copy(f"COPY {dept_table} (item_id, department_id) FROM STDIN") as copy:
            for pk, row in zip(ids, rows):
                for d in row["department_ids"]:
                    copy.write_row((pk, d))


def import_start(*, inventory, actor, filename, content):
    """Queue a file for import; a worker runs it and writes progress the page polls."""
    _editable(inventory, actor)
    if not content:
        raise InvalidInput(_("Choose a file."), field="file")
    if len(content) > tabular.MAX_BYTES:
        raise InvalidInput(_("The file is larger than 20 MB."), field="file")
    with transaction.atomic():
        job = ImportJob.objects.create(inventory=inventory, created_by=actor, filename=(filename or "upload")[:200],
                                       content=content)
        from .tasks import run_import

        transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


def import_job_run(*, job_id):
    """The worker's half of import_start. Progress is written outside the apply
    transaction so the page sees it move."""
    job = ImportJob.objects.select_related("inventory__area", "created_by").get(pk=job_id)
    if job.finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done, total):
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    started = time.monotonic()
    try:
        result = import_file(inventory=job.inventory, actor=job.created_by, filename=job.filename,
                             content=bytes(job.content), progress=progress)
    except (InvalidInput, NotPermitted, OutOfScope) as exc:
        result = ImportResult(version=None, errors=[{"row": None, "column": "", "message": exc.message}])
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.APPLIED if result.ok else ImportJob.Status.FAILED,
        errors=result.errors, version=result.version, finished_at=timezone.now(),
        elapsed_ms=int((time.monotonic() - started) * 1000),
    )
    job.refresh_from_db()
    return job


def seed_items(*, inventory, rows, effective_from, note="demo"):
    """Demo seed: publish `rows` (dicts of column keys → text) as the list's version in
    force unless an identical one already is (idempotent)."""
    from .columns import COLUMNS

    current = inventory.versions.in_force(effective_from).first()
    if current is not None and current.items.count() == len(rows):
        return current
    header = [c.key for c in COLUMNS[inventory.kind]]
    cells = [(i + 2, [str(row.get(k, "")) for k in header]) for i, row in enumerate(rows)]
    checked = tabular.check_rows(inventory=inventory, header=header, rows=cells)
    if checked.errors:
        raise InvalidInput(f"demo list {inventory.title}: {checked.errors[:3]}")
    with transaction.atomic():
        version = Version.objects.create(inventory=inventory, number=_next_number(inventory),
                                         created_by=_system_user(), note=note)
        _bulk_items(version, checked.items)
        _event(version, VersionEvent.Action.IMPORTED, None, note)
    return version_publish(version=version, actor=None, effective_from=effective_from)

