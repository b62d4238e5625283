"""The leader's pages: dashboard, drill-down, JSON, map, exports, monthly report — and
nobody reaches an area outside their own subtree, whatever they type into the URL."""
import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from apps.cases import services
from tests.factories import CategoryFactory

URLS = ("insights:dashboard", "insights:data", "insights:map", "insights:export-xlsx", "insights:export-csv",
        "insights:report")


@pytest.fixture
def handled(world, file_case):
    """Three cases: one closed in grid A, one open in grid B, one accepted in grid C (T2)."""
    closed = file_case()
    services.case_dispatch(case=closed, actor=world.dan, department=world.urban)
    services.case_resolve(case=closed, actor=world.deb, note="已清理")
    services.case_close(case=closed, actor=world.dan)
    open_case = file_case(actor=world.bob, point=world.point_b)
    services.case_accept(case=open_case, actor=world.tom)
    other = file_case(actor=world.carol, point=world.point_c)
    services.case_accept(case=other, actor=world.tina)
    return closed, open_case, other


def test_leader_sees_tiles_with_definitions_and_change_against_the_previous_period(client, world, handled):
    client.force_login(world.lee)
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert re.search(r'data-kpi="accepted".*?<span class="value">3</span>', page, re.S)
    assert re.search(r'data-kpi="completion".*?<span class="value">33.3%</span>', page, re.S)
    assert re.search(r'data-change="accepted"[^>]*>\+3<', page)  # nothing the month before
    assert "closed ÷ accepted, same cohort" in page or "办结" in page  # the formula is on the page
    assert 'id="definitions"' in page and 'id="def-on_time"' in page
    assert "vendor/echarts/echarts.min.js" in page and "vendor/leaflet/leaflet.js" in page


def test_drill_down_keeps_the_period_and_shows_the_children(client, world, handled):
    client.force_login(world.lee)
    page = client.get(reverse("insights:dashboard"), {"period": "year"}).content.decode()
    assert f'href="?area={world.t1.pk}&amp;period=year"' in page
    assert f'href="?area={world.t2.pk}&amp;period=year"' in page
    page = client.get(reverse("insights:dashboard"), {"period": "year", "area": world.t1.pk}).content.decode()
    assert f'href="?area={world.v1.pk}&amp;period=year"' in page  # next level down, same period
    assert f'data-crumb="{world.county.pk}"' in page  # and back up
    assert world.t2.name not in page.split('id="departments"')[0]
    data = client.get(reverse("insights:data"), {"period": "year", "area": world.v1.pk}).json()
    assert data["area"]["id"] == world.v1.pk and data["totals"]["accepted"] == 2
    assert {c["key"] for c in data["children"]} == {world.grid_a.pk, world.grid_b.pk}
    grid = client.get(reverse("insights:data"), {"period": "year", "area": world.grid_a.pk}).json()
    assert grid["totals"]["accepted"] == 1 and grid["children"] == []


@pytest.mark.parametrize("name", URLS)
def test_areas_outside_ones_subtree_are_404_whatever_the_url_says(client, world, handled, name):
    client.force_login(world.tina)  # township dispatcher of T2
    for area in (world.t1, world.v1, world.grid_a, world.county, world.grid_z, "abc", "999999"):
        response = client.get(reverse(name), {"area": getattr(area, "pk", area), "month": "2026-11"})
        assert response.status_code == 404, (name, area)
    assert client.get(reverse(name), {"area": world.grid_c.pk}).status_code == 200
    client.force_login(world.olga)  # the other county's dispatcher
    assert client.get(reverse(name), {"area": world.county.pk}).status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_people_without_insights_get_404_and_visitors_the_login_page(client, world, name):
    assert reverse("login") in client.get(reverse(name))["Location"]
    for person in (world.alice, world.deb, world.vera):
        client.force_login(person)
        assert client.get(reverse(name)).status_code == 404


def test_township_dispatcher_starts_at_their_township(client, world, handled):
    client.force_login(world.tina)
    data = client.get(reverse("insights:data")).json()
    assert data["area"]["id"] == world.t2.pk and data["totals"]["accepted"] == 1


def test_a_wrong_period_is_a_clear_400(client, world):
    client.force_login(world.lee)
    response = client.get(reverse("insights:dashboard"), {"period": "forever"})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    assert client.get(reverse("insights:data"), {"period": "2026-13"}).status_code == 400
    assert client.get(reverse("insights:report"), {"month": "last"}).status_code == 400
    assert client.get(reverse("insights:export-csv"), {"table": "nope"}).status_code == 400


def test_xlsx_holds_every_table_with_the_page_figures(client, world, handled):
    client.force_login(world.lee)
    response = client.get(reverse("insights:export-xlsx"), {"period": "year"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 6
    areas = book.worksheets[1]
    rows = {r[0]: r for r in areas.iter_rows(min_row=3, values_only=True)}
    assert rows[world.t1.name][1] == 2 and rows[world.t1.name][2] == 1  # accepted, closed
    assert rows[world.t2.name][1] == 1
    departments = book.worksheets[5]
    dept_rows = list(departments.iter_rows(min_row=3, values_only=True))
    assert dept_rows[0][0] == world.urban.name and dept_rows[0][1] == 1


def test_csv_has_a_bom_and_neutralises_formula_cells(client, world, file_case):
    parent = CategoryFactory(code="=2", name="+SUM(1,2)")
    evil = CategoryFactory(code="=201", name="x", parent=parent)
    case = file_case(category=evil)
    services.case_accept(case=case, actor=world.dan)
    client.force_login(world.lee)
    response = client.get(reverse("insights:export-csv"), {"table": "categories", "period": "month"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == "'+SUM(1,2) / x" and rows[1][1] == "1"
    from apps.insights.exports import neutralise

    for dangerous in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise(-1) == -1 and neutralise("安全") == "安全"


def test_xlsx_neutralises_formula_text_too(client, world, file_case):
    parent = CategoryFactory(code="=1", name="=cmd|' /C calc'!A0")
    evil = CategoryFactory(code="=101", name="@x", parent=parent)
    case = file_case(category=evil)
    services.case_accept(case=case, actor=world.dan)
    client.force_login(world.lee)
    book = load_workbook(io.BytesIO(client.get(reverse("insights:export-xlsx")).content))
    labels = [r[0] for r in book["By category" if "By category" in book.sheetnames else book.sheetnames[2]]
              .iter_rows(min_row=3, values_only=True)]
    assert labels == ["'=cmd|' /C calc'!A0 / @x"]
    csv_rows = client.get(reverse("insights:export-csv"), {"table": "categories"}).content.decode("utf-8-sig")
    assert "\n'=cmd|" in csv_rows.replace("\r\n", "\n")


def test_monthly_report_prints_cleanly(client, world, handled):
    from django.utils import timezone

    client.force_login(world.lee)
    month = f"{timezone.localdate():%Y-%m}"
    page = client.get(reverse("insights:report"), {"month": month, "area": world.t1.pk}).content.decode()
    assert world.t1.name in page and month in page
    assert "insights/insights.css" in page and "window.print()" in page
    assert re.search(r'data-kpi="accepted".*?<span class="value">2</span>', page, re.S)
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "apps/insights/static/insights/insights.css").read_text()
    assert "@media print" in css and "@page" in css and "header, nav, form" in css


def test_map_is_the_grids_own_geojson_with_open_and_overdue_counts(client, world, handled):
    from datetime import timedelta

    from apps.cases.models import Case

    _closed, open_case, _other = handled
    Case.objects.filter(pk=open_case.pk).update(deadline=open_case.created_at - timedelta(hours=1))
    client.force_login(world.lee)
    geo = client.get(reverse("insights:map"), {"area": world.t1.pk}).json()
    assert geo["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f["properties"] for f in geo["features"]}
    assert set(by_name) == {world.grid_a.name, world.grid_b.name}
    assert by_name[world.grid_b.name]["open"] == 1 and by_name[world.grid_b.name]["overdue"] == 1
    assert by_name[world.grid_a.name]["open"] == 0
    assert geo["features"][0]["geometry"]["type"] == "Polygon"


def test_department_ranking_sorts_by_any_column(client, world, handled, file_case):
    second = file_case()
    services.case_dispatch(case=second, actor=world.dan, department=world.police)
    services.case_return(case=second, actor=world.pete, note="非本部门")
    client.force_login(world.lee)
    page = client.get(reverse("insights:dashboard"), {"sort": "returned", "dir": "desc"}).content.decode()
    table = page.split('data-table="departments"')[1]
    assert table.index(world.police.name) < table.index(world.urban.name)
    page = client.get(reverse("insights:dashboard"), {"sort": "returned", "dir": "asc"}).content.decode()
    table = page.split('data-table="departments"')[1]
    assert table.index(world.urban.name) < table.index(world.police.name)


def test_dashboard_query_count_does_not_grow_with_cases(client, world, file_case):
    client.force_login(world.lee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("insights:dashboard"), {"period": "year"}).status_code == 200
        return len(queries)

    first_case = file_case()
    services.case_dispatch(case=first_case, actor=world.dan, department=world.police)
    few = count()
    for point in (world.point_a, world.point_b, world.point_c) * 4:
        case = file_case(point=point, actor={world.point_a: world.alice, world.point_b: world.bob,
                                             world.point_c: world.carol}[point])
        services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    assert count() == few


def test_api_summary_takes_an_area_in_scope_only(world, handled):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.tom)
    body = api.get("/api/insights/summary/", {"period": "month"}).json()
    assert body["area"] == world.t1.pk and body["kpis"]["accepted"] == 2
    assert api.get("/api/insights/summary/", {"area": world.t2.pk}).status_code == 404
    assert api.get("/api/insights/summary/", {"period": "soon"}).status_code == 400
