from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last time a periodic process proved it is alive (beat writes one every 30 s)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class CalendarDay(models.Model):
    """One day whose working status the administrators set by hand (节假日调整).

    Used to enter the State Council's published holiday schedule for a year the
    `chinese-calendar` package does not know yet (its 1.11.0 release stops at 2026), or a
    local exception. A row here wins over the package. Once a year has any row it counts
    as known: enter its whole published schedule — every holiday and every adjusted
    working day (调休) — at once. See apps/core/worktime.py.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 春节, 国庆节, 调休上班"))

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
