"""Tickets 工单: a case dispatched to a department, with its own deadlines."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tickets of cases the person may see; a department official sees their department's."""
        from apps.accounts.models import Role
        from apps.cases.models import Case

        if not user.is_authenticated:
            return self.none()
        if user.role == Role.DEPARTMENT_OFFICIAL:
            return self.filter(department_id=user.department_id)
        return self.filter(case__in=Case.objects.visible_to(user))


class Ticket(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for sign-for")
        SIGNED = "signed", _("signed for")
        DONE = "done", _("done")
        RETURNED = "returned", _("returned")

    OPEN = (Status.PENDING, Status.SIGNED)

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="tickets")
    department = models.ForeignKey(
        "grids.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="tickets"
    )
    is_lead = models.BooleanField(_("lead department"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    sign_deadline = models.DateTimeField(_("sign-for deadline"))
    finish_deadline = models.DateTimeField(_("finish deadline"))
    created_at = models.DateTimeField(_("dispatched at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, max_length=2000)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=models.Q(status__in=["pending", "signed"]),
                name="ticket_one_open_per_department",
            )
        ]
        indexes = [models.Index(fields=["department", "status"], name="ticket_dept_status_idx")]

    def __str__(self):
        return f"{self.case_id} → {self.department_id}"


# Escalation lives in its own module (owned by the escalation work); imported here so
# Django registers it with the dispatch app.
from .escalation_models import Escalation  # noqa: E402,F401
from .whistle_models import Summons, Whistle  # noqa: E402,F401
from .directive_models import Directive, DirectiveChannel, DirectiveRecipient  # noqa: E402,F401
from .hotline_models import WebhookDelivery  # noqa: E402,F401
from .notification_models import Notification  # noqa: E402,F401
