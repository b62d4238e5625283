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

from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope
from apps.core.worktime import deadline_after, deadline_info
from apps.dispatch.models import Ticket
from apps.grids.models import Area, Department, Level
from apps.grids.selectors import grid_at_point
from apps.insights.rollups import case_changing as rollup_case_changing
from apps.inventories import gates as inventory_gates

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
    external_id=None,
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
    # The lists in force (apps/inventories/gates.py): a certificate on the not-to-issue list
    # is refused here; a village/grid-level matter not on the admission list goes to the township.
    inventory_gates.certificate_gate(area=found, text=f"{title or ''} {description}", category=category)
    level = Level(category.default_level)
    admission = inventory_gates.admission_check(category=category, area=found) if level >= Level.VILLAGE else None
    if admission is not None and not admission.allowed:
        level = Level.TOWNSHIP
    handling_area = found.ancestor_at(level) or found
    title = strip_tags((title or "").strip())[:120] or f"{category.name}：{description[:30]}"

    # Provisional when the count ran into a year whose holidays are not published yet.
    deadline, provisional = deadline_info(now, category.hours_for(level))
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
                deadline=deadline,
                deadline_provisional=provisional,
                created_by=actor,
                created_at=now,
                # A linked system's own id (the 12345 hotline); unique, so a replay cannot file twice.
                external_id=external_id or None,
            )
            rollup_case_changing(case, created=True)  # insights rollups, same transaction
            event = _record(case, actor=actor, action="file", from_status="", now=now,
                            note=admission.message if admission is not None and not admission.allowed else "")
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


def _save_photos(case, event, prepared, kind, saved_files):
    for photo in prepared:
        stored = CasePhoto(case=case, event=event, kind=kind, original_name=photo.original_name,
                           width=photo.width, height=photo.height)
        stored.image.save(photo.image.name, photo.image, save=False)
        saved_files.append(stored.image)
        stored.thumbnail.save(photo.thumbnail.name, photo.thumbnail, save=False)
        saved_files.append(stored.thumbnail)
        stored.save()


def _transition(*, case, actor, action, note="", now=None, apply=None, validate=None, photos=(),
                require_photo=False, annotate=None):
    """Lock, check the table, validate the inputs, change, record — in one transaction.
    Returns the fresh case.

    The table is checked before the inputs, so a refused role or state gets that answer
    whatever it sent. `validate()` checks the action's own inputs; `apply(locked, ticket,
    now)` makes its changes and may return the department to name in the event.
    `annotate()` (optional) returns text added to the event's note after the checks (a
    gate's decision, say).
    """
    note = (note or "").strip()
    saved_files = []
    try:
        with transaction.atomic():
            if actor is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
                raise OutOfScope(_("No such case."))
            locked = Case.objects.select_for_update().get(pk=case.pk)
            spec = workflow.check(action, locked, actor.role if actor else SYSTEM_ROLE)
            if spec.needs_note and not note:
                raise InvalidInput(_("Give a reason."), field="note")
            if len(note) > 2000:
                raise InvalidInput(_("The note is longer than 2000 characters."), field="note")
            if validate is not None:
                validate()
            prepared = prepare_photos(photos)
            if require_photo and not prepared:
                raise InvalidInput(_("Add at least one photo of the result."), field="photos")
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
            if spec.target is not None:
                locked.status = spec.target
            department = ticket.department if ticket is not None else None
            if apply is not None:
                department = apply(locked, ticket, now) or department
            rollup_case_changing(locked)  # insights rollups, same transaction
            locked.save()
            if annotate is not None:
                note = " ".join(part for part in (note, annotate() or "") if part)
            event = _record(locked, actor=actor, action=action, from_status=from_status, note=note, now=now,
                            department=department)
            _save_photos(locked, event, prepared, CasePhoto.Kind.AFTER, saved_files)
            transaction.on_commit(lambda: _after_commit(event.pk))
    except Exception:
        for field_file in saved_files:
            field_file.storage.delete(field_file.name)
        raise
    return locked


SYSTEM_ROLE = "system"


def _after_commit(event_id):
    """Hook for what follows a committed change (notifications, webhooks)."""
    from . import signals_out

    signals_out.event_committed(event_id)


def case_accept(*, case, actor, note="", now=None):
    """立案: the dispatcher takes the case on."""
    def apply(locked, ticket, now):
        locked.accepted_at = locked.accepted_at or now
    return _transition(case=case, actor=actor, action="accept", note=note, now=now, apply=apply)


def case_reject(*, case, actor, note, now=None):
    """Not accepted (out of scope, a certificate that must not be issued, …); the reason is required."""
    return _transition(case=case, actor=actor, action="reject", note=note, now=now)


def case_merge(*, case, actor, original, note="", now=None):
    """A duplicate: rejected as merged, pointing to the original; its reporter sees that."""
    def validate():
        if not isinstance(original, Case) or original.pk == case.pk:
            raise InvalidInput(_("Choose the original case, not this one."), field="original")
        if not Case.objects.visible_to(actor).open().filter(pk=original.pk).exists():
            raise InvalidInput(_("The original must be an open case you can see."), field="original")
        if original.merged_into_id:
            raise InvalidInput(_("That case is itself a merged duplicate."), field="original")

    def apply(locked, ticket, now):
        locked.merged_into = original
    if not note and isinstance(original, Case):
        note = _("Duplicate of %(number)s.") % {"number": original.number}
    return _transition(case=case, actor=actor, action="merge", note=note, now=now, apply=apply, validate=validate)


def _check_department(actor, department, field="department"):
    if not isinstance(department, Department) or not department.is_active:
        raise InvalidInput(_("Choose an active department."), field=field)
    county = _county_of(actor)
    if not department.area.is_within(county):
        raise InvalidInput(_("Choose a department of %(county)s.") % {"county": county.name}, field=field)


def case_dispatch(*, case, actor, department=None, co_departments=(), note="", now=None):
    """派遣: open a ticket for the lead department and one per co-handling department (协办).
    Accepts the case in the same step when it was only reported. Without a department, the
    one the power list in force makes responsible for the category is taken (权责清单)."""
    if department is None:
        department = inventory_gates.suggest_department(case.category, case.area)
    co_departments = [d for d in (co_departments or []) if d != department]

    def validate():
        _check_department(actor, department)
        for co in co_departments:
            _check_department(actor, co, field="co_departments")

    def apply(locked, ticket, now):
        locked.accepted_at = locked.accepted_at or now
        finish = locked.deadline or deadline_after(now, locked.category.hours_for(locked.level))
        for dept, lead in [(department, True)] + [(d, False) for d in co_departments]:
            Ticket.objects.create(case=locked, department=dept, is_lead=lead, created_at=now,
                                  sign_deadline=deadline_after(now, SIGN_FOR_HOURS), finish_deadline=finish)
        return department
    return _transition(case=case, actor=actor, action="dispatch", note=note, now=now, apply=apply,
                       validate=validate)


def push_down_targets(*, case, actor):
    """Where `actor` may push `case` down to: the village/community and the grid the case
    is in, below its current level and inside the actor's scope (nearest first)."""
    scope = actor.scope_area
    if scope is None or case.area_id is None:
        return []
    targets = [case.area.ancestor_at(Level.VILLAGE), case.area if case.area.level == Level.GRID else None]
    return [t for t in targets if t is not None and t.level > case.level and t.is_within(scope)]


def case_push_down(*, case, actor, target_area, override_reason="", note="", now=None):
    """下派 (小事不出村): a township or county dispatcher hands an accepted or returned case
    down to the village/community (or the grid) where it is, with a new working-time
    deadline for that level. The community admission list in force must admit the matter
    (refused naming the list and its version); a county dispatcher may override with a
    reason, which the gate records and counts (GateOverride) and the timeline shows."""
    override_reason = (override_reason or "").strip()
    decided = {}

    def validate():
        if not isinstance(target_area, Area) or target_area.level not in (Level.VILLAGE, Level.GRID):
            raise InvalidInput(_("Choose a village/community or a grid."), field="target_area")
        scope = actor.scope_area
        if scope is None or not target_area.is_within(scope):
            raise InvalidInput(_("%(area)s is not in your area.") % {"area": target_area.name}, field="target_area")
        fresh = Case.objects.select_related("area").get(pk=case.pk)
        if not fresh.area.is_within(target_area):
            raise InvalidInput(_("Push the case down to the village/community or grid where it is, not to "
                                 "%(area)s.") % {"area": target_area.name}, field="target_area")
        if target_area.level <= fresh.level:
            raise InvalidInput(_("The case is already handled at this level or below; choose a lower unit."),
                               field="target_area")
        decided["decision"] = inventory_gates.admission_gate(
            category=fresh.category, area=target_area, actor=actor, override_reason=override_reason, case=fresh)

    def apply(locked, ticket, now):
        level = Level(target_area.level)
        locked.level, locked.handling_area = level, target_area
        locked.deadline, locked.deadline_provisional = deadline_info(now, locked.category.hours_for(level))
        locked.accepted_at = locked.accepted_at or now
        locked.extension_requested_hours = None

    def annotate():
        return _("Pushed down to %(area)s: %(decision)s") % {
            "area": target_area.name, "decision": decided["decision"].message}

    return _transition(case=case, actor=actor, action="push_down", note=note, now=now, apply=apply,
                       validate=validate, annotate=annotate)


def case_sign(*, case, actor, note="", now=None):
    """签收: the department takes the ticket."""
    def apply(locked, ticket, now):
        ticket.status, ticket.signed_at = Ticket.Status.SIGNED, now
        ticket.save(update_fields=["status", "signed_at"])
        if not ticket.is_lead:
            locked.status = Status.DISPATCHED if locked.status == Status.IN_PROGRESS else locked.status
    return _transition(case=case, actor=actor, action="sign", note=note, now=now, apply=apply)


def case_return(*, case, actor, note, now=None):
    """退回: "not ours", with the reason, back to the dispatcher. Every open ticket closes:
    the dispatcher decides anew."""
    def apply(locked, ticket, now):
        Ticket.objects.filter(case=locked, status__in=Ticket.OPEN).update(
            status=Ticket.Status.RETURNED, finished_at=now)
        Ticket.objects.filter(pk=ticket.pk).update(result=note)
        locked.extension_requested_hours = None
    return _transition(case=case, actor=actor, action="return", note=note, now=now, apply=apply)


def case_request_extension(*, case, actor, hours, note, now=None):
    """申请延期: the department asks for more working hours, with the reason."""
    try:
        hours = int(hours)
    except (TypeError, ValueError):
        hours = None

    def validate():
        if hours is None:
            raise InvalidInput(_("Give the extra time in whole hours."), field="hours")
        if not 1 <= hours <= 720:
            raise InvalidInput(_("Ask for between 1 and 720 hours."), field="hours")

    def apply(locked, ticket, now):
        locked.extension_requested_hours = hours
    note = f"{note} (+{hours} h)" if note and hours else note
    return _transition(case=case, actor=actor, action="request_extension", note=note, now=now, apply=apply,
                       validate=validate)


def case_grant_extension(*, case, actor, note="", now=None):
    """The dispatcher grants the requested hours: the case and its open tickets get the new deadline."""
    def apply(locked, ticket, now):
        base = max(locked.deadline or now, now)
        locked.deadline, locked.deadline_provisional = deadline_info(base, locked.extension_requested_hours)
        locked.extension_requested_hours = None
        Ticket.objects.filter(case=locked, status__in=Ticket.OPEN).update(finish_deadline=locked.deadline)
    return _transition(case=case, actor=actor, action="grant_extension", note=note, now=now, apply=apply)


def case_refuse_extension(*, case, actor, note, now=None):
    def apply(locked, ticket, now):
        locked.extension_requested_hours = None
    return _transition(case=case, actor=actor, action="refuse_extension", note=note, now=now, apply=apply)


def case_resolve(*, case, actor, note="", photos=(), now=None):
    """处置/反馈: the department reports its part handled. The case is resolved when the
    lead department's ticket is; a co-handler's result is recorded on the timeline."""
    def apply(locked, ticket, now):
        ticket.status, ticket.finished_at, ticket.result = Ticket.Status.DONE, now, note
        ticket.signed_at = ticket.signed_at or now
        ticket.save(update_fields=["status", "finished_at", "result", "signed_at"])
        if ticket.is_lead:
            locked.resolved_at = now
            locked.extension_requested_hours = None
        else:
            locked.status = case_status_before(locked)
    return _transition(case=case, actor=actor, action="resolve", note=note, now=now, apply=apply, photos=photos)


def case_status_before(locked):
    """The state a case keeps when a co-handler finishes: what it was before this action."""
    return Case.objects.filter(pk=locked.pk).values_list("status", flat=True).get()


def case_resolve_on_spot(*, case, actor, note="", photos=(), now=None):
    """自行处置: the grid worker fixed it on the spot, with an after-photo."""
    def apply(locked, ticket, now):
        locked.accepted_at = locked.accepted_at or now
        locked.resolved_at = now
    return _transition(case=case, actor=actor, action="resolve_on_spot", note=note, now=now, apply=apply,
                       photos=photos, require_photo=True)


def case_resolve_locally(*, case, actor, note="", photos=(), now=None):
    """小事不出村: the village handles a case itself."""
    def apply(locked, ticket, now):
        locked.resolved_at = now
    return _transition(case=case, actor=actor, action="resolve_locally", note=note, now=now, apply=apply,
                       photos=photos)


def case_verify(*, case, actor, note="", now=None):
    """核查: someone on the ground confirms the fix."""
    def apply(locked, ticket, now):
        locked.verified_at = now
    return _transition(case=case, actor=actor, action="verify", note=note, now=now, apply=apply)


def _reopen(locked, now):
    locked.reopened_count += 1
    locked.resolved_at = locked.verified_at = locked.closed_at = None
    Ticket.objects.filter(case=locked, status__in=Ticket.OPEN).update(status=Ticket.Status.RETURNED, finished_at=now)


def case_reopen(*, case, actor, note, now=None):
    """返工: verification failed; back to the dispatcher, counted."""
    return _transition(case=case, actor=actor, action="reopen", note=note, now=now,
                       apply=lambda locked, ticket, now: _reopen(locked, now))


def case_close(*, case, actor, note="", now=None):
    """结案."""
    def apply(locked, ticket, now):
        locked.closed_at = now
    return _transition(case=case, actor=actor, action="close", note=note, now=now, apply=apply)


def case_confirm_close(*, case, actor, note, now=None):
    """After a dissatisfied rating, the dispatcher stands by the result and closes again."""
    def apply(locked, ticket, now):
        locked.closed_at = now
    return _transition(case=case, actor=actor, action="confirm_close", note=note, now=now, apply=apply)


ACTION_SERVICES = {
    "accept": case_accept,
    "reject": case_reject,
    "merge": case_merge,
    "push_down": case_push_down,
    "dispatch": case_dispatch,
    "sign": case_sign,
    "return": case_return,
    "request_extension": case_request_extension,
    "grant_extension": case_grant_extension,
    "refuse_extension": case_refuse_extension,
    "resolve": case_resolve,
    "resolve_on_spot": case_resolve_on_spot,
    "resolve_locally": case_resolve_locally,
    "verify": case_verify,
    "reopen": case_reopen,
    "close": case_close,
    "confirm_close": case_confirm_close,
}
# The extra inputs each action takes beyond the case, the actor, a note and the time.
ACTION_INPUTS = {
    "merge": ("original",),
    "push_down": ("target_area", "override_reason"),
    "dispatch": ("department", "co_departments"),
    "request_extension": ("hours",),
    "resolve": ("photos",),
    "resolve_on_spot": ("photos",),
    "resolve_locally": ("photos",),
}


def case_act(*, case, actor, action, note="", now=None, **inputs):
    """Run the named action with the inputs it takes; the one entry point for the action
    URLs of pages and API. Inputs an action does not take are ignored."""
    from apps.core.exceptions import TransitionNotAllowed

    service = ACTION_SERVICES.get(action)
    if service is None:
        raise TransitionNotAllowed(_("Unknown action “%(action)s”.") % {"action": action}, code="unknown_action")
    kwargs = {"case": case, "actor": actor, "note": note, "now": now}
    for name in ACTION_INPUTS.get(action, ()):
        if name in inputs and inputs[name] is not None:
            kwargs[name] = inputs[name]
    needed = {"merge": "original", "dispatch": "department", "request_extension": "hours",
              "push_down": "target_area"}.get(action)
    if needed == "department" and inventory_gates.suggest_department(case.category, case.area) is not None:
        needed = None  # case_dispatch takes the power list's department
    if needed and needed not in kwargs:
        # Check the table first, so a wrong role or state gets its own answer.
        workflow.check(action, Case.objects.get(pk=case.pk), actor.role)
        raise InvalidInput(_("This action needs “%(field)s”.") % {"field": needed}, field=needed)
    return service(**kwargs)


def case_rate(*, case, satisfaction, comment="", source, actor=None, now=None):
    """评价/回访: a resident (no account) or dispatch staff by phone rates a closed case, once.
    A dissatisfied rating reopens it for the dispatcher's decision (返工, counted)."""
    from .models import RatingSource, Satisfaction

    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose satisfied, basically satisfied or dissatisfied."), field="satisfaction")
    if source not in RatingSource.values:
        raise InvalidInput(_("Unknown rating source."), field="source")
    if source == RatingSource.CALLBACK and (actor is None or actor.role not in workflow.DISPATCHERS):
        raise NotPermitted(_("Only dispatch staff record callback ratings."))
    comment = strip_tags((comment or "").strip())[:500]
    with transaction.atomic():
        if actor is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
            raise OutOfScope(_("No such case."))
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Status.CLOSED:
            from apps.core.exceptions import TransitionNotAllowed

            raise TransitionNotAllowed(_("Only a closed case can be rated."), code="not_closed")
        if locked.rated_at is not None:
            from apps.core.exceptions import TransitionNotAllowed

            raise TransitionNotAllowed(_("This case has been rated already."), code="already_rated")
        now = now or timezone.now()
        locked.satisfaction, locked.satisfaction_comment = satisfaction, comment
        locked.rating_source, locked.rated_at = source, now
        label = Satisfaction(satisfaction).label
        note = f"{label}{'：' + comment if comment else ''}"
        if satisfaction == Satisfaction.DISSATISFIED:
            locked.status = Status.ACCEPTED
            _reopen(locked, now)
            rollup_case_changing(locked)  # insights rollups, same transaction
            locked.save()
            event = _record(locked, actor=actor, action="reopen", from_status=Status.CLOSED, now=now,
                            note=_("Resident dissatisfied: %(note)s") % {"note": note})
        else:
            rollup_case_changing(locked)  # insights rollups, same transaction
            locked.save()
            event = _record(locked, actor=actor, action="rate", from_status=Status.CLOSED, now=now, note=note)
        transaction.on_commit(lambda: _after_commit(event.pk))
    return locked


def case_reveal_personal_data(*, case, actor, via="web"):
    """Show a reporter's name and phone unmasked to a role that needs them (dispatch staff
    calling back); every showing is logged in PersonalDataReveal. Returns (name, phone)."""
    from .models import PersonalDataReveal
    from .privacy import may_reveal

    with transaction.atomic():
        fresh = Case.objects.visible_to(actor).filter(pk=case.pk).first()
        if fresh is None:
            raise OutOfScope(_("No such case."))
        if not may_reveal(actor):
            raise NotPermitted(_("Your role may not see reporters' personal data."))
        PersonalDataReveal.objects.create(case=fresh, user=actor, via=via[:10])
    return fresh.reporter_name, fresh.reporter_phone
