"""Ticket 工单 services: what a department does with its ticket.

The case's own transitions (dispatch, the lead's sign-for, return, extensions, result)
live in apps/cases/services.py; these functions route a department's action on one ticket
to the right place:

- the lead department's ticket drives the case: its sign-for, return and result are the
  case's (`case_sign`, `case_return`, `case_resolve` — the case is resolved when the lead's
  ticket is);
- a co-handling department (协办) signs for and steps back on its own ticket without moving
  the case: the table in apps/cases/workflow.py only lets "sign" run while the case is
  dispatched, which the lead's sign-for ends, and a co-handler's "not ours" must not send
  the whole case back to triage;
- extensions are the case's (one deadline per case): requested by any ticket holder,
  granted or refused by the dispatcher.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.cases import services as case_services
from apps.cases.models import Case, CaseEvent
from apps.core.exceptions import InvalidInput, OutOfScope, TransitionNotAllowed

from .models import Ticket


def _own_ticket(ticket, actor):
    if actor.role != Role.DEPARTMENT_OFFICIAL or not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise OutOfScope(_("No such ticket."))
    return Ticket.objects.select_related("case").get(pk=ticket.pk)


def _co_event(case, *, action, actor, ticket, note, now):
    event = CaseEvent.objects.create(
        case=case, action=action, actor=actor, from_status=case.status, to_status=case.status, level=case.level,
        unit=case.handling_area, department=ticket.department, note=note, created_at=now)
    from apps.cases import signals_out

    transaction.on_commit(lambda: signals_out.event_committed(event.pk))


def ticket_sign(*, ticket, actor, note="", now=None):
    """签收: the department takes its ticket. Returns the fresh ticket."""
    fresh = _own_ticket(ticket, actor)
    if fresh.is_lead:
        case_services.case_sign(case=fresh.case, actor=actor, note=note, now=now)
        return Ticket.objects.get(pk=fresh.pk)
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=fresh.case_id)
        locked = Ticket.objects.select_for_update().get(pk=fresh.pk)
        if locked.status != Ticket.Status.PENDING:
            raise TransitionNotAllowed(_("This ticket is %(status)s, not waiting for sign-for.")
                                       % {"status": locked.get_status_display()}, code="state_conflict")
        locked.status, locked.signed_at = Ticket.Status.SIGNED, now
        locked.save(update_fields=["status", "signed_at"])
        _co_event(case, action="ticket_sign", actor=actor, ticket=locked, now=now,
                  note=(note or "").strip()[:2000] or _("Co-handling department signed for its ticket."))
    return locked


def ticket_return(*, ticket, actor, note, now=None):
    """退回 with the reason. The lead's return sends the case back to triage; a
    co-handler's closes only its own ticket."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Give a reason."), field="note")
    if len(note) > 2000:
        raise InvalidInput(_("The note is longer than 2000 characters."), field="note")
    fresh = _own_ticket(ticket, actor)
    if fresh.is_lead:
        case_services.case_return(case=fresh.case, actor=actor, note=note, now=now)
        return Ticket.objects.get(pk=fresh.pk)
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=fresh.case_id)
        locked = Ticket.objects.select_for_update().get(pk=fresh.pk)
        if locked.status not in Ticket.OPEN:
            raise TransitionNotAllowed(_("This ticket is closed already."), code="state_conflict")
        locked.status, locked.finished_at, locked.result = Ticket.Status.RETURNED, now, note
        locked.save(update_fields=["status", "finished_at", "result"])
        _co_event(case, action="ticket_return", actor=actor, ticket=locked, note=note, now=now)
    return locked


def ticket_request_extension(*, ticket, actor, hours, note, now=None):
    """申请延期 on the case the ticket belongs to."""
    fresh = _own_ticket(ticket, actor)
    return case_services.case_request_extension(case=fresh.case, actor=actor, hours=hours, note=note, now=now)


def ticket_decide_extension(*, case, actor, grant, note="", now=None):
    """The dispatcher grants (new deadline for the case and its open tickets) or refuses."""
    if grant:
        return case_services.case_grant_extension(case=case, actor=actor, note=note, now=now)
    return case_services.case_refuse_extension(case=case, actor=actor, note=note, now=now)


def ticket_submit_result(*, ticket, actor, note="", photos=(), now=None):
    """反馈: the department's result with photos; the lead's result resolves the case."""
    fresh = _own_ticket(ticket, actor)
    if fresh.status not in Ticket.OPEN:
        raise TransitionNotAllowed(_("This ticket is closed already."), code="state_conflict")
    if not photos:
        raise InvalidInput(_("Add at least one photo of the result."), field="photos")
    case_services.case_resolve(case=fresh.case, actor=actor, note=note, photos=photos, now=now)
    return Ticket.objects.get(pk=fresh.pk)


TICKET_ACTIONS = {"sign": ticket_sign, "return": ticket_return, "extension": ticket_request_extension,
                  "result": ticket_submit_result}

