"""The 12345 hotline link 横向事项: deliveries of status changes back to the hotline.

Imported by apps/dispatch/models.py so Django registers the model with the dispatch app.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookDelivery(models.Model):
    """One signed JSON status message for the hotline, sent by Celery with retries; each
    attempt updates this row, so staff can see what reached the hotline and what did not."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="webhook_deliveries")
    # One delivery per timeline event: a receiver called twice for one event adds nothing.
    event = models.OneToOneField("cases.CaseEvent", on_delete=models.PROTECT, related_name="webhook_delivery")
    url = models.URLField(_("URL"), max_length=500)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.case_id} #{self.event_id} {self.status}"
