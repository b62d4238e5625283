"""Whistle and report 吹哨报到: a township summons county departments; each must report
(报到: acknowledge and join) within a working-time limit; the whistling unit rates them.

Imported by apps/dispatch/models.py so Django registers the models with the dispatch app.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WhistleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Whistles on cases the person may see, plus those summoning their department."""
        from apps.accounts.models import Role
        from apps.cases.models import Case

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_everything:
            return self.all()
        if user.role == Role.DEPARTMENT_OFFICIAL:
            return self.filter(summonses__department_id=user.department_id).distinct()
        return self.filter(case__in=Case.objects.visible_to(user))


class Whistle(models.Model):
    """吹哨: one summons of county departments on one case by a township unit."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="whistles")
    unit = models.ForeignKey("grids.Area", verbose_name=_("whistling unit"), on_delete=models.PROTECT,
                             related_name="+")
    # Empty when the escalation blew it (a case overdue at the township).
    blown_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("blown by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    by_escalation = models.BooleanField(_("blown by the escalation"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    report_hours = models.PositiveSmallIntegerField(_("report within (working hours)"))
    blown_at = models.DateTimeField(_("blown at"), db_index=True)

    objects = WhistleQuerySet.as_manager()

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")
        ordering = ["-blown_at", "-pk"]

    def __str__(self):
        return f"{self.case_id} @ {self.blown_at:%Y-%m-%d %H:%M}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]


class SummonsQuerySet(models.QuerySet):
    def visible_to(self, user):
        from apps.accounts.models import Role

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.DEPARTMENT_OFFICIAL:
            return self.filter(department_id=user.department_id)
        return self.filter(whistle__in=Whistle.objects.visible_to(user))


class Summons(models.Model):
    """报到: one department called by one whistle; reported on time, late, or not at all."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="summonses")
    department = models.ForeignKey("grids.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="summonses")
    due_at = models.DateTimeField(_("report by"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    report_note = models.TextField(_("report note"), blank=True, max_length=2000)
    # Wall-clock minutes between the whistle and the report (for averages).
    report_minutes = models.PositiveIntegerField(_("minutes to report"), null=True, blank=True)
    late = models.BooleanField(_("reported late"), default=False)
    # Set once by the sweep when the limit passed with no report (missing report recorded).
    missed_at = models.DateTimeField(_("recorded as missing at"), null=True, blank=True)
    timeliness = models.PositiveSmallIntegerField(_("timeliness"), null=True, blank=True, validators=RATING)
    cooperation = models.PositiveSmallIntegerField(_("cooperation"), null=True, blank=True, validators=RATING)
    professionalism = models.PositiveSmallIntegerField(_("professionalism"), null=True, blank=True,
                                                       validators=RATING)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rated by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    objects = SummonsQuerySet.as_manager()

    class Meta:
        verbose_name = _("summons")
        verbose_name_plural = _("summonses")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="summons_once_per_whistle"),
        ]
        indexes = [
            # The missing-report sweep reads only unreported, unflagged summonses.
            models.Index(fields=["due_at"], condition=Q(reported_at__isnull=True, missed_at__isnull=True),
                         name="summons_waiting_idx"),
        ]

    def __str__(self):
        return f"{self.whistle_id} → {self.department_id}"
