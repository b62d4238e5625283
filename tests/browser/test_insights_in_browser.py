"""The leader in a real browser (Debian's Chromium): dashboard with tiles, trend chart and
grid map; drill-down from the county to a township (table) and to a grid (map click), the
period kept; the Excel export downloads and opens; the monthly report prints without the
navigation; another county's grid typed into the URL is a 404."""
import io
import re

import pytest
from openpyxl import load_workbook

from apps.cases import services

from .conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE, assert_fits_the_screen, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True),
]


def value(page, key):
    return page.locator(f'[data-kpi="{key}"] .value').inner_text().strip()


def make_cases(world):
    def file(actor, point):
        return services.case_create(actor=actor, category=world.category, description="路口占道经营",
                                    latitude=point[0], longitude=point[1])

    closed = file(world.alice, world.point_a)
    services.case_dispatch(case=closed, actor=world.dan, department=world.urban)
    services.case_resolve(case=closed, actor=world.deb, note="已清理")
    services.case_close(case=closed, actor=world.dan)
    services.case_rate(case=closed, satisfaction="satisfied", source="resident")
    opened = file(world.bob, world.point_b)
    services.case_dispatch(case=opened, actor=world.dan, department=world.police)
    other = file(world.carol, world.point_c)
    services.case_accept(case=other, actor=world.tina)


def test_leader_drills_down_maps_exports_and_prints(world, device, screenshot, live_server):
    make_cases(world)
    page = device(DESKTOP)
    log_in(page, "lee")
    page.goto("/insights/?period=year")
    page.wait_for_selector("#trend[data-ready='1']")
    page.wait_for_selector("#grid-map[data-ready='1']")
    assert value(page, "accepted") == "3"
    assert value(page, "completion") == "33.3%"
    assert value(page, "satisfaction") == "100.0%"
    assert page.locator("#trend svg").count() == 1  # ECharts drew the trend
    assert page.locator("#grid-map .leaflet-overlay-pane path").count() == 3  # the three grids, no tiles
    assert page.locator("#grid-map .leaflet-tile").count() == 0
    assert page.locator('[data-kpi="on_time"]').get_attribute("title")  # the formula as a tooltip
    assert page.locator("#def-completion").is_visible()
    screenshot(page, "county")

    # Drill down to township T1 from the table: the period stays.
    page.locator(f'a[data-drill="{world.t1.pk}"]').click()
    page.wait_for_url(re.compile(rf"area={world.t1.pk}&period=year"))
    page.wait_for_selector("#grid-map[data-ready='1']")
    assert value(page, "accepted") == "2"
    assert page.locator("#grid-map .leaflet-overlay-pane path").count() == 2
    assert world.t1.name in page.locator(".crumbs").inner_text()
    screenshot(page, "township")

    # Drill to a grid by clicking it on the map.
    page.locator("#grid-map .leaflet-overlay-pane path").first.click(force=True)
    page.wait_for_url(re.compile(r"period=year&area=\d+"))
    area_id = int(re.search(r"area=(\d+)", page.url)[1])
    assert area_id in (world.grid_a.pk, world.grid_b.pk)
    assert value(page, "accepted") == "1"
    screenshot(page, "grid")

    # Excel export of every table.
    page.goto(f"/insights/?period=year&area={world.county.pk}")
    with page.expect_download() as download:
        page.locator('[data-export="xlsx"]').click()
    path = download.value.path()
    book = load_workbook(io.BytesIO(open(path, "rb").read()))
    assert len(book.sheetnames) == 6
    rows = {r[0]: r for r in book.worksheets[1].iter_rows(min_row=3, values_only=True)}
    assert rows[world.t1.name][1] == 2 and rows[world.t2.name][1] == 1

    # The monthly report prints without navigation.
    page.locator("[data-report]").click()
    page.wait_for_selector(".monthly-report")
    page.emulate_media(media="print")
    assert not page.locator("body > header").is_visible()
    assert not page.locator(".actions").first.is_visible()
    assert page.locator('[data-kpi="accepted"] .value').first.inner_text().strip() in ("1", "2", "3", "0")
    screenshot(page, "report-print")
    page.emulate_media(media="screen")

    # Another county's grid typed into the URL: not reachable.
    response = page.goto(f"/insights/?area={world.grid_z.pk}&period=year")
    assert response.status == 404
    response = page.goto(f"/insights/data.json?area={world.grid_z.pk}")
    assert response.status == 404


def test_township_dispatcher_cannot_drill_sideways_or_up_and_the_phone_view_fits(world, device, screenshot):
    make_cases(world)
    page = device(PHONE)
    log_in(page, "tina")
    page.goto("/insights/?period=year")
    page.wait_for_selector("#grid-map[data-ready='1']")
    assert value(page, "accepted") == "1"
    assert page.locator("#grid-map .leaflet-overlay-pane path").count() == 1
    assert_fits_the_screen(page)
    screenshot(page, "phone")
    for area in (world.county, world.t1, world.grid_a):
        assert page.goto(f"/insights/?area={area.pk}&period=year").status == 404
        assert page.goto(f"/insights/export.xlsx?area={area.pk}").status == 404
