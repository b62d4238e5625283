"""Every write a person can cause on a case. Views, API, admin, commands and tasks call
these; none re-implements them.

A state change is: check the case is visible to the actor, lock its row, check the
transition table, write the row and one timeline event — one transaction.
"""
import secrets
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope
from apps.core.worktime import deadline_after
from apps.dispatch.models import Ticket
from apps.grids.models import Area, Department, Level
from apps.grids.selectors import grid_at_point

from . import workflow
from .models import Case, CaseEvent, CasePhoto, Category, Channel, Urgency
from .photos import prepare_photos
from .workflow import Status

ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIGN_FOR_HOURS = 2


def _decimal(value, field, low, high):
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("%(field)s must be a number.") % {"field": field}, field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise InvalidInput(
            _("%(field)s must be between %(low)s and %(high)s.") % {"field": field, "low": low, "high": high},
            field=field,
        )
    return number.quantize(Decimal("0.000001"))


def _next_number(county, now):
    """area code + date + sequence, e.g. 340181-20261122-000123. The counter row is bumped
    inside the caller's transaction (INSERT … ON CONFLICT … RETURNING works on PostgreSQL
    and SQLite alike), so concurrent filings get distinct numbers and a rollback gives its
    number back."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    prefix = f"{county.code}-{day}"
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_casenumbercounter (prefix, last) VALUES (%s, 1) "
            "ON CONFLICT (prefix) DO UPDATE SET last = cases_casenumbercounter.last + 1 RETURNING last",
            [prefix],
        )
        (sequence,) = cursor.fetchone()
    return f"{prefix}-{sequence:06d}"


def _county_of(user):
    area = user.scope_area
    if area is None:
        raise NotPermitted(_("Your account has no area scope; ask an administrator."))
    county = area.ancestor_at(Level.COUNTY)
    if county is None:
        raise NotPermitted(_("Your account has no area scope; ask an administrator."))
    return county


def case_create(
    *, actor, category, description, latitude, longitude, title="", address="", channel=Channel.GRID_WORKER,
    urgency=Urgency.NORMAL, reporter_name="", reporter_phone="", photos=(), grid=None, now=None,
):
    """File a case (信息采集). Everything is validated before anything is written; the
    case, its first timeline event and its photos are saved together or not at all."""
    if actor.role not in workflow.FILING_ROLES:
        raise NotPermitted(_("Your role may not file cases."))
    if not isinstance(category, Category):
        raise InvalidInput(_("Choose a category."), field="category")
    if category.parent_id is None or not category.is_active:
        raise InvalidInput(_("Choose an active sub-category."), field="category")
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the problem."), field="description")
    if len(description) > 4000:
        raise InvalidInput(_("The description is longer than 4000 characters."), field="description")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    if urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency."), field="urgency")
    lat = _decimal(latitude, "latitude", -90, 90)
    lng = _decimal(longitude, "longitude", -180, 180)
    county = _county_of(actor)
    found = grid_at_point(lat=float(lat), lng=float(lng), county=county)
    if found is None:
        if grid is None:
            raise InvalidInput(_("The location is in no grid; choose the grid."), field="grid")
        if grid.level != Level.GRID or not grid.is_within(county):
            raise InvalidInput(_("Choose a grid of %(county)s.") % {"county": county.name}, field="grid")
        found = grid
    prepared = prepare_photos(photos)
    now = now or timezone.now()
    level = Level(category.default_level)
    handling_area = found.ancestor_at(level) or found
    title = strip_tags((title or "").strip())[:120] or f"{category.name}：{description[:30]}"

    saved_files = []
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=_next_number(county, now),
                access_code="".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(6)),
                title=title,
                description=description,
                category=category,
                channel=channel,
                urgency=urgency,
                reporter_name=(reporter_name or "").strip()[:50],
                reporter_phone=(reporter_phone or "").strip()[:20],
                latitude=lat,
                longitude=lng,
                address=(address or "").strip()[:200],
                area=found,
                level=level,
                handling_area=handling_area,
                status=Status.REPORTED,
                deadline=deadline_after(now, category.hours_for(level)),
                created_by=actor,
                created_at=now,
            )
            event = _record(case, actor=actor, action="file", from_status="", note="", now=now)
            for photo in prepared:
                stored = CasePhoto(case=case, event=event, kind=CasePhoto.Kind.BEFORE,
                                   original_name=photo.original_name, width=photo.width, height=photo.height)
                stored.image.save(photo.image.name, photo.image, save=False)
                saved_files.append(stored.image)
                stored.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
                saved_files.append(stored.thumbnail)
                stored.save()
    except Exception:
        for field_file in saved_files:  # nothing half-saved: files of a rolled-back filing go too
            field_file.storage.delete(field_file.name)
        raise
    return case


def _record(case, *, actor, action, from_status, note, now, department=None):
    return CaseEvent.objects.create(
        case=case, action=action, actor=actor, from_status=from_status, to_status=case.status,
        level=case.level, unit=case.handling_area, department=department, note=note, created_at=now,
    )


def _transition(*, case, actor, action, note="", now=None, apply=None, department=None):
    """Lock, check the table, change, record — in one transaction. Returns the fresh case."""
    note = (note or "").strip()
    with transaction.atomic():
        if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            raise OutOfScope(_("No such case."))
        locked = Case.objects.select_for_update().get(pk=case.pk)
        spec = workflow.check(action, locked.status, actor.role)
        if spec.needs_note and not note:
            raise InvalidInput(_("Give a reason."), field="note")
        ticket = None
        if spec.needs_ticket:
            ticket = (
                Ticket.objects.select_for_update()
                .filter(case=locked, department_id=actor.department_id, status__in=Ticket.OPEN)
                .first()
            )
            if ticket is None:
                raise NotPermitted(_("Your department holds no open ticket on this case."))
        now = now or timezone.now()
        from_status = locked.status
        locked.status = spec.target
        if apply is not None:
            department = apply(locked, ticket, now) or department
        elif ticket is not None:
            department = ticket.department
        locked.save()
        _record(locked, actor=actor, action=action, from_status=from_status, note=note, now=now,
                department=department)
    return locked


def case_accept(*, case, actor, note="", now=None):
    """立案: the dispatcher takes the case on."""
    def apply(locked, ticket, now):
        locked.accepted_at = locked.accepted_at or now
    return _transition(case=case, actor=actor, action="accept", note=note, now=now, apply=apply)


def case_reject(*, case, actor, note, now=None):
    """Not accepted (out of scope, duplicate, …); the reason is required."""
    return _transition(case=case, actor=actor, action="reject", note=note, now=now)


def case_dispatch(*, case, actor, department, note="", now=None):
    """派遣: open a ticket for the lead department. Accepts implicitly when needed."""
    if not isinstance(department, Department) or not department.is_active:
        raise InvalidInput(_("Choose an active department."), field="department")
    county = _county_of(actor)
    if not department.area.is_within(county):
        raise InvalidInput(_("Choose a department of %(county)s.") % {"county": county.name}, field="department")

    def apply(locked, ticket, now):
        locked.accepted_at = locked.accepted_at or now
        Ticket.objects.create(
            case=locked, department=department, is_lead=True, created_at=now,
            sign_deadline=deadline_after(now, SIGN_FOR_HOURS),
            finish_deadline=locked.deadline or deadline_after(now, locked.category.hours_for(locked.level)),
        )
        return department
    return _transition(case=case, actor=actor, action="dispatch", note=note, now=now, apply=apply)


def case_sign(*, case, actor, note="", now=None):
    """签收: the department takes the ticket."""
    def apply(locked, ticket, now):
        ticket.status, ticket.signed_at = Ticket.Status.SIGNED, now
        ticket.save(update_fields=["status", "signed_at"])
        return ticket.department
    return _transition(case=case, actor=actor, action="sign", note=note, now=now, apply=apply)


def case_return(*, case, actor, note, now=None):
    """退回: "not ours", with the reason, back to the dispatcher."""
    def apply(locked, ticket, now):
        ticket.status, ticket.finished_at, ticket.result = Ticket.Status.RETURNED, now, note
        ticket.save(update_fields=["status", "finished_at", "result"])
        return ticket.department
    return _transition(case=case, actor=actor, action="return", note=note, now=now, apply=apply)


def case_resolve(*, case, actor, note="", now=None):
    """处置/反馈: the department reports the case handled."""
    def apply(locked, ticket, now):
        ticket.status, ticket.finished_at, ticket.result = Ticket.Status.DONE, now, note
        ticket.signed_at = ticket.signed_at or now
        ticket.save(update_fields=["status", "finished_at", "result", "signed_at"])
        return ticket.department
    return _transition(case=case, actor=actor, action="resolve", note=note, now=now, apply=apply)


def case_verify(*, case, actor, note="", now=None):
    """核查: someone on the ground confirms the fix."""
    return _transition(case=case, actor=actor, action="verify", note=note, now=now)


def case_close(*, case, actor, note="", now=None):
    """结案."""
    def apply(locked, ticket, now):
        locked.closed_at = now
    return _transition(case=case, actor=actor, action="close", note=note, now=now, apply=apply)


ACTION_SERVICES = {
    "accept": case_accept,
    "reject": case_reject,
    "dispatch": case_dispatch,
    "sign": case_sign,
    "return": case_return,
    "resolve": case_resolve,
    "verify": case_verify,
    "close": case_close,
}


def case_act(*, case, actor, action, note="", department=None, now=None):
    """Run the named action; the one entry point for the action URLs of pages and API."""
    from apps.core.exceptions import TransitionNotAllowed

    service = ACTION_SERVICES.get(action)
    if service is None:
        raise TransitionNotAllowed(_("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action")
    kwargs = {"case": case, "actor": actor, "note": note, "now": now}
    if action == "dispatch":
        kwargs["department"] = department
    return service(**kwargs)
