"""The case transition table: which role may take which action in which state.

Pure data and pure functions — no database. Services consult it; pages and the API ask
it which actions to offer (`actions_for`). National digital city-management workflow:
信息采集 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价.

An action whose `target` is None leaves the state as it is (an extension request, say)
but is still checked here and still writes one timeline event.
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
DEPARTMENT = frozenset({Role.DEPARTMENT_OFFICIAL})
S = Status


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset
    target: str | None
    roles: frozenset
    # The actor's department must hold an open ticket on the case.
    needs_ticket: bool = False
    # A note is required (a reason to reject, return, reopen, ask for more time).
    needs_note: bool = False
    # Extra condition on the case's own fields, named; see GUARDS.
    guard: str | None = None
    # Whether it is offered as a button (merge and extension decisions need more input).
    form: str | None = None


def _extension_pending(case):
    return getattr(case, "extension_pending", False)


def _no_extension_pending(case):
    return not _extension_pending(case)


def _was_resolved_before(case):
    return case.reopened_count > 0


GUARDS = {
    "extension_pending": (_extension_pending, _("No extension request is waiting.")),
    "no_extension_pending": (_no_extension_pending, _("An extension request is already waiting.")),
    "was_resolved_before": (_was_resolved_before, _("Only a reopened case can be closed from here.")),
}

ACTIONS = {
    a.name: a
    for a in [
        Action("accept", _("Accept"), frozenset({S.REPORTED, S.RETURNED}), S.ACCEPTED, DISPATCHERS),
        Action("reject", _("Reject"), frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.REJECTED, DISPATCHERS,
               needs_note=True),
        # 下派 (小事不出村): a dispatcher hands the case down to the village/community or grid
        # where it is, with that level's deadline; the admission list in force must admit it
        # (apps/inventories/gates.py admission_gate; a county dispatcher may override).
        Action("push_down", _("Push down to the village"), frozenset({S.ACCEPTED, S.RETURNED}), S.ACCEPTED,
               DISPATCHERS, form="push_down"),
        Action("merge", _("Merge as duplicate"), frozenset({S.REPORTED, S.ACCEPTED}), S.REJECTED, DISPATCHERS,
               form="merge"),
        # Dispatching a reported case accepts it in the same step (立案 and 派遣 at once).
        Action("dispatch", _("Dispatch"), frozenset({S.REPORTED, S.ACCEPTED, S.RETURNED}), S.DISPATCHED,
               DISPATCHERS, form="dispatch"),
        Action("sign", _("Sign for"), frozenset({S.DISPATCHED}), S.IN_PROGRESS, DEPARTMENT, needs_ticket=True),
        Action("return", _("Return (not ours)"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RETURNED, DEPARTMENT,
               needs_ticket=True, needs_note=True),
        Action("request_extension", _("Ask for more time"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), None,
               DEPARTMENT, needs_ticket=True, needs_note=True, guard="no_extension_pending", form="extension"),
        Action("grant_extension", _("Grant extension"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), None,
               DISPATCHERS, guard="extension_pending"),
        Action("refuse_extension", _("Refuse extension"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), None,
               DISPATCHERS, needs_note=True, guard="extension_pending"),
        Action("resolve", _("Mark handled"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RESOLVED, DEPARTMENT,
               needs_ticket=True, form="photos"),
        # 自行处置: the grid worker fixed it on the spot; an after-photo proves it.
        Action("resolve_on_spot", _("Resolved on the spot"), frozenset({S.REPORTED}), S.RESOLVED,
               frozenset({Role.GRID_WORKER}), form="photos"),
        # 小事不出村: a village-level case handled by the village itself.
        Action("resolve_locally", _("Handled by the village"), frozenset({S.ACCEPTED}), S.RESOLVED,
               frozenset({Role.VILLAGE_CADRE}), form="photos"),
        Action("verify", _("Verify on site"), frozenset({S.RESOLVED}), S.VERIFIED, FIELD_ROLES | DISPATCHERS),
        # 返工: verification failed or the resident is dissatisfied; back to the dispatcher.
        Action("reopen", _("Reopen (rework)"), frozenset({S.RESOLVED, S.VERIFIED}), S.ACCEPTED,
               FIELD_ROLES | DISPATCHERS, needs_note=True),
        Action("close", _("Close"), frozenset({S.RESOLVED, S.VERIFIED}), S.CLOSED, DISPATCHERS),
        # After a dissatisfied rating the dispatcher may stand by the result instead of re-dispatching.
        Action("confirm_close", _("Close again (result stands)"), frozenset({S.ACCEPTED}), S.CLOSED, DISPATCHERS,
               needs_note=True, guard="was_resolved_before"),
    ]
}


def _label(choices, value):
    return choices(value).label if value in choices.values else value


def check(action_name, case_or_status, role):
    """Raise NotPermitted / TransitionNotAllowed with a reason, or return the Action.

    `case_or_status` is a case (guards are checked) or a bare status (they are not)."""
    action = ACTIONS.get(action_name)
    if action is None:
        raise TransitionNotAllowed(_("Unknown action “%(action)s”.") % {"action": action_name}, code="unknown_action")
    status = getattr(case_or_status, "status", case_or_status)
    if role not in action.roles:
        raise NotPermitted(
            _("Your role (%(role)s) may not take the action “%(action)s”.")
            % {"role": _label(Role, role), "action": action.label},
            code="role_not_allowed",
        )
    if status not in action.sources:
        raise TransitionNotAllowed(
            _("This case is %(status)s now; “%(action)s” is not possible (someone may have acted first).")
            % {"status": _label(Status, status), "action": action.label},
            code="state_conflict",
        )
    if action.guard and not isinstance(case_or_status, str):
        test, reason = GUARDS[action.guard]
        if not test(case_or_status):
            raise TransitionNotAllowed(reason, code=action.guard)
    return action


def actions_for(case_or_status, role):
    """Actions this role may take now, in table order (guards checked when given a case)."""
    offered = []
    for action in ACTIONS.values():
        try:
            check(action.name, case_or_status, role)
        except (NotPermitted, TransitionNotAllowed):
            continue
        offered.append(action)
    return offered
