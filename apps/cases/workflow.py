"""The case transition table: which role may take which action in which state.

Pure data and pure functions — no database. Services consult it; pages and the API ask
it which actions to offer (`actions_for`). National digital city-management workflow:
信息采集 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价.
"""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Role
from apps.core.exceptions import NotPermitted, TransitionNotAllowed


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    DISPATCHED = "dispatched", _("dispatched")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")
    RETURNED = "returned", _("returned")


OPEN_STATUSES = frozenset(set(Status) - {Status.CLOSED, Status.REJECTED})
DISPATCHERS = frozenset({Role.TOWNSHIP_DISPATCHER, Role.COUNTY_DISPATCHER})
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.VILLAGE_CADRE})
FILING_ROLES = FIELD_ROLES | DISPATCHERS


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    # The actor's department must hold an open ticket on the case.
    needs_ticket: bool = False
    # A note is required (a reason to reject or return).
    needs_note: bool = False


ACTIONS = {
    a.name: a
    for a in [
        Action("accept", _("Accept"), frozenset({Status.REPORTED, Status.RETURNED}), Status.ACCEPTED, DISPATCHERS),
        Action(
            "reject", _("Reject"), frozenset({Status.REPORTED, Status.ACCEPTED, Status.RETURNED}), Status.REJECTED,
            DISPATCHERS, needs_note=True,
        ),
        # Dispatching a reported case accepts it in the same step (立案 and 派遣 at once).
        Action(
            "dispatch", _("Dispatch"), frozenset({Status.REPORTED, Status.ACCEPTED, Status.RETURNED}),
            Status.DISPATCHED, DISPATCHERS,
        ),
        Action(
            "sign", _("Sign for"), frozenset({Status.DISPATCHED}), Status.IN_PROGRESS,
            frozenset({Role.DEPARTMENT_OFFICIAL}), needs_ticket=True,
        ),
        Action(
            "return", _("Return (not ours)"), frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), Status.RETURNED,
            frozenset({Role.DEPARTMENT_OFFICIAL}), needs_ticket=True, needs_note=True,
        ),
        Action(
            "resolve", _("Mark handled"), frozenset({Status.DISPATCHED, Status.IN_PROGRESS}), Status.RESOLVED,
            frozenset({Role.DEPARTMENT_OFFICIAL}), needs_ticket=True,
        ),
        Action(
            "verify", _("Verify on site"), frozenset({Status.RESOLVED}), Status.VERIFIED,
            FIELD_ROLES | DISPATCHERS,
        ),
        Action("close", _("Close"), frozenset({Status.RESOLVED, Status.VERIFIED}), Status.CLOSED, DISPATCHERS),
    ]
}


def check(action_name, status, role):
    """Raise NotPermitted / TransitionNotAllowed with a reason, or return the Action."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TransitionNotAllowed(_("Unknown action “%(action)s”.") % {"action": action_name}, code="unknown_action")
    if role not in action.roles:
        raise NotPermitted(
            _("Your role (%(role)s) may not %(action)s a case.")
            % {"role": Role(role).label if role in Role.values else role, "action": action.label},
            code="role_not_allowed",
        )
    if status not in action.sources:
        raise TransitionNotAllowed(
            _("This case is %(status)s now; “%(action)s” is not possible (someone may have acted first).")
            % {"status": Status(status).label, "action": action.label},
            code="state_conflict",
        )
    return action


def actions_for(status, role):
    """Actions this role may take in this state, in table order."""
    return [a for a in ACTIONS.values() if status in a.sources and role in a.roles]
