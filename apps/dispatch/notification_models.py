"""In-app notifications (the bell). Written only by apps/dispatch/notifications.py.

Imported by apps/dispatch/models.py so Django registers the model with the dispatch app.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person; unread until they open it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx")]

    def __str__(self):
        return f"{self.user_id}: {self.text}"
