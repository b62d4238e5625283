"""Reads of the dispatch app: scoped querysets and figures for its pages and insights."""
from datetime import timedelta
from math import cos, radians

from django.db.models import Avg, Count, Q
from django.utils import timezone

from apps.cases.models import Case
from apps.cases.selectors import DUPLICATE_RADIUS_M, DUPLICATE_WINDOW_DAYS, LIST_RELATED, _metres_between
from apps.cases.workflow import OPEN_STATUSES, Status

from .directive_models import Directive, DirectiveRecipient
from .models import Ticket
from .whistle_models import Summons, Whistle

QUEUE_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.RETURNED, Status.RESOLVED, Status.VERIFIED)
DUE_SOON = timedelta(hours=2)


def queue_cases(*, user):
    """Cases in the user's scope, with what the queue table shows."""
    return Case.objects.visible_to(user).select_related(*LIST_RELATED)


def state_counts(queryset):
    """{status: n} of the (filtered) cases, one query."""
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


def deadline_colour(case, now):
    """"overdue", "soon" (due within 2 h) or "ok" — the queue's deadline colour."""
    if case.deadline is None or case.status not in OPEN_STATUSES:
        return "ok"
    if case.deadline < now:
        return "overdue"
    if case.deadline < now + DUE_SOON:
        return "soon"
    return "ok"


def annotate_queue_page(cases, *, user, now=None):
    """Set `colour` and `dup_hints` (open cases of the same category within 100 m filed in
    the last 7 days, excluding itself) on each case of one page — two queries in all."""
    now = now or timezone.now()
    cases = list(cases)
    for case in cases:
        case.colour = deadline_colour(case, now)
        case.dup_hints = []
        case.merge_into = None
    if not cases:
        return cases
    lats = [float(c.latitude) for c in cases]
    margin = DUPLICATE_RADIUS_M / 111_000
    lng_margin = margin / max(cos(radians(max(abs(x) for x in lats))), 0.01)
    lngs = [float(c.longitude) for c in cases]
    nearby = list(
        Case.objects.visible_to(user).open()
        .filter(category_id__in={c.category_id for c in cases}, merged_into__isnull=True,
                created_at__gte=now - timedelta(days=DUPLICATE_WINDOW_DAYS),
                latitude__range=(min(lats) - margin, max(lats) + margin),
                longitude__range=(min(lngs) - lng_margin, max(lngs) + lng_margin))
        .only("pk", "number", "title", "category_id", "latitude", "longitude", "created_at")[:2000]
    )
    for case in cases:
        for other in nearby:
            if other.pk == case.pk or other.category_id != case.category_id:
                continue
            if _metres_between(float(case.latitude), float(case.longitude), float(other.latitude),
                               float(other.longitude)) <= DUPLICATE_RADIUS_M:
                case.dup_hints.append(other)
        case.dup_hints.sort(key=lambda o: (o.created_at, o.pk))
        # Offered one-step merge: into the earliest case filed before this one.
        older = [o for o in case.dup_hints if (o.created_at, o.pk) < (case.created_at, case.pk)]
        case.merge_into = older[0] if older else None
    return cases


def tickets_for(*, user):
    return (Ticket.objects.visible_to(user)
            .select_related("case", "case__category", "case__area", "department")
            .order_by("finished_at", "finish_deadline", "pk"))


def summonses_for(*, user):
    return (Summons.objects.visible_to(user)
            .select_related("whistle__case", "whistle__unit", "department")
            .order_by("-whistle__blown_at", "pk"))


def whistles_for(*, user):
    return (Whistle.objects.visible_to(user).select_related("case", "unit", "blown_by")
            .prefetch_related("summonses__department"))


def department_report_stats(*, area=None, since=None, until=None, now=None):
    """报到率 and average report time per summoned department, for the insights page.

    A summons counts once its report came in or its limit passed (one still running is
    not a miss yet). Rows: department_id, department__name, summoned, reported, on_time,
    late, missing, report_rate (reported / summoned), on_time_rate, avg_report_minutes,
    and the whistling units' average ratings. `area` limits to whistles blown by units in
    its subtree; since/until bound the whistle time."""
    now = now or timezone.now()
    qs = Summons.objects.filter(Q(reported_at__isnull=False) | Q(due_at__lt=now))
    if area is not None:
        qs = qs.filter(whistle__unit__path__startswith=area.path)
    if since is not None:
        qs = qs.filter(whistle__blown_at__gte=since)
    if until is not None:
        qs = qs.filter(whistle__blown_at__lt=until)
    rows = list(
        qs.values("department_id", "department__name")
        .annotate(
            summoned=Count("pk"),
            reported=Count("pk", filter=Q(reported_at__isnull=False)),
            on_time=Count("pk", filter=Q(reported_at__isnull=False, late=False)),
            avg_report_minutes=Avg("report_minutes", filter=Q(reported_at__isnull=False)),
            avg_timeliness=Avg("timeliness"), avg_cooperation=Avg("cooperation"),
            avg_professionalism=Avg("professionalism"),
        )
        .order_by("department__name")
    )
    for row in rows:
        row["late"] = row["reported"] - row["on_time"]
        row["missing"] = row["summoned"] - row["reported"]
        row["report_rate"] = row["reported"] / row["summoned"] if row["summoned"] else None
        row["on_time_rate"] = row["on_time"] / row["summoned"] if row["summoned"] else None
    return rows


def directives_for(*, user):
    return (Directive.objects.visible_to(user).select_related("channel", "sender_area", "sent_by")
            .annotate(total=Count("recipients", distinct=True),
                      signed=Count("recipients", filter=Q(recipients__signed_at__isnull=False), distinct=True),
                      done=Count("recipients", filter=Q(recipients__completed_at__isnull=False), distinct=True)))


def my_directive_rows(*, user):
    """Recipient rows this person answers for, open ones first."""
    return (DirectiveRecipient.objects.for_user(user).select_related("directive__channel", "directive__sender_area")
            .order_by("completed_at", "-directive__sent_at"))
