"""The department table's 报到 columns come from real whistles: a department that reported
in time has report rate 100 %, one that let the limit pass 0 %; average report time and
the whistling unit's ratings are shown; township T2 does not see T1's whistles."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.dispatch import whistle
from apps.dispatch.models import Summons
from apps.insights import periods, selectors


@pytest.fixture
def whistled(world, file_case):
    start = timezone.now() - timedelta(days=4)
    case = file_case(now=start - timedelta(hours=1))
    blown = whistle.whistle_blow(case=case, actor=world.tom, departments=[world.urban, world.police],
                                 note="多部门联合处置", override_reason="测试", now=start)
    urban = Summons.objects.get(whistle=blown, department=world.urban)
    whistle.whistle_report(summons=urban, actor=world.deb, note="已到场", now=start + timedelta(minutes=30))
    whistle.whistle_rate(summons=urban, actor=world.tom, timeliness=5, cooperation=4, professionalism=3)
    return blown


def test_report_rate_average_time_and_rating_per_department(world, whistled):
    table = {d["id"]: d for d in selectors.departments(world.county, periods.parse("30d"))}
    urban, police = table[world.urban.pk], table[world.police.pk]
    assert urban["summoned"] == 1 and urban["report_rate"] == 1.0
    assert urban["report_minutes"] == 30 and urban["rating"] == pytest.approx(4.0)
    assert police["summoned"] == 1 and police["report_rate"] == 0.0 and police["rating"] is None
    ranked = selectors.departments(world.county, periods.parse("30d"), sort="report_rate")
    assert [d["id"] for d in ranked][:2] == [world.urban.pk, world.police.pk]


def test_another_township_does_not_see_the_whistles(world, whistled):
    assert selectors.departments(world.t2, periods.parse("30d")) == []
    assert {d["id"] for d in selectors.departments(world.t1, periods.parse("30d"))} == {
        world.urban.pk, world.police.pk}
