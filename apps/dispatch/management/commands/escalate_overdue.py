"""Run the escalation sweep by hand: `manage.py escalate_overdue [--at ISO-8601]`.

Same service as the beat task; its last line is always `escalated N`.
"""
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.dispatch.escalation import escalate_overdue


def _moment(text):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at {text!r} is not an ISO-8601 date-time (e.g. 2026-12-31T18:00+08:00)") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in TIME_ZONE (Asia/Shanghai)
    return moment


class Command(BaseCommand):
    help = "Escalate every case past its deadline one level up (idempotent). Prints 'escalated N' last."

    def add_arguments(self, parser):
        parser.add_argument("--at", dest="at", help="treat this ISO-8601 moment as now (default: now); "
                                                    "a time without offset is in TIME_ZONE")

    def handle(self, *args, at=None, **options):
        now = _moment(at) if at else timezone.now()
        count = escalate_overdue(now=now)
        self.stdout.write(f"escalated {count}")
