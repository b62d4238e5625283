"""Escalation 逐级上报: a case not finished within its level's time limit climbs one level.

`escalate_overdue(*, now)` is the one service behind the beat task (every minute,
apps/dispatch/tasks.py) and `manage.py escalate_overdue`. For each open case whose
deadline has passed it moves the case up one level (grid → village → township → county):
the handling unit becomes the parent area, a new deadline is counted from `now` in
working hours from the category's limit for the new level (apps/core/worktime.py), one
timeline event says why, and after the commit the event goes to signals_out, whose
receivers notify the new level's dispatchers.

Exactly once per deadline, enforced by the database:
- candidates are locked with SELECT … FOR UPDATE SKIP LOCKED, so concurrent sweeps
  split the work instead of waiting for each other;
- the Escalation row for (case, missed deadline) is inserted first with
  INSERT … ON CONFLICT DO NOTHING RETURNING, and only cases whose row went in are moved.
  A duplicated, retried or concurrent sweep finds the row there and does nothing — also
  on SQLite, where there are no row locks (writers are serialized instead);
- each batch is one transaction: a worker killed mid-sweep loses only its open batch,
  which rolls back and is done by the next sweep (beat sends one every minute).

Cost follows the overdue cases, not the table: the candidate query walks the partial
index `case_open_deadline_idx` (open cases only, by deadline) up to `now`.

Past the county there is no level: a case overdue at the county stays there, and the
sweep records it once per missed deadline (`Escalation.at_top`, event `overdue_at_top`)
so county dispatchers and leaders are told. Granting an extension gives a new deadline,
which can be flagged again when missed.

At the township → county step the design calls this the whistle 吹哨: receivers added
with `register_whistle_hook` run inside the escalation's transaction for those cases
(the whistle/report work in apps/dispatch registers one; none is required).
"""
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.models import Case, CaseEvent, Category
from apps.cases.workflow import OPEN_STATUSES, Status
from apps.core.worktime import deadline_info
from apps.grids.models import Area, Level

from .escalation_models import Escalation

logger = logging.getLogger(__name__)

# Open cases whose handling is still under way. A resolved or verified case waits for
# checking, not for its handler, so its deadline no longer drives escalation.
ESCALATING_STATUSES = sorted(OPEN_STATUSES - {Status.RESOLVED, Status.VERIFIED})

ACTION_ESCALATE = "escalate"
ACTION_OVERDUE_AT_TOP = "overdue_at_top"

_whistle_hooks = []


def register_whistle_hook(hook):
    """Add `hook(*, case, escalation, now)`, called inside the escalation transaction when
    a case moves from the township to the county (吹哨). It may write (a Whistle row, say).
    It runs in a savepoint: if it raises, its writes are undone and logged, and the case is
    escalated all the same — a broken whistle must never stop escalation."""
    if hook not in _whistle_hooks:
        _whistle_hooks.append(hook)
    return hook


def overdue_cases(now):
    """Open, still-handled cases past their deadline that were not escalated for it yet."""
    already = Escalation.objects.filter(case=OuterRef("pk"), missed_deadline=OuterRef("deadline"))
    return Case.objects.filter(status__in=ESCALATING_STATUSES, deadline__lt=now).exclude(Exists(already))


def escalate_overdue(*, now=None, batch_size=None, events_queue=None):
    """Escalate every overdue case once for its current deadline. Returns the number of
    escalations recorded (cases moved up plus cases flagged at the county).

    After each batch commits, one `deliver_case_events` task carries its events to the
    after-commit receivers (notifications) — on `events_queue` if given (the beat task
    passes the queue it ran on), else the default queue. Delivering inline would make a
    burst of 10,000 escalations wait for 10,000 notification fan-outs."""
    now = now or timezone.now()
    batch_size = batch_size or settings.ESCALATION_BATCH_SIZE
    lookups = _Lookups(now)
    total = 0
    while True:
        locked, recorded = _escalate_batch(now=now, batch_size=batch_size, lookups=lookups,
                                           events_queue=events_queue)
        total += recorded
        if locked < batch_size:
            return total


class _Lookups:
    """What one sweep reads over and over, read once: areas (without their boundaries),
    categories, and the new deadline per time limit (every case in a sweep counts from the
    same `now`, so one calendar walk per limit)."""

    def __init__(self, now):
        self.now = now
        self.areas = {}
        self.categories = {}
        self.deadlines = {}

    def area(self, pk):
        if pk not in self.areas:
            self.areas[pk] = Area.objects.only("id", "name", "level", "parent_id").get(pk=pk)
        return self.areas[pk]

    def hours(self, category_id, level):
        if category_id not in self.categories:
            self.categories[category_id] = Category.objects.get(pk=category_id)
        return self.categories[category_id].hours_for(level)

    def deadline(self, hours):
        if hours not in self.deadlines:
            self.deadlines[hours] = deadline_info(self.now, hours)
        return self.deadlines[hours]


def _escalate_batch(*, now, batch_size, lookups, events_queue):
    """One transaction: lock up to `batch_size` candidates, claim each (case, deadline),
    move the claimed ones, write their events. Returns (locked, recorded)."""
    with transaction.atomic():
        rows = list(
            overdue_cases(now)
            .order_by("deadline", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", "level", "deadline", "status", "category_id", "handling_area_id")[:batch_size]
        )
        if not rows:
            return 0, 0
        plans = [_plan(row, lookups) for row in rows]
        claimed = _claim(plans, now)
        won = [plan for plan in plans if plan.case_id in claimed]
        _save_moved([plan for plan in won if not plan.at_top], now)
        created = CaseEvent.objects.bulk_create([_event(plan, now) for plan in won])
        whistled = [p for p in won if p.from_level == Level.TOWNSHIP and p.to_level == Level.COUNTY]
        if _whistle_hooks and whistled:
            _whistle(whistled, now)
        event_ids = [event.pk for event in created]
        transaction.on_commit(lambda: _after_commit(event_ids, events_queue))
    return len(rows), len(claimed)


def _whistle(plans, now):
    cases = Case.objects.in_bulk([p.case_id for p in plans])
    escalations = {(e.case_id, e.missed_deadline): e
                   for e in Escalation.objects.filter(case_id__in=[p.case_id for p in plans])}
    for plan in plans:
        for hook in list(_whistle_hooks):
            try:
                with transaction.atomic():
                    hook(case=cases[plan.case_id], escalation=escalations[(plan.case_id, plan.missed)], now=now)
            except Exception:
                logger.exception("whistle hook %s failed for case %s; escalated without it", hook, plan.case_id)


def _save_moved(plans, now):
    """One UPDATE per (new unit, new deadline): cases escalating to the same parent with
    the same limit share their new values. (bulk_update's per-row CASE costs seconds per
    thousand rows; this costs one statement per group.)"""
    groups = {}
    for plan in plans:
        groups.setdefault((plan.to_level, plan.to_area.pk, plan.new_deadline, plan.provisional), []).append(
            plan.case_id)
    for (level, area_id, deadline, provisional), ids in groups.items():
        Case.objects.filter(pk__in=ids).update(level=level, handling_area_id=area_id, deadline=deadline,
                                               deadline_provisional=provisional, updated_at=now)


class _Plan:
    __slots__ = ("case_id", "status", "missed", "from_level", "from_area", "to_level", "to_area", "new_deadline",
                 "provisional", "at_top")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


def _plan(row, lookups):
    case_id, level, deadline, status, category_id, area_id = row
    area = lookups.area(area_id)
    parent = lookups.area(area.parent_id) if area.parent_id else None
    common = dict(case_id=case_id, status=status, missed=deadline, from_level=level, from_area=area)
    if level <= Level.COUNTY or parent is None:
        return _Plan(**common, to_level=level, to_area=area, new_deadline=None, provisional=False, at_top=True)
    to_level = Level(parent.level)
    new_deadline, provisional = lookups.deadline(lookups.hours(category_id, to_level))
    return _Plan(**common, to_level=to_level, to_area=parent, new_deadline=new_deadline, provisional=provisional,
                 at_top=False)


def _claim(plans, now):
    """Insert one Escalation row per plan unless (case, missed deadline) is already there;
    returns the ids of the cases whose row this transaction inserted. The unique
    constraint decides, whatever any other process is doing at the same moment."""
    table = Escalation._meta.db_table
    columns = ["case_id", "missed_deadline", "from_level", "to_level", "from_area_id", "to_area_id",
               "new_deadline", "new_deadline_provisional", "at_top", "at"]
    adapt = connection.ops.adapt_datetimefield_value
    claimed = set()
    chunk = 500  # 5,000 parameters per statement: inside SQLite's and PostgreSQL's limits
    for start in range(0, len(plans), chunk):
        part = plans[start:start + chunk]
        params = []
        for p in part:
            params += [p.case_id, adapt(p.missed), p.from_level, p.to_level, p.from_area.pk, p.to_area.pk,
                       adapt(p.new_deadline), p.provisional, p.at_top, adapt(now)]
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        sql = (f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(part))} "
               "ON CONFLICT (case_id, missed_deadline) DO NOTHING RETURNING case_id")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            claimed.update(case_id for (case_id,) in cursor.fetchall())
    return claimed


def _fmt(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _event(plan, now):
    if plan.at_top:
        note = _("Not finished by the deadline %(deadline)s at %(unit)s, the highest level: "
                 "flagged for the county's dispatchers and leaders.") % {
            "deadline": _fmt(plan.missed), "unit": plan.from_area.name}
        action = ACTION_OVERDUE_AT_TOP
    else:
        note = _("Not finished by the deadline %(deadline)s at %(from)s: escalated to %(to)s, "
                 "new deadline %(new)s.") % {
            "deadline": _fmt(plan.missed), "from": plan.from_area.name, "to": plan.to_area.name,
            "new": _fmt(plan.new_deadline)}
        if plan.provisional:
            note += " " + _("The new deadline is provisional: next year's holidays are not entered yet.")
        action = ACTION_ESCALATE
    return CaseEvent(case_id=plan.case_id, action=action, actor=None, from_status=plan.status,
                     to_status=plan.status, level=plan.to_level, unit_id=plan.to_area.pk, note=note, created_at=now)


def _after_commit(event_ids, queue):
    """Send the committed batch's events to the receivers through a task. A broker that is
    down loses these notifications (logged), never the escalations or the rest of the sweep."""
    from .tasks import deliver_case_events

    try:
        deliver_case_events.apply_async((event_ids,), **({"queue": queue} if queue else {}))
    except Exception:
        logger.exception("could not enqueue notifications for %s escalation events", len(event_ids))
