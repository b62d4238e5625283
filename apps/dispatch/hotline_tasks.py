"""Celery tasks of the hotline link: thin, take ids, call apps/dispatch/hotline.py."""
from celery import shared_task
from django.conf import settings

from . import hotline


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=None)
def deliver_hotline_webhook(self, delivery_id):
    """One attempt; on failure a retry after an exponentially growing countdown, until
    HOTLINE_WEBHOOK_MAX_RETRIES, then the delivery is recorded as failed."""
    if hotline.attempt_delivery(delivery_id=delivery_id):
        return
    retries = self.request.retries
    if retries >= settings.HOTLINE_WEBHOOK_MAX_RETRIES:
        hotline.give_up(delivery_id=delivery_id)
        return
    raise self.retry(countdown=hotline.backoff_seconds(retries))


@shared_task(ignore_result=True, acks_late=True)
def resend_stale_hotline_deliveries():
    """Beat: deliveries made while the broker was down get queued again."""
    return hotline.resend_stale()
