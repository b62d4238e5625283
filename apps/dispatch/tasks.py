"""Thin Celery tasks of the dispatch app: take ids or nothing, call a service."""
from celery import shared_task

from .escalation import escalate_overdue as escalate_overdue_service


@shared_task(ignore_result=True, acks_late=True)
def escalate_overdue():
    """Sent by beat every ESCALATION_INTERVAL_SECONDS. Safe to run twice at once or to be
    redelivered: the service escalates a case once per deadline (database-enforced)."""
    return escalate_overdue_service()
