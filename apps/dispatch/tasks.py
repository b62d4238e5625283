"""Thin Celery tasks of the dispatch app: take ids or nothing, call a service."""
from celery import shared_task

from .escalation import escalate_overdue as escalate_overdue_service


@shared_task(bind=True, ignore_result=True, acks_late=True)
def escalate_overdue(self):
    """Sent by beat every ESCALATION_INTERVAL_SECONDS. Safe to run twice at once or to be
    redelivered: the service escalates a case once per deadline (database-enforced)."""
    queue = (self.request.delivery_info or {}).get("routing_key")
    return escalate_overdue_service(events_queue=queue)


@shared_task(ignore_result=True, acks_late=True)
def deliver_case_events(event_ids):
    """Hand committed case events to the after-commit receivers (apps/cases/signals_out)."""
    from apps.cases import signals_out

    for event_id in event_ids:
        signals_out.event_committed(event_id)
