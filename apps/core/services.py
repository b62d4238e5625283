from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name):
    """Record that the process called `name` is alive now."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now
