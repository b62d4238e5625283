"""Shared by the insights tests: random cases through the real services, and the KPIs
recomputed independently in plain Python over the rows."""
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apps.accounts.models import Role
from apps.cases import services
from apps.cases.models import Case, Channel
from apps.core.exceptions import DomainError
from apps.grids.models import Level
from tests.factories import CategoryFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = {"reported", "accepted", "dispatched", "in_progress", "resolved", "verified", "returned"}


def extra_people(world):
    """A second leaf category handled at township level and a grid worker per grid."""
    township_cat = CategoryFactory(code="0202", name="违章搭建", parent=world.parent_category,
                                   default_level=Level.TOWNSHIP)
    return {"categories": [world.category, township_cat],
            "filers": [(world.alice, world.point_a), (world.bob, world.point_b), (world.carol, world.point_c)],
            "cadre": world.vera,
            "extra_dispatcher": UserFactory(username="tess", role=Role.TOWNSHIP_DISPATCHER, area=world.t1)}


def dispatcher_for(world, case):
    return world.tom if case.area.path.startswith(world.t1.path) else world.tina


def random_cases(world, n, seed, start, span_days):
    """n cases filed between `start` and start + span_days, each driven through a random
    life: left reported, rejected, accepted and handled locally, dispatched, returned,
    resolved, reopened, closed (before or after its deadline), rated (a dissatisfied rating
    reopens it), closed again."""
    rnd = random.Random(seed)
    people = extra_people(world)
    ids = []
    for i in range(n):
        filer, point = rnd.choice(people["filers"])
        t = start + timedelta(minutes=rnd.randrange(span_days * 24 * 60))
        case = services.case_create(
            actor=filer, category=rnd.choice(people["categories"]), description=f"问题 {i}",
            latitude=point[0], longitude=point[1], channel=rnd.choice(Channel.values), now=t)
        ids.append(case.pk)
        dispatcher = rnd.choice([dispatcher_for(world, case), world.dan])
        step = lambda: t + timedelta(hours=rnd.choice([1, 3, 8, 20, 40, 70, 120]))  # noqa: E731
        fate = rnd.random()
        try:
            if fate < 0.08:
                continue  # stays reported: not in any cohort
            if fate < 0.14:
                services.case_reject(case=case, actor=dispatcher, note="不属于受理范围", now=step())
                continue
            t = step()
            if case.level == Level.VILLAGE and case.area.path.startswith(world.v1.path) and rnd.random() < 0.3:
                case = services.case_accept(case=case, actor=dispatcher, now=t)
                t = step()
                case = services.case_resolve_locally(case=case, actor=world.vera, note="村里处理", now=t)
            else:
                dept, official = rnd.choice([(world.urban, world.deb), (world.police, world.pete)])
                if rnd.random() < 0.3:
                    case = services.case_accept(case=case, actor=dispatcher, now=t)
                    t = step()
                case = services.case_dispatch(case=case, actor=dispatcher, department=dept, now=t)
                if rnd.random() < 0.1:
                    t = step()
                    services.case_return(case=case, actor=official, note="非本部门职责", now=t)
                    continue
                if rnd.random() < 0.15:
                    continue  # still with the department
                t = step()
                case = services.case_resolve(case=case, actor=official, note="已处理", now=t)
            if rnd.random() < 0.15:
                t = step()
                case = services.case_reopen(case=case, actor=dispatcher, note="核查未通过", now=t)
                t = step()
                case = services.case_confirm_close(case=case, actor=dispatcher, note="结果成立", now=t)
            else:
                if rnd.random() < 0.1:
                    continue  # resolved, waiting for verification
                t = step()
                case = services.case_close(case=case, actor=dispatcher, now=t)
            if case.status == "closed" and rnd.random() < 0.7:
                t = step()
                case = services.case_rate(case=case, satisfaction=rnd.choice(["satisfied", "basic", "dissatisfied"]),
                                          source="resident", now=t)
                if case.status != "closed" and rnd.random() < 0.5:
                    t = step()
                    services.case_confirm_close(case=case, actor=dispatcher, note="结果成立", now=t)
        except DomainError:
            raise
    return ids


def local_day(moment):
    return moment.astimezone(SHANGHAI).date()


def expected(area, start_day, end_day):
    """The KPIs of `area` for cases accepted in [start_day, end_day), in plain Python."""
    rows = [c for c in Case.objects.filter(accepted_at__isnull=False).values(
        "accepted_at", "status", "closed_at", "deadline", "reopened_count", "satisfaction", "level",
        "category_id", "channel", "area__path")
        if c["area__path"].startswith(area.path) and start_day <= local_day(c["accepted_at"]) < end_day]
    return kpis_of(rows), rows


def kpis_of(rows):
    accepted = len(rows)
    closed = [c for c in rows if c["status"] == "closed"]
    rated = [c for c in rows if c["satisfaction"]]

    def rate(a, b):
        return None if b == 0 else a / b

    def share(level):
        return rate(sum(1 for c in closed if c["level"] == level), len(closed))

    return {
        "accepted": accepted,
        "closed": len(closed),
        "completion": rate(len(closed), accepted),
        "on_time": rate(sum(1 for c in closed if c["deadline"] and c["closed_at"] <= c["deadline"]), len(closed)),
        "satisfaction": rate(sum(1 for c in rated if c["satisfaction"] in ("satisfied", "basic")), len(rated)),
        "rework": rate(sum(1 for c in closed if c["reopened_count"] > 0), len(closed)),
        "open_now": sum(1 for c in rows if c["status"] in OPEN),
        "handling_hours": None if not closed else sum(
            int((c["closed_at"] - c["accepted_at"]).total_seconds()) for c in closed) / len(closed) / 3600,
        "share_grid": share(4), "share_village": share(3), "share_township": share(2), "share_county": share(1),
    }


def aware(y, m, d):
    return datetime(y, m, d, 9, 0, tzinfo=SHANGHAI)
