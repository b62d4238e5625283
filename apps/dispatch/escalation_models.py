"""Escalation 逐级上报: one step up the area ladder for one case and one missed deadline.

Imported by apps/dispatch/models.py so Django registers it with the dispatch app.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.grids.models import Level


class Escalation(models.Model):
    """A case missed `missed_deadline` at `from_level` and moved to `to_level`.

    The unique (case, missed_deadline) constraint is what makes escalation exactly-once:
    the sweep inserts this row first (INSERT … ON CONFLICT DO NOTHING) and only the
    transaction whose insert went in moves the case. A retried, duplicated or concurrent
    sweep finds the row there and does nothing.

    `at_top` marks a case overdue at the county, which has no higher level: it stays at
    the county, flagged once per missed deadline (see apps/dispatch/escalation.py).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="escalations")
    missed_deadline = models.DateTimeField(_("missed deadline"))
    from_level = models.PositiveSmallIntegerField(_("from level"), choices=Level.choices)
    to_level = models.PositiveSmallIntegerField(_("to level"), choices=Level.choices)
    from_area = models.ForeignKey("grids.Area", verbose_name=_("from unit"), on_delete=models.PROTECT,
                                  related_name="+")
    to_area = models.ForeignKey("grids.Area", verbose_name=_("to unit"), on_delete=models.PROTECT,
                                related_name="+")
    new_deadline = models.DateTimeField(_("new deadline"), null=True, blank=True)
    new_deadline_provisional = models.BooleanField(_("new deadline provisional"), default=False)
    at_top = models.BooleanField(_("overdue at the top level"), default=False)
    at = models.DateTimeField(_("escalated at"), db_index=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "missed_deadline"], name="escalation_once_per_deadline"),
        ]

    def __str__(self):
        return f"{self.case_id}: {self.from_level}→{self.to_level} ({self.missed_deadline:%Y-%m-%d %H:%M})"
