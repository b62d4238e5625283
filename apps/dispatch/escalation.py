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

from apps.cases.models import Case, CaseEvent
from apps.cases.workflow import OPEN_STATUSES, Status
from apps.core.worktime import deadline_info
from apps.grids.models import Level

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
    a case moves from the township to the county (吹哨). It may write (a Whistle row, say);
    raising rolls the batch back and the next sweep tries again."""
    if hook not in _whistle_hooks:
        _whistle_hooks.append(hook)
    return hook


def overdue_cases(now):
    """Open, still-handled cases past their deadline that were not escalated for it yet."""
    already = Escalation.objects.filter(case=OuterRef("pk"), missed_deadline=OuterRef("deadline"))
    return Case.objects.filter(status__in=ESCALATING_STATUSES, deadline__lt=now).exclude(Exists(already))


def escalate_overdue(*, now=None, batch_size=None):
    """Escalate every overdue case once for its current deadline. Returns the number of
    escalations recorded (cases moved up plus cases flagged at the county)."""
    now = now or timezone.now()
    batch_size = batch_size or settings.ESCALATION_BATCH_SIZE
    deadlines = {}
    total = 0
    while True:
        locked, recorded = _escalate_batch(now=now, batch_size=batch_size, deadlines=deadlines)
        total += recorded
        if locked < batch_size:
            return total


def _new_deadline(now, hours, deadlines):
    # Every case in one sweep counts from the same `now`: one calendar walk per limit.
    if hours not in deadlines:
        deadlines[hours] = deadline_info(now, hours)
    return deadlines[hours]


def _escalate_batch(*, now, batch_size, deadlines):
    """One transaction: lock up to `batch_size` candidates, claim each (case, deadline),
    move the claimed ones, write their events. Returns (locked, recorded)."""
    with transaction.atomic():
        batch = list(
            overdue_cases(now)
            .select_related("category", "handling_area__parent")
            .order_by("deadline", "pk")
            .select_for_update(skip_locked=True, of=("self",))[:batch_size]
        )
        if not batch:
            return 0, 0
        plans = [_plan(case, now, deadlines) for case in batch]
        claimed = _claim(plans, now)
        moved, events, whistled = [], [], []
        for plan in plans:
            if plan.case.pk not in claimed:
                continue
            case = plan.case
            events.append(_event(plan, now))
            if plan.at_top:
                continue
            if plan.from_level == Level.TOWNSHIP and plan.to_level == Level.COUNTY:
                whistled.append(plan)
            case.level = plan.to_level
            case.handling_area = plan.to_area
            case.deadline, case.deadline_provisional = plan.new_deadline, plan.provisional
            case.updated_at = now
            moved.append(case)
        if moved:
            Case.objects.bulk_update(
                moved, ["level", "handling_area", "deadline", "deadline_provisional", "updated_at"]
            )
        created = CaseEvent.objects.bulk_create(events)
        if _whistle_hooks and whistled:
            by_case = {e.case_id: e for e in Escalation.objects.filter(
                case_id__in=[p.case.pk for p in whistled], missed_deadline__in={p.missed for p in whistled})}
            for plan in whistled:
                for hook in list(_whistle_hooks):
                    hook(case=plan.case, escalation=by_case[plan.case.pk], now=now)
        event_ids = [event.pk for event in created]
        transaction.on_commit(lambda: _after_commit(event_ids))
    return len(batch), len(claimed)


class _Plan:
    __slots__ = ("case", "missed", "from_level", "from_area", "to_level", "to_area", "new_deadline",
                 "provisional", "at_top")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)


def _plan(case, now, deadlines):
    area = case.handling_area
    parent = area.parent
    at_top = case.level <= Level.COUNTY or parent is None
    if at_top:
        return _Plan(case=case, missed=case.deadline, from_level=case.level, from_area=area, to_level=case.level,
                     to_area=area, new_deadline=None, provisional=False, at_top=True)
    to_level = Level(parent.level)
    new_deadline, provisional = _new_deadline(now, case.category.hours_for(to_level), deadlines)
    return _Plan(case=case, missed=case.deadline, from_level=case.level, from_area=area, to_level=to_level,
                 to_area=parent, new_deadline=new_deadline, provisional=provisional, at_top=False)


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
            params += [p.case.pk, adapt(p.missed), p.from_level, p.to_level, p.from_area.pk, p.to_area.pk,
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
    case = plan.case
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
    return CaseEvent(case=case, action=action, actor=None, from_status=case.status, to_status=case.status,
                     level=plan.to_level, unit=plan.to_area, note=note, created_at=now)


def _after_commit(event_ids):
    """Hand each committed escalation event to the after-commit receivers (notifications)."""
    from apps.cases import signals_out

    for event_id in event_ids:
        signals_out.event_committed(event_id)
