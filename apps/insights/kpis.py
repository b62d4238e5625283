"""KPI definitions — ONE place. Each KPI is a function of the summed rollup counters
(models.COUNTERS) with a docstring giving its formula and cohort; the page shows the
same formula (translated) as a tooltip and in the footnote.

Cohort of every figure: the cases ACCEPTED (立案, `accepted_at`) in the period, local
time, whose grid lies in the area — so numerator and denominator always come from the
same set of cases, and a period's figures only move while its cases are still being
handled. State-dependent counters (closed, rated, …) are the cases' state now.
"""
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.cases.models import Case
from apps.cases.workflow import Status

from .models import COUNTERS


@dataclass(frozen=True)
class KpiDef:
    key: str
    label: str
    formula: str
    is_rate: bool
    better: str  # "up" or "down": which direction of change is good
    compute: object
    unit: str = ""

    @property
    def doc(self):
        return (self.compute.__doc__ or "").strip()


KPIS = {}


def kpi(key, label, formula, *, is_rate=True, better="up", unit=""):
    def register(fn):
        KPIS[key] = KpiDef(key, label, formula, is_rate, better, fn, unit)
        return fn
    return register


def _rate(numerator, denominator):
    return None if not denominator else numerator / denominator


@kpi("accepted", _("Accepted"), _("cases accepted (立案) in the period"), is_rate=False)
def accepted(t):
    """受理量 = number of cases accepted in the period. Cohort: accepted in the period."""
    return t["accepted"]


@kpi("closed", _("Closed"), _("of the accepted cases, those closed now"), is_rate=False)
def closed(t):
    """办结量 = cases of the cohort whose status is closed now. Cohort: accepted in the period."""
    return t["closed"]


@kpi("completion", _("Completion rate"), _("closed ÷ accepted, same cohort"))
def completion(t):
    """办结率 = closed ÷ accepted. Cohort: cases accepted in the period."""
    return _rate(t["closed"], t["accepted"])


@kpi("on_time", _("On-time rate"), _("closed by their deadline ÷ closed, same cohort"))
def on_time(t):
    """按期办结率 = closed with closed_at ≤ deadline ÷ closed. Cohort: closed cases among those
    accepted in the period. A case without a deadline is not on time."""
    return _rate(t["on_time"], t["closed"])


@kpi("satisfaction", _("Satisfaction rate"), _("(satisfied + basically satisfied) ÷ rated, same cohort"))
def satisfaction(t):
    """满意率 = (satisfied + basically satisfied) ÷ rated. Cohort: rated cases among those accepted
    in the period; a case's last rating counts."""
    return _rate(t["satisfied"], t["rated"])


@kpi("rework", _("Rework rate"), _("closed cases reopened at least once ÷ closed, same cohort"), better="down")
def rework(t):
    """返工率 = closed cases with reopened_count > 0 ÷ closed. Cohort: closed cases among those
    accepted in the period."""
    return _rate(t["reworked"], t["closed"])


@kpi("open_now", _("Still open"), _("accepted in the period and not closed or rejected yet"), is_rate=False,
     better="down")
def open_now(t):
    """积压 = cases of the cohort still open now (neither closed nor rejected). Cohort: accepted
    in the period."""
    return t["open_now"]


@kpi("handling_hours", _("Mean handling time"), _("mean of (closed − accepted) in clock hours over closed cases"),
     is_rate=False, better="down", unit="h")
def handling_hours(t):
    """平均办理时长 = Σ(closed_at − accepted_at) ÷ closed, in clock hours. Cohort: closed cases
    among those accepted in the period."""
    return None if not t["closed"] else t["handling_seconds"] / t["closed"] / 3600


@kpi("share_grid", _("Resolved at grid"), _("closed at grid level ÷ closed"))
def share_grid(t):
    """微事不出格 = closed cases handled at grid level ÷ closed. Cohort: closed, accepted in the period."""
    return _rate(t["closed_grid"], t["closed"])


@kpi("share_village", _("Resolved at village"), _("closed at village level ÷ closed"))
def share_village(t):
    """小事不出村 = closed cases handled at village level ÷ closed. Cohort: closed, accepted in the period."""
    return _rate(t["closed_village"], t["closed"])


@kpi("share_township", _("Resolved at township"), _("closed at township level ÷ closed"))
def share_township(t):
    """大事不出镇 = closed cases handled at township level ÷ closed. Cohort: closed, accepted in the period."""
    return _rate(t["closed_township"], t["closed"])


@kpi("share_county", _("Resolved at county"), _("closed at county level ÷ closed"))
def share_county(t):
    """Closed cases handled at county level ÷ closed. Cohort: closed, accepted in the period."""
    return _rate(t["closed_county"], t["closed"])


# Department figures (live from tickets and whistle summonses, see selectors.departments).
DEPARTMENT_DEFINITIONS = {
    "tickets": _("tickets dispatched to the department in the period"),
    "on_time": _("tickets done by their finish deadline ÷ tickets done"),
    "returned": _("tickets the department returned (not ours)"),
    "report_rate": _("报到率: summonses reported on time ÷ summonses whose limit has passed or that were "
                     "answered (whistles blown in the period by units in the area)"),
    "report_minutes": _("mean minutes from whistle to report, over reported summonses"),
    "rating": _("mean of the whistling unit's ratings (timeliness, cooperation, professionalism; 1–5)"),
    "satisfaction": _("residents' (satisfied + basically satisfied) ÷ rated, cases it led"),
}


def zero():
    return dict.fromkeys(COUNTERS, 0)


def figures(totals):
    """{kpi key: value} of summed counters."""
    return {key: d.compute(totals) for key, d in KPIS.items()}


# ------------------------------------------------------------------ live summary
def summary(cases, start, end):
    """The first three KPIs straight from the cases (no rollups) for [start, end):
    accepted, closed, completion — same definitions as above."""
    agg = cases.filter(accepted_at__gte=start, accepted_at__lt=end).aggregate(
        accepted=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED))
    )
    totals = zero() | agg
    return [Kpi(key, KPIS[key].label, KPIS[key].compute(totals), KPIS[key].formula, KPIS[key].is_rate)
            for key in ("accepted", "closed", "completion")]


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | int | None
    formula: str
    is_rate: bool = False


def summary_for(user, start, end):
    return summary(Case.objects.visible_to(user), start, end)
