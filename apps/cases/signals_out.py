"""What happens after a case change is committed. Called by the services through
`transaction.on_commit`, never from a model signal, so a reader of a service finds it.

Other apps register here (notifications, the hotline webhook) at import time in their
AppConfig.ready(); each receiver gets the committed event's id and must not raise.
"""
import logging

logger = logging.getLogger(__name__)
_receivers = []


def register(receiver):
    """Add a callable taking an event id. Idempotent per callable."""
    if receiver not in _receivers:
        _receivers.append(receiver)
    return receiver


def event_committed(event_id):
    for receiver in list(_receivers):
        try:
            receiver(event_id)
        except Exception:  # one failing receiver must not stop the others or the request
            logger.exception("after-commit receiver %s failed for event %s", receiver, event_id)
