"""Truth test: random cases through the real services; every KPI the dashboard shows —
tiles, the previous period, by child area, by category, by channel, by month — equals an
independent plain-Python computation over the case rows, for several areas and periods."""
from datetime import date

import pytest

from apps.insights import kpis, periods, rollups, selectors
from apps.insights.models import Rollup
from apps.dispatch.models import Ticket

from .truth import aware, expected, kpis_of, local_day, random_cases

TODAY = date(2026, 11, 20)
PERIOD_CODES = ["30d", "90d", "month", "year", "2026-09", "2026-10", "2026-07"]


def same(actual, wanted):
    for key, value in wanted.items():
        got = actual[key]
        if value is None:
            assert got is None, key
        else:
            assert got == pytest.approx(value, rel=1e-9, abs=1e-9), key


@pytest.fixture
def city(world):
    random_cases(world, 90, seed=6, start=aware(2026, 6, 20), span_days=150)
    return world


def test_every_kpi_equals_a_plain_python_count_over_the_cases(city):
    w = city
    assert Rollup.objects.exists()
    checked = 0
    for area in (w.county, w.t1, w.t2, w.v1, w.grid_a, w.grid_c):
        for code in PERIOD_CODES:
            period = periods.parse(code, today=TODAY)
            data = selectors.dashboard(area, period)
            wanted, rows = expected(area, period.start, period.end)
            tiles = {t["key"]: t["value"] for t in data["kpis"]}
            same(tiles, wanted)
            before = periods.previous(period)
            prior, _ = expected(area, before.start, before.end)
            same({t["key"]: t["previous"] for t in data["kpis"]}, prior)

            children = {str(r["key"]): r["figures"] for r in data["children"]}
            for child in area.children.all():
                same(children[str(child.pk)], kpis_of([r for r in rows if r["area__path"].startswith(child.path)]))
            by_category = {r["key"]: r["figures"] for r in data["categories"]}
            assert set(by_category) == {str(r["category_id"]) for r in rows}
            for key, figures in by_category.items():
                same(figures, kpis_of([r for r in rows if str(r["category_id"]) == key]))
            by_channel = {r["key"]: r["figures"] for r in data["channels"]}
            assert set(by_channel) == {r["channel"] for r in rows}
            for key, figures in by_channel.items():
                same(figures, kpis_of([r for r in rows if r["channel"] == key]))
            checked += 1
        # Monthly trend over the whole window.
        data = selectors.dashboard(area, periods.parse("2026-11", today=TODAY))
        for month in data["trend"]:
            y, m = map(int, month["month"].split("-"))
            start = date(y, m, 1)
            end = date(y + (m == 12), m % 12 + 1, 1)
            same(month["figures"], expected(area, start, end)[0])
    assert checked == 6 * len(PERIOD_CODES)


def test_the_random_cases_cover_every_counter(city):
    """Guard against a vacuous truth test: the random lives hit every state the KPIs count."""
    wanted, rows = expected(city.county, date(2026, 1, 1), TODAY)
    assert wanted["accepted"] > 50
    assert 0 < wanted["closed"] < wanted["accepted"]
    assert 0 < wanted["on_time"] < 1
    assert 0 < wanted["satisfaction"] < 1
    assert 0 < wanted["rework"] < 1
    assert wanted["open_now"] > 0
    assert wanted["share_village"] and wanted["share_township"]


def test_rollups_equal_a_rebuild_from_the_cases(city):
    stored = rollups.stored_rows()
    assert stored == rollups.expected_rows()
    rollups.rebuild()
    assert rollups.stored_rows() == stored


def test_department_table_equals_a_count_over_the_tickets(city):
    w = city
    period = periods.parse("year", today=TODAY)
    start, end = period.bounds()
    table = {d["id"]: d for d in selectors.departments(w.county, period)}
    tickets = [t for t in Ticket.objects.values("department_id", "status", "finished_at", "finish_deadline",
                                                 "created_at", "is_lead", "case__satisfaction")
               if start <= t["created_at"] < end]
    assert tickets
    for dept in (w.urban, w.police):
        mine = [t for t in tickets if t["department_id"] == dept.pk]
        done = [t for t in mine if t["status"] == "done"]
        led_rated = [t for t in mine if t["is_lead"] and t["case__satisfaction"]]
        row = table[dept.pk]
        assert row["tickets"] == len(mine)
        assert row["returned"] == sum(1 for t in mine if t["status"] == "returned")
        assert row["on_time"] == pytest.approx(sum(1 for t in done if t["finished_at"] <= t["finish_deadline"])
                                               / len(done))
        assert row["satisfaction"] == pytest.approx(
            sum(1 for t in led_rated if t["case__satisfaction"] in ("satisfied", "basic")) / len(led_rated))


def test_a_case_counts_in_the_cohort_of_its_local_acceptance_day(world, file_case):
    """Accepted at 23:30 on 31 October in Shanghai (15:30 UTC): it belongs to October."""
    from datetime import datetime, timezone as tz

    from apps.cases import services

    case = file_case(now=datetime(2026, 10, 31, 15, 0, tzinfo=tz.utc))
    services.case_accept(case=case, actor=world.dan, now=datetime(2026, 10, 31, 15, 30, tzinfo=tz.utc))
    assert local_day(datetime(2026, 10, 31, 15, 30, tzinfo=tz.utc)) == date(2026, 10, 31)
    october = selectors.totals(world.county, periods.parse("2026-10", today=TODAY))
    november = selectors.totals(world.county, periods.parse("2026-11", today=TODAY))
    assert (october["accepted"], november["accepted"]) == (1, 0)
    assert kpis.figures(october)["completion"] == 0
