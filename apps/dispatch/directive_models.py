"""Directives 下行事项 (一键下达): a county or township unit sends an instruction down a
named channel to chosen units or roles; each recipient signs for it and reports completion.

Imported by apps/dispatch/models.py so Django registers the models with the dispatch app.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DirectiveChannel(models.Model):
    """A named channel: 党政指挥, 党建引领, 综合协调, 经济运行 (seeded) and admin-defined others."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("directive channel")
        verbose_name_plural = _("directive channels")
        ordering = ["ordering", "code"]

    def __str__(self):
        return self.name


class DirectiveQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Directives the person sent (or their unit sent), or that were sent to them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        mine = DirectiveRecipient.objects.for_user(user).values("directive_id")
        condition = Q(pk__in=mine) | Q(sent_by=user)
        if user.area_id:
            condition |= Q(sender_area__path__startswith=user.area.path)
        return self.filter(condition)


class Directive(models.Model):
    """One instruction sent down a channel."""

    channel = models.ForeignKey(DirectiveChannel, verbose_name=_("channel"), on_delete=models.PROTECT,
                                related_name="directives")
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("instruction"), max_length=4000)
    sender_area = models.ForeignKey("grids.Area", verbose_name=_("sending unit"), on_delete=models.PROTECT,
                                    related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    due_at = models.DateTimeField(_("complete by"), null=True, blank=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.title


class RecipientQuerySet(models.QuerySet):
    def for_user(self, user):
        """Recipient rows this person answers for: their department, or their own area
        (and role, when the directive went to a role)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        condition = Q(pk__in=[])
        if user.department_id:
            condition |= Q(department_id=user.department_id)
        if user.area_id:
            condition |= Q(area_id=user.area_id) & (Q(role="") | Q(role=user.role))
        return self.filter(condition)


class DirectiveRecipient(models.Model):
    """One receiving unit: a department, or an area (optionally only its people of one role)."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="recipients")
    area = models.ForeignKey("grids.Area", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    department = models.ForeignKey("grids.Department", verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.TextField(_("completion report"), blank=True, max_length=2000)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive recipient")
        verbose_name_plural = _("directive recipients")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=True, department__isnull=False) | Q(area__isnull=False, department__isnull=True),
                name="directive_recipient_one_unit",
            ),
            models.UniqueConstraint(fields=["directive", "area", "role"], condition=Q(area__isnull=False),
                                    name="directive_recipient_area_once"),
            models.UniqueConstraint(fields=["directive", "department"], condition=Q(department__isnull=False),
                                    name="directive_recipient_department_once"),
        ]

    def __str__(self):
        return str(self.department or self.area)

    @property
    def unit_name(self):
        return self.department.name if self.department_id else self.area.name
