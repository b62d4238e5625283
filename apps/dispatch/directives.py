"""Directives 下行事项 (一键下达): services.

A county or township unit (its dispatcher, or a leader) sends an instruction down a named
channel to chosen units (areas of its subtree, departments of its county) or to roles (every
unit of its subtree where people of that role work); each recipient signs for it (签收)
and reports completion (办结反馈); the sender sees who has not and sends reminders.
"""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import DISPATCHER_ROLES, Role, User
from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope, TransitionNotAllowed
from apps.grids.models import Area, Department, Level

from .directive_models import Directive, DirectiveChannel, DirectiveRecipient
from .notifications import notify_on_commit

SENDER_ROLES = DISPATCHER_ROLES | {Role.LEADER}
# A role a directive may be addressed to: people who work in an area.
ADDRESSABLE_ROLES = (Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWNSHIP_DISPATCHER, Role.MEDIATOR)
# Sending the same reminder again sooner than this does nothing (no spamming).
REMIND_AFTER_MINUTES = 30


def _sender_unit(actor):
    if actor.role not in SENDER_ROLES or actor.area is None or actor.area.level > Level.TOWNSHIP:
        raise NotPermitted(_("Only a county or township unit sends directives."))
    return actor.area


def recipient_users(recipient):
    """The people who answer for one recipient row (who get its notifications)."""
    if recipient.department_id:
        return User.objects.filter(department_id=recipient.department_id, is_active=True)
    qs = User.objects.filter(area_id=recipient.area_id, is_active=True)
    return qs.filter(role=recipient.role) if recipient.role else qs


def directive_send(*, actor, channel, title, body, areas=(), departments=(), roles=(), due_at=None, now=None):
    """一键下达: one Directive and one recipient row per unit; recipients are told after commit."""
    unit = _sender_unit(actor)
    title, body = (title or "").strip(), (body or "").strip()
    if not isinstance(channel, DirectiveChannel) or not channel.is_active:
        raise InvalidInput(_("Choose an active channel."), field="channel")
    if not title or len(title) > 120:
        raise InvalidInput(_("Give a title of at most 120 characters."), field="title")
    if not body or len(body) > 4000:
        raise InvalidInput(_("Write the instruction (at most 4000 characters)."), field="body")
    now = now or timezone.now()
    if due_at is not None and due_at <= now:
        raise InvalidInput(_("The completion date must be in the future."), field="due_at")
    county = unit.ancestor_at(Level.COUNTY)
    rows = []
    for area in dict.fromkeys(areas or []):
        if not isinstance(area, Area) or area.pk == unit.pk or not area.is_within(unit):
            raise InvalidInput(_("Send only to units below yours."), field="areas")
        rows.append(DirectiveRecipient(area=area))
    for dept in dict.fromkeys(departments or []):
        if not isinstance(dept, Department) or not dept.is_active or county is None or not dept.area.is_within(county):
            raise InvalidInput(_("Send only to active departments of your county."), field="departments")
        rows.append(DirectiveRecipient(department=dept))
    for role in dict.fromkeys(roles or []):
        if role not in ADDRESSABLE_ROLES:
            raise InvalidInput(_("Unknown role."), field="roles")
        places = (User.objects.filter(role=role, is_active=True, area__path__startswith=unit.path)
                  .exclude(area=unit).values_list("area_id", flat=True).distinct())
        rows += [DirectiveRecipient(area_id=pk, role=role) for pk in places]
    if not rows:
        raise InvalidInput(_("Choose at least one unit, department or role (with people in it)."), field="areas")
    with transaction.atomic():
        directive = Directive.objects.create(channel=channel, title=title, body=body, sender_area=unit,
                                             sent_by=actor, sent_at=now, due_at=due_at)
        for row in rows:
            row.directive = directive
        # Roles may name a unit also chosen directly: one row per (unit, role) is enough.
        DirectiveRecipient.objects.bulk_create(rows, ignore_conflicts=True)
        users = []
        for recipient in directive.recipients.all():
            users += list(recipient_users(recipient))
        notify_on_commit(users=users, kind="directive", url=f"/dispatch/directives/{directive.pk}/", now=now,
                         text=_("[%(channel)s] %(title)s") % {"channel": channel.name, "title": title})
    return directive


def _own_row(recipient, actor):
    if not DirectiveRecipient.objects.for_user(actor).filter(pk=recipient.pk).exists():
        raise OutOfScope(_("No such directive."))


def directive_sign(*, recipient, actor, now=None):
    """签收 for one's unit. Signing twice is refused (someone of the unit did it)."""
    _own_row(recipient, actor)
    now = now or timezone.now()
    changed = DirectiveRecipient.objects.filter(pk=recipient.pk, signed_at__isnull=True).update(
        signed_at=now, signed_by=actor)
    if not changed:
        raise TransitionNotAllowed(_("Your unit has signed for this already."), code="already_signed")
    return DirectiveRecipient.objects.get(pk=recipient.pk)


def directive_complete(*, recipient, actor, report, now=None):
    """办结反馈: report completion (signing for it in the same step if not done yet)."""
    _own_row(recipient, actor)
    report = (report or "").strip()
    if not report or len(report) > 2000:
        raise InvalidInput(_("Report what was done (at most 2000 characters)."), field="report")
    now = now or timezone.now()
    with transaction.atomic():
        locked = DirectiveRecipient.objects.select_for_update().select_related("directive").get(pk=recipient.pk)
        if locked.completed_at is not None:
            raise TransitionNotAllowed(_("Your unit has reported completion already."), code="already_completed")
        if locked.signed_at is None:
            locked.signed_at, locked.signed_by = now, actor
        locked.completed_at, locked.completed_by, locked.report = now, actor, report
        locked.save()
        notify_on_commit(users=[locked.directive.sent_by], kind="directive_done",
                         url=f"/dispatch/directives/{locked.directive_id}/", now=now,
                         text=_("%(unit)s completed: %(title)s") % {
                             "unit": locked.unit_name, "title": locked.directive.title})
    return locked


def directive_remind(*, directive, actor, now=None):
    """催办: remind every recipient that has not completed; returns how many were reminded.
    A recipient reminded in the last REMIND_AFTER_MINUTES is skipped."""
    if not (actor.sees_everything or directive.sent_by_id == actor.pk
            or (actor.area_id and actor.role in SENDER_ROLES and actor.area_id == directive.sender_area_id)):
        if not Directive.objects.visible_to(actor).filter(pk=directive.pk).exists():
            raise OutOfScope(_("No such directive."))
        raise NotPermitted(_("Only the sending unit sends reminders."))
    now = now or timezone.now()
    quiet_since = now - timedelta(minutes=REMIND_AFTER_MINUTES)
    reminded = 0
    with transaction.atomic():
        due = list(directive.recipients.select_for_update().filter(completed_at__isnull=True).exclude(
            last_reminded_at__gt=quiet_since))
        for recipient in due:
            DirectiveRecipient.objects.filter(pk=recipient.pk).update(
                reminders=recipient.reminders + 1, last_reminded_at=now)
            notify_on_commit(users=list(recipient_users(recipient)), kind="directive_reminder", now=now,
                             url=f"/dispatch/directives/{directive.pk}/",
                             text=_("Reminder: %(title)s is waiting for your unit") % {"title": directive.title})
            reminded += 1
    return reminded
