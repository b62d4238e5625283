"""The thin slice, in a real browser: a grid worker files a case on a phone (photo, GPS), a
dispatcher dispatches it, the department marks it handled, the dispatcher closes it, and the
leader's figures move. Every step goes through the pages a person uses, in Chinese.

Run twice: with the shared `world` personas (exact figures), and with the demo county's own
personas (gridworker, dispatcher, department, leader) on a freshly seeded county."""
import re
from dataclasses import dataclass

import pytest

from apps.cases.models import Case
from apps.cases.workflow import Status
from tests.factories import PASSWORD
from tests.images import jpeg_bytes

from .conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE, assert_fits_the_screen, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Cast:
    """Who plays each part, and where the grid worker stands."""
    worker: str
    dispatcher: str
    official: str
    leader: str
    password: str
    point: tuple  # (lat, lng) inside the worker's grid
    grid_name: str
    category: object
    department: object


def kpis(page):
    """The leader's three figures as shown: {'accepted': '2', 'closed': '1', 'completion': '50.0%'}."""
    page.goto("/insights/")
    return {key: page.locator(f'[data-kpi="{key}"] .value').inner_text().strip()
            for key in ("accepted", "closed", "completion")}


def act(page, case_pk, action, note=None, department=None):
    """Open the case and press an action button, as its page offers it."""
    page.goto(f"/cases/{case_pk}/")
    form = page.locator(f"form:has(button[data-action={action}])")
    if department is not None:
        form.locator("select[name=department]").select_option(str(department.pk))
    if note is not None:
        form.locator("input[name=note]").fill(note)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state()
    assert page.locator(".message.success").count() == 1, page.locator("main").inner_text()[:500]


def walk_the_slice(device, screenshot, cast):
    """Drive the slice; return the leader's figures before, after dispatch and after closing."""
    leader = device(PHONE)
    log_in(leader, cast.leader, cast.password)
    figures = {"before": kpis(leader)}

    # 1. The grid worker, on a phone standing in the grid, files a case with a photo and GPS.
    phone = device(PHONE, geolocation=cast.point)
    log_in(phone, cast.worker, cast.password)
    phone.get_by_role("link", name="上报事件").click()
    phone.wait_for_url("**/cases/new/")
    assert_fits_the_screen(phone)
    phone.select_option("select[name=category]", str(cast.category.pk))
    phone.fill("textarea[name=description]", "人民路菜市场门口摊贩占道经营，影响通行")
    phone.fill("input[name=address]", "人民路12号")
    phone.set_input_files("input[name=photos]", files=[
        {"name": "摊位.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(640, 480), exif_gps=True)}])
    phone.get_by_role("button", name="使用当前位置").click()
    lat, lng = cast.point
    phone.wait_for_function(f"document.getElementById('id_latitude').value === '{lat:.6f}'")
    assert phone.input_value("#id_longitude") == f"{lng:.6f}"
    screenshot(phone, "gridworker-filing")
    phone.locator("#case-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert_fits_the_screen(phone)
    number = phone.locator("[data-testid=case-number]").inner_text()
    assert number in phone.locator(".message.success").inner_text()
    assert phone.locator("[data-testid=case-status]").inner_text() == "已上报"
    assert cast.grid_name in phone.locator("main").inner_text()  # the GPS point found its grid
    # The photo is served and decodes (a broken image has naturalWidth 0).
    phone.wait_for_function("(() => { const i = document.querySelector('.photos img');"
                            " return i && i.complete && i.naturalWidth > 0; })()")
    screenshot(phone, "gridworker-filed")
    case = Case.objects.get(number=number)
    assert case.area.name == cast.grid_name and case.photos.count() == 1

    # 2. The dispatcher finds it in the queue and dispatches it to the department.
    desk = device(DESKTOP)
    log_in(desk, cast.dispatcher, cast.password)
    desk.get_by_role("link", name="调度队列").click()
    desk.wait_for_url("**/dispatch/queue/**")
    row = desk.locator(f'tr[data-case="{number}"]')
    if not row.count():  # a seeded queue is long: the newest case may be on a later page
        desk.goto(f"/cases/?q={number}")
        row = desk.locator(f'tr[data-case="{number}"]')
    assert row.locator(".status-badge").inner_text() == "已上报"
    screenshot(desk, "dispatcher-queue")
    row.get_by_role("link", name=number).click()
    desk.wait_for_url(f"**/cases/{case.pk}/")
    screenshot(desk, "dispatcher-case")
    act(desk, case.pk, "dispatch", department=cast.department)
    assert desk.locator(".message.success").inner_text() == "已完成：派遣。"
    figures["dispatched"] = kpis(leader)

    # 3. The department official, on a phone, finds the ticket and marks it handled.
    dept = device(PHONE)
    log_in(dept, cast.official, cast.password)
    dept.get_by_role("link", name="我的工单").click()
    dept.wait_for_url("**/dispatch/tickets/**")
    dept.locator(f'tr[data-case="{number}"]').get_by_role("link", name=number).click()
    dept.wait_for_load_state()
    assert_fits_the_screen(dept)
    screenshot(dept, "department-ticket")
    if "/cases/" in dept.url:  # the list opens the case page: its action buttons
        act(dept, case.pk, "resolve", note="已劝离摊贩，恢复通行")
    else:  # the list opens the ticket page: 签收, then submit the result with a photo
        dept.get_by_role("button", name="签收").click()
        dept.wait_for_load_state()
        dept.locator("details:has(form[action$='/result/']) summary").click()
        result = dept.locator("form[action$='/result/']")
        result.locator("textarea[name=note]").fill("已劝离摊贩，恢复通行")
        result.locator("input[name=photos]").set_input_files(files=[
            {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(640, 480), color=(30, 160, 60))}])
        screenshot(dept, "department-result")
        result.locator("button[type=submit]").click()
        dept.wait_for_load_state()
        assert dept.locator(".message.success").count() == 1, dept.locator("main").inner_text()[:500]
    case.refresh_from_db()
    assert case.status == Status.RESOLVED

    # 4. The dispatcher closes it.
    act(desk, case.pk, "close")
    desk.goto(f"/cases/{case.pk}/")
    assert desk.locator("[data-testid=case-status]").inner_text() == "已办结"
    # One immutable event per step: filed, dispatched, (signed for,) handled, closed.
    timeline = desk.locator("[data-testid=timeline] > li")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.events.count() in (4, 5)
    assert timeline.count() == case.events.count()
    assert "已处置 → 已办结" in timeline.last.inner_text()
    screenshot(desk, "dispatcher-closed")

    # 5. The leader looks again.
    figures["closed"] = kpis(leader)
    assert_fits_the_screen(leader)
    screenshot(leader, "leader-dashboard")
    return figures


def test_a_case_goes_from_a_phone_in_the_grid_to_the_leaders_figures(device, world, file_case, screenshot):
    # An earlier case, accepted but still open, so the leader's figures have something to move from.
    from apps.cases.services import case_act

    earlier = file_case(description="小区门口垃圾堆放")
    case_act(case=earlier, actor=world.dan, action="accept")
    cast = Cast(worker="alice", dispatcher="dan", official="deb", leader="lee", password=PASSWORD,
                point=world.point_a, grid_name=world.grid_a.name, category=world.category, department=world.urban)

    figures = walk_the_slice(device, screenshot, cast)

    assert figures == {
        "before": {"accepted": "1", "closed": "0", "completion": "0.0%"},
        "dispatched": {"accepted": "2", "closed": "0", "completion": "0.0%"},  # dispatching accepts it
        "closed": {"accepted": "2", "closed": "1", "completion": "50.0%"},
    }


def test_the_demo_personas_walk_the_slice_on_the_seeded_county(device, screenshot):
    from shapely.geometry import shape

    from apps.accounts.models import User
    from apps.cases.selectors import leaf_categories
    from apps.core.demo.build import build

    password = "demo-browser-pass-2026"
    build(password=password, cases=30)
    worker = User.objects.get(username="gridworker")
    official = User.objects.get(username="department")
    inside = shape(worker.area.boundary).representative_point()
    cast = Cast(worker="gridworker", dispatcher="dispatcher", official="department", leader="leader",
                password=password, point=(round(inside.y, 6), round(inside.x, 6)), grid_name=worker.area.name,
                category=leaf_categories().first(), department=official.department)

    figures = walk_the_slice(device, screenshot, cast)

    before, after = ({k: v for k, v in figures[when].items()} for when in ("before", "closed"))
    assert int(after["accepted"]) == int(before["accepted"]) + 1
    assert int(after["closed"]) == int(before["closed"]) + 1
    rate = int(after["closed"]) / int(after["accepted"])
    assert after["completion"] == f"{rate * 100:.1f}%"


def test_a_dispatcher_of_another_township_gets_a_plain_not_found(device, world, file_case, screenshot):
    case = file_case()
    page = device(PHONE)
    log_in(page, "tina")
    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert case.number not in page.content()
    assert_fits_the_screen(page)
    screenshot(page, "outsider-404")


def test_bad_input_on_the_phone_shows_a_clear_message_and_files_nothing(device, world, screenshot):
    phone = device(PHONE, geolocation=world.point_z)  # standing in another county
    log_in(phone, "alice")
    phone.goto("/cases/new/")
    phone.select_option("select[name=category]", str(world.category.pk))
    phone.fill("textarea[name=description]", "测试")
    phone.set_input_files("input[name=photos]", files=[
        {"name": "notes.txt", "mimeType": "image/jpeg", "buffer": b"not a photo at all"}])
    phone.get_by_role("button", name="使用当前位置").click()
    phone.wait_for_function("document.getElementById('id_latitude').value !== ''")
    posted = []
    phone.on("response", lambda r: posted.append(r.status) if r.request.method == "POST" else None)
    phone.locator("#case-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert posted == [400]
    errors = phone.locator("[role=alert]").all_inner_texts()
    assert errors, phone.locator("main").inner_text()[:500]
    assert_fits_the_screen(phone)
    screenshot(phone, "gridworker-bad-input")
    assert Case.objects.count() == 0
