"""Whistle and report 吹哨报到: services.

- `whistle_blow`: a township (or county) dispatcher summons named county departments on a
  case; the report list in force gates which ones (apps/inventories/gates.report_gate).
- the escalation's township → county step blows the whistle itself (`register_with_escalation`).
- `whistle_report`: a summoned department reports (报到) — on time or late — and joins the
  case as a co-handler (a signed, non-lead ticket), which lets its officials see and act.
- `record_missed_reports`: the beat sweep records every summons whose limit passed unreported.
- `whistle_rate`: the whistling unit rates each department's timeliness, cooperation and
  professionalism (1–5), once.
Every limit is counted in working time by apps/core/worktime.deadline_after.
"""
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import DISPATCHER_ROLES, Role, User
from apps.cases.models import Case, CaseEvent
from apps.cases.workflow import OPEN_STATUSES
from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope, TransitionNotAllowed
from apps.core.worktime import deadline_after
from apps.grids.models import Department, Level

from .models import Ticket
from .notifications import notify_on_commit
from .whistle_models import Summons, Whistle


def _event(case, *, action, actor, note, now, department=None):
    event = CaseEvent.objects.create(
        case=case, action=action, actor=actor, from_status=case.status, to_status=case.status, level=case.level,
        unit=case.handling_area, department=department, note=note[:2000], created_at=now)
    from apps.cases import signals_out

    transaction.on_commit(lambda: signals_out.event_committed(event.pk))
    return event


def _officials(departments):
    return User.objects.filter(role=Role.DEPARTMENT_OFFICIAL, department__in=departments, is_active=True)


def _summon(*, case, unit, departments, actor, note, now, by_escalation=False):
    hours = settings.WHISTLE_REPORT_HOURS
    whistle = Whistle.objects.create(case=case, unit=unit, blown_by=actor, by_escalation=by_escalation,
                                     note=note, report_hours=hours, blown_at=now)
    due = deadline_after(now, hours)
    Summons.objects.bulk_create([Summons(whistle=whistle, department=d, due_at=due) for d in departments])
    names = "、".join(d.name for d in departments)
    text = _("Whistle blown by %(unit)s: %(departments)s must report by %(due)s.") % {
        "unit": unit.name, "departments": names, "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
    _event(case, action="whistle", actor=actor, note=f"{text} {note}".strip(), now=now)
    notify_on_commit(users=list(_officials(departments)), kind="whistle",
                     text=_("Your department is summoned (吹哨): %(case)s") % {"case": f"{case.number} {case.title}"},
                     url="/dispatch/whistles/", now=now)
    return whistle


def whistle_blow(*, case, actor, departments, note="", override_reason="", now=None):
    """吹哨: summon county departments on an open case. Returns the Whistle."""
    from apps.inventories import gates

    if actor.role not in DISPATCHER_ROLES:
        raise NotPermitted(_("Only a township or county dispatcher may blow the whistle."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise InvalidInput(_("The note is longer than 2000 characters."), field="note")
    departments = list(dict.fromkeys(departments or []))
    if not departments:
        raise InvalidInput(_("Choose at least one department to summon."), field="departments")
    unit = actor.area
    county = unit.ancestor_at(Level.COUNTY) if unit else None
    for d in departments:
        if not isinstance(d, Department) or not d.is_active or county is None or d.area_id != county.pk:
            raise InvalidInput(_("Summon active departments of your county only."), field="departments")
    now = now or timezone.now()
    with transaction.atomic():
        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            raise OutOfScope(_("No such case."))
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status not in OPEN_STATUSES:
            raise TransitionNotAllowed(_("The case is no longer open."), code="case_closed")
        gates.report_gate(area=unit, departments=departments, actor=actor, category=locked.category,
                          override_reason=override_reason, case=locked)
        return _summon(case=locked, unit=unit, departments=departments, actor=actor, note=note, now=now)


def _escalation_hook(*, case, escalation, now):
    """The escalation moved `case` from the township to the county: whistle the departments
    already on it (open tickets), else the one the power list names; none known → no whistle."""
    from apps.inventories import gates

    departments = [t.department for t in Ticket.objects.filter(case=case, status__in=Ticket.OPEN)
                   .select_related("department__area") if t.department.area.level == Level.COUNTY]
    if not departments:
        suggested = gates.suggest_department(case.category, case.area)
        departments = [suggested] if suggested is not None else []
    if not departments:
        return None
    return _summon(case=case, unit=escalation.from_area, departments=departments, actor=None,
                   note=_("Blown by the escalation: the case was not finished at the township in time."),
                   now=now, by_escalation=True)


def register_with_escalation():
    from .escalation import register_whistle_hook

    register_whistle_hook(_escalation_hook)


def whistle_report(*, summons, actor, note="", now=None):
    """报到: the summoned department acknowledges and joins (a signed co-handling ticket)."""
    now = now or timezone.now()
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        if not Summons.objects.visible_to(actor).filter(pk=summons.pk).exists():
            raise OutOfScope(_("No such summons."))
        if actor.role != Role.DEPARTMENT_OFFICIAL:
            raise NotPermitted(_("Only an official of the summoned department reports."))
        locked = Summons.objects.select_for_update().select_related("whistle", "department").get(pk=summons.pk)
        if locked.reported_at is not None:
            raise TransitionNotAllowed(_("Your department has reported already."), code="already_reported")
        case = Case.objects.select_for_update().get(pk=locked.whistle.case_id)
        locked.reported_at, locked.reported_by, locked.report_note = now, actor, note
        locked.report_minutes = max(0, int((now - locked.whistle.blown_at).total_seconds() // 60))
        locked.late = now > locked.due_at
        locked.save(update_fields=["reported_at", "reported_by", "report_note", "report_minutes", "late"])
        if case.status in OPEN_STATUSES and not Ticket.objects.filter(
                case=case, department=locked.department, status__in=Ticket.OPEN).exists():
            Ticket.objects.create(
                case=case, department=locked.department, is_lead=False, status=Ticket.Status.SIGNED,
                created_at=now, signed_at=now, sign_deadline=locked.due_at,
                finish_deadline=case.deadline or deadline_after(now, case.category.hours_for(case.level)))
        text = (_("%(department)s reported late.") if locked.late else _("%(department)s reported.")) % {
            "department": locked.department.name}
        _event(case, action="whistle_report", actor=actor, note=f"{text} {note}".strip(), now=now,
               department=locked.department)
    return locked


def record_missed_reports(*, now=None):
    """Record each summons whose limit passed with no report, once (missed_at); the case's
    timeline says so and the whistling unit's dispatchers are told. Returns how many."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        waiting = list(Summons.objects.select_for_update(skip_locked=True)
                       .filter(reported_at__isnull=True, missed_at__isnull=True, due_at__lt=now)
                       .select_related("whistle", "department")[:1000])
        for s in waiting:
            changed = Summons.objects.filter(pk=s.pk, reported_at__isnull=True, missed_at__isnull=True).update(
                missed_at=now)
            if not changed:
                continue
            count += 1
            case = Case.objects.get(pk=s.whistle.case_id)
            _event(case, action="whistle_missed", actor=None, now=now, department=s.department,
                   note=_("%(department)s did not report by %(due)s.") % {
                       "department": s.department.name,
                       "due": timezone.localtime(s.due_at).strftime("%Y-%m-%d %H:%M")})
            notify_on_commit(
                users=list(User.objects.filter(area=s.whistle.unit, role__in=DISPATCHER_ROLES, is_active=True)),
                kind="whistle_missed", text=_("%(department)s did not report on %(case)s") % {
                    "department": s.department.name, "case": case.number},
                url="/dispatch/whistles/", now=now)
    return count


def _score(value, field):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), field=field)
    return number


def whistle_rate(*, summons, actor, timeliness, cooperation, professionalism, comment="", now=None):
    """The whistling unit rates one summoned department, once, after it reported or missed."""
    scores = {"timeliness": _score(timeliness, "timeliness"), "cooperation": _score(cooperation, "cooperation"),
              "professionalism": _score(professionalism, "professionalism")}
    now = now or timezone.now()
    with transaction.atomic():
        if not Summons.objects.visible_to(actor).filter(pk=summons.pk).exists():
            raise OutOfScope(_("No such summons."))
        locked = Summons.objects.select_for_update().select_related("whistle").get(pk=summons.pk)
        if not (actor.sees_everything or (actor.role in DISPATCHER_ROLES and actor.area_id == locked.whistle.unit_id)):
            raise NotPermitted(_("Only the whistling unit rates the departments it summoned."))
        if locked.reported_at is None and locked.missed_at is None and locked.due_at > now:
            raise TransitionNotAllowed(_("Rate after the department reported or its time ran out."),
                                       code="not_yet")
        if locked.rated_at is not None:
            raise TransitionNotAllowed(_("This department has been rated for this whistle already."),
                                       code="already_rated")
        for name, value in scores.items():
            setattr(locked, name, value)
        locked.rating_comment = (comment or "").strip()[:500]
        locked.rated_by, locked.rated_at = actor, now
        locked.save()
    return locked
