"""Notifications: in-app (the bell) and email, made in one place, only after commit.

`notify(...)` is the one writer. It must run after the change it reports has committed:
services call `notify_on_commit(...)` (transaction.on_commit), and `on_case_event` is an
apps/cases/signals_out receiver, which the case services and the escalation sweep call
after their commit. A rolled-back change therefore never notifies anybody.

Email goes through Django's backend with EMAIL_TIMEOUT and fail_silently: a dead mail
server costs at most the timeout and never fails the change that was reported.
"""
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import DISPATCHER_ROLES, Role, User
from apps.grids.models import Level

from .notification_models import Notification

logger = logging.getLogger(__name__)


def notify(*, users, kind, text, url="", now=None):
    """Write one in-app notification per (distinct, active) user and email those with an
    address. Returns the notifications made."""
    now = now or timezone.now()
    seen, rows = set(), []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, kind=kind[:30], text=str(text)[:300], url=url[:300], created_at=now))
    made = Notification.objects.bulk_create(rows)
    mails = [(str(text)[:150], f"{text}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [n.user.email])
             for n in made if n.user.email]
    if mails:
        try:
            send_mass_mail(mails, fail_silently=True)
        except Exception:  # noqa: BLE001 — mail trouble is logged, never raised into the caller
            logger.exception("notification email failed")
    return made


def notify_on_commit(**kwargs):
    """What services call inside their transaction: the notification follows the commit."""
    transaction.on_commit(lambda: notify(**kwargs))


def mark_read(*, user, notification_id=None):
    """Mark one (or every) unread notification of `user` read. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- Who hears about which case event ------------------------------------------------------


def dispatchers_for(case):
    """The dispatchers responsible for a case: its township's and, at the county level, the county's."""
    units = {a.pk for a in (case.area.ancestor_at(Level.TOWNSHIP), case.handling_area) if a is not None}
    return User.objects.filter(role__in=DISPATCHER_ROLES, area_id__in=units, is_active=True)


def _unit_people(unit, roles):
    return User.objects.filter(area=unit, role__in=roles, is_active=True)


def _ticket_officials(case):
    from .models import Ticket

    departments = Ticket.objects.filter(case=case, status__in=Ticket.OPEN).values("department_id")
    return User.objects.filter(role=Role.DEPARTMENT_OFFICIAL, department_id__in=departments, is_active=True)


def on_case_event(event_id):
    """After-commit receiver: tell the people the event concerns."""
    from apps.cases.models import CaseEvent

    event = CaseEvent.objects.select_related("case__area", "case__handling_area", "unit").filter(pk=event_id).first()
    if event is None:
        return []
    case = event.case
    url = reverse("cases:detail", args=[case.pk])
    subject = f"{case.number} {case.title}"
    action = event.action
    if action == "escalate":
        users = _unit_people(event.unit, DISPATCHER_ROLES | {Role.VILLAGE_CADRE})
        text = _("Escalated to %(unit)s (overdue): %(case)s") % {"unit": event.unit.name, "case": subject}
    elif action == "overdue_at_top":
        users = _unit_people(event.unit, DISPATCHER_ROLES | {Role.LEADER})
        text = _("Overdue at the county: %(case)s") % {"case": subject}
    elif action == "dispatch":
        users = _ticket_officials(case)
        text = _("New ticket for your department: %(case)s") % {"case": subject}
    elif action in ("grant_extension", "refuse_extension"):
        users = _ticket_officials(case)
        text = (_("Extension granted: %(case)s") if action == "grant_extension"
                else _("Extension refused: %(case)s")) % {"case": subject}
    elif action in ("return", "request_extension", "reopen", "ticket_return"):
        users = dispatchers_for(case)
        text = {
            "return": _("Returned by a department: %(case)s"),
            "ticket_return": _("A co-handling department stepped back: %(case)s"),
            "request_extension": _("A department asks for more time: %(case)s"),
            "reopen": _("Reopened for rework: %(case)s"),
        }[action] % {"case": subject}
    elif action == "resolve" and event.from_status != event.to_status:
        users = User.objects.filter(Q(pk=case.created_by_id) | Q(pk__in=dispatchers_for(case).values("pk")))
        text = _("Handled, waiting for verification: %(case)s") % {"case": subject}
    else:
        return []
    return notify(users=list(users.exclude(pk=event.actor_id) if event.actor_id else users), kind=action,
                  text=text, url=url, now=event.created_at)
