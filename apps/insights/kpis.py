"""KPI definitions — one function each, with its formula and cohort.

Every figure comes from the database at request time, scoped by `visible_to`.
"""
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case
from apps.cases.workflow import Status


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | int | None
    formula: str
    is_rate: bool = False


def _rate(numerator, denominator):
    return None if not denominator else numerator / denominator


def accepted_cohort(cases, start, end):
    """受理量 cohort: cases accepted in [start, end)."""
    return cases.filter(accepted_at__gte=start, accepted_at__lt=end)


def summary(cases, start, end):
    """accepted 受理量 = cases accepted in the period;
    closed 办结量 = those of them closed now;
    completion 办结率 = closed ÷ accepted (same cohort)."""
    agg = accepted_cohort(cases, start, end).aggregate(
        accepted=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED))
    )
    return [
        Kpi("accepted", _("Accepted"), agg["accepted"], _("cases accepted in the period")),
        Kpi("closed", _("Closed"), agg["closed"], _("of the accepted cases, those closed")),
        Kpi(
            "completion", _("Completion rate"), _rate(agg["closed"], agg["accepted"]),
            _("closed ÷ accepted, same cohort"), is_rate=True,
        ),
    ]


def summary_for(user, start, end):
    return summary(Case.objects.visible_to(user), start, end)
