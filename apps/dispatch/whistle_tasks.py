"""Celery tasks of whistle and report: thin, call apps/dispatch/whistle.py."""
from celery import shared_task

from . import whistle


@shared_task(ignore_result=True, acks_late=True)
def record_missed_reports():
    """Beat, every 5 minutes: record summonses whose report limit passed (idempotent)."""
    return whistle.record_missed_reports()
