"""The 12345 hotline link 横向事项.

In: `hotline_intake(*, body, signature)` — the hotline POSTs a case as JSON, signed with
HMAC-SHA256 over the raw body with HOTLINE_SECRET. A bad or missing signature is refused
before anything is read or written (HotlineUnauthorized → 401, no trace). The hotline's own
id goes into Case.external_id (unique): a replay, even a concurrent one, returns the case
the first request made. The case is filed through `case_create`, validated like any intake.

Out: `on_case_event(event_id)` is registered with apps/cases/signals_out, so it runs after
a case change has committed. A status change of a hotline case becomes one
WebhookDelivery row and one Celery task (apps/dispatch/hotline_tasks.py) that POSTs signed
JSON to HOTLINE_WEBHOOK_URL with retries and exponential backoff. The HTTP call happens
only in the worker: a dead receiver never blocks or fails case handling.
"""
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, Category, Channel
from apps.core.exceptions import DomainError, InvalidInput

from .hotline_models import WebhookDelivery

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hotline-Signature"
WEBHOOK_SIGNATURE_HEADER = "X-GridGov-Signature"
# Longest wait between two attempts; stays below the broker's visibility timeout.
MAX_BACKOFF_SECONDS = 3600


class HotlineUnauthorized(DomainError):
    status_code = 401


class HotlineUnavailable(DomainError):
    status_code = 503


def sign(body, secret):
    """"sha256=<hex>" of HMAC-SHA256 over the raw bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body, signature, secret):
    if not secret or not signature:
        return False
    expected = sign(body, secret)
    given = signature.strip()
    if not given.startswith("sha256="):
        given = "sha256=" + given
    return hmac.compare_digest(expected.encode(), given.encode())


def _text(data, name, *, required=False, limit=4000):
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidInput(_("“%(field)s” must be text.") % {"field": name}, field=name)
    value = str(value).strip()
    if required and not value:
        raise InvalidInput(_("“%(field)s” is required.") % {"field": name}, field=name)
    if len(value) > limit:
        raise InvalidInput(_("“%(field)s” is longer than %(limit)s characters.") % {"field": name, "limit": limit},
                           field=name)
    return value


def hotline_intake(*, body, signature):
    """File (or find) the case a signed hotline request describes. Returns (case, created)."""
    if not signature_valid(body, signature, settings.HOTLINE_SECRET):
        raise HotlineUnauthorized(_("Bad or missing signature."), code="bad_signature")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput(_("The body is not JSON."), field="body") from None
    if not isinstance(data, dict):
        raise InvalidInput(_("The body must be a JSON object."), field="body")
    external_id = _text(data, "id", required=True, limit=64)
    existing = Case.objects.filter(external_id=external_id).first()
    if existing is not None:
        return existing, False
    actor = User.objects.filter(username=settings.HOTLINE_USERNAME, is_active=True).first()
    if actor is None:
        raise HotlineUnavailable(_("The hotline account is not set up; ask an administrator."), code="no_account")
    code = _text(data, "category", required=True, limit=20)
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise InvalidInput(_("Unknown category “%(code)s”.") % {"code": code}, field="category")
    from apps.cases.services import case_create

    fields = {name: _text(data, name, limit=limit) for name, limit in
              [("title", 120), ("address", 200), ("reporter_name", 50), ("reporter_phone", 20)]}
    try:
        case = case_create(
            actor=actor, category=category, description=_text(data, "description", required=True),
            latitude=_text(data, "latitude", required=True, limit=30),
            longitude=_text(data, "longitude", required=True, limit=30),
            urgency=_text(data, "urgency", limit=10) or "normal", channel=Channel.HOTLINE,
            external_id=external_id, **fields,
        )
    except IntegrityError:
        # A concurrent replay filed it a moment ago: the unique external_id decided.
        existing = Case.objects.filter(external_id=external_id).first()
        if existing is None:
            raise
        return existing, False
    return case, True


# --- Out: status changes back to the hotline ---------------------------------------------


def _payload(event, case):
    return {
        "event_id": event.pk,
        "hotline_id": case.external_id,
        "case_number": case.number,
        "action": event.action,
        "previous_status": event.from_status,
        "status": event.to_status,
        "note": event.note,
        "at": event.created_at.isoformat(),
    }


def on_case_event(event_id):
    """After-commit receiver: queue a delivery for a status change of a hotline case."""
    url = settings.HOTLINE_WEBHOOK_URL
    if not url:
        return None
    event = CaseEvent.objects.select_related("case").filter(pk=event_id).first()
    if event is None or not event.case.external_id:
        return None
    if not event.from_status or event.from_status == event.to_status:
        return None  # filing and same-state events (notes, escalations) are not status changes
    delivery, created = WebhookDelivery.objects.get_or_create(
        event=event, defaults={"case": event.case, "url": url, "payload": _payload(event, event.case)})
    if created:
        from .hotline_tasks import deliver_hotline_webhook

        deliver_hotline_webhook.apply_async((delivery.pk,), queue=settings.HOTLINE_WEBHOOK_QUEUE)
    return delivery


def backoff_seconds(retries):
    """Exponential: base, 2×base, 4×base, … capped."""
    return min(settings.HOTLINE_WEBHOOK_BACKOFF_SECONDS * (2 ** retries), MAX_BACKOFF_SECONDS)


def attempt_delivery(*, delivery_id):
    """POST one delivery once and record the attempt. Returns True when it is done
    (delivered now or earlier, or gone), False when it should be tried again."""
    delivery = WebhookDelivery.objects.filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return True
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    secret = settings.HOTLINE_WEBHOOK_SECRET or ""
    request = urllib.request.Request(
        delivery.url, data=body, method="POST",
        headers={"Content-Type": "application/json", WEBHOOK_SIGNATURE_HEADER: sign(body, secret),
                 "X-GridGov-Delivery": str(delivery.pk)},
    )
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=settings.HOTLINE_WEBHOOK_TIMEOUT) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = str(getattr(exc, "reason", exc))[:300] or exc.__class__.__name__
    now = timezone.now()
    ok = code is not None and 200 <= code < 300
    changes = {"attempts": F("attempts") + 1, "last_status_code": code, "last_error": error, "last_attempt_at": now}
    if ok:
        changes.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now)
    WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.PENDING).update(**changes)
    if not ok:
        logger.warning("hotline webhook delivery %s failed: %s", delivery.pk, error or code)
    return ok


def give_up(*, delivery_id):
    """Out of retries: recorded as failed (staff see it; a resend is a new delivery)."""
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED)


def resend_stale(*, older_than_seconds=600, now=None):
    """Re-queue pending deliveries never attempted (the broker was down when they were
    made). Returns how many were queued again."""
    from .hotline_tasks import deliver_hotline_webhook

    now = now or timezone.now()
    stale = list(WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, attempts=0,
        created_at__lt=now - timedelta(seconds=older_than_seconds)).values_list("pk", flat=True)[:500])
    for pk in stale:
        transaction.on_commit(lambda pk=pk: deliver_hotline_webhook.apply_async(
            (pk,), queue=settings.HOTLINE_WEBHOOK_QUEUE))
    return len(stale)
