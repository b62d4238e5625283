"""Rollups behind the leader's figures.

One row per (cohort day, area, dimension, key): the counters of the cases ACCEPTED that
day (local time) somewhere under `area`, split by one dimension — `all` (key ""),
`child` (key = id of the child area the case lies under), `category` (leaf category id)
or `channel`. Every area on a case's path (county, township, village, grid) gets its
rows, so any scope × period × breakdown is a sum over a few hundred rows, never a scan
of the cases.

The rows are maintained by apps/insights/rollups.py inside the same transaction as each
case change (hook calls in apps/cases/services.py), and can be rebuilt in bulk from the
cases (`manage.py rebuild_insights`), which produces exactly the same rows.
"""
from django.db import models

COUNTERS = (
    "accepted", "closed", "on_time", "reworked", "rated", "satisfied", "open_now", "handling_seconds",
    "closed_grid", "closed_village", "closed_township", "closed_county",
)


class Rollup(models.Model):
    day = models.DateField()
    # No index of its own: the unique key below starts with the area.
    area = models.ForeignKey("grids.Area", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)
    dim = models.CharField(max_length=10)
    key = models.CharField(max_length=40, blank=True, default="")
    accepted = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    reworked = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    open_now = models.IntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)
    closed_grid = models.IntegerField(default=0)
    closed_village = models.IntegerField(default=0)
    closed_township = models.IntegerField(default=0)
    closed_county = models.IntegerField(default=0)

    class Meta:
        constraints = [
            # Its index serves every read: area = ? AND dim = ? AND day BETWEEN …
            models.UniqueConstraint(fields=["area", "dim", "day", "key"], name="insights_rollup_key"),
        ]

    def __str__(self):
        return f"{self.day} {self.area_id} {self.dim}={self.key}"
