from celery import shared_task

from .services import heartbeat_record


@shared_task(ignore_result=True)
def heartbeat():
    """Sent by beat every HEARTBEAT_INTERVAL_SECONDS and run by a worker: /healthz reads its
    age, so a fresh value proves beat, broker and worker all work."""
    heartbeat_record(name="beat")
