"""The thin slice, in a real browser: a grid worker files a case on a phone (photo, GPS), a
dispatcher dispatches it, the department marks it handled, the dispatcher closes it, and the
leader's figures move. Every step goes through the pages a person uses, in Chinese."""
import re

import pytest

from apps.cases.models import Case
from apps.cases.workflow import Status
from tests.images import jpeg_bytes

from .conftest import CHROMIUM, DESKTOP, NO_CHROMIUM, PHONE, assert_fits_the_screen, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True),
]


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


def test_a_case_goes_from_a_phone_in_the_grid_to_the_leaders_figures(device, world, file_case, screenshot):
    # An earlier case, accepted but still open, so the leader's figures have something to move from.
    from apps.cases.services import case_act

    earlier = file_case(description="小区门口垃圾堆放")
    case_act(case=earlier, actor=world.dan, action="accept")

    leader = device(PHONE)
    log_in(leader, "lee")
    assert kpis(leader) == {"accepted": "1", "closed": "0", "completion": "0.0%"}

    # 1. The grid worker, on a phone standing in grid A, files a case with a photo and GPS.
    phone = device(PHONE, geolocation=world.point_a)
    log_in(phone, "alice")
    phone.get_by_role("link", name="上报事件").click()
    phone.wait_for_url("**/cases/new/")
    assert_fits_the_screen(phone)
    phone.select_option("select[name=category]", str(world.category.pk))
    phone.fill("textarea[name=description]", "人民路菜市场门口摊贩占道经营，影响通行")
    phone.fill("input[name=address]", "人民路12号")
    phone.set_input_files("input[name=photos]", files=[
        {"name": "摊位.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(size=(640, 480), exif_gps=True)}])
    phone.get_by_role("button", name="使用当前位置").click()
    lat, lng = world.point_a
    phone.wait_for_function(f"document.getElementById('id_latitude').value === '{lat:.6f}'")
    assert phone.input_value("#id_longitude") == f"{lng:.6f}"
    screenshot(phone, "gridworker-filing")
    phone.locator("#case-form button[type=submit]").click()
    phone.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert_fits_the_screen(phone)
    number = phone.locator("[data-testid=case-number]").inner_text()
    assert number in phone.locator(".message.success").inner_text()
    assert phone.locator("[data-testid=case-status]").inner_text() == "已上报"
    assert "东风社区第1网格" in phone.locator("main").inner_text()  # the GPS point found its grid
    # The photo is served and decodes (a broken image has naturalWidth 0).
    phone.wait_for_function("(() => { const i = document.querySelector('.photos img');"
                            " return i && i.complete && i.naturalWidth > 0; })()")
    screenshot(phone, "gridworker-filed")
    case = Case.objects.get(number=number)
    assert case.area == world.grid_a and case.photos.count() == 1

    # 2. The county dispatcher finds it in the queue and dispatches it to 城管.
    desk = device(DESKTOP)
    log_in(desk, "dan")
    desk.get_by_role("link", name="调度队列").click()
    row = desk.locator(f'tr[data-case="{number}"]')
    assert row.locator(".status-badge").inner_text() == "已上报"
    screenshot(desk, "dispatcher-queue")
    row.get_by_role("link", name=number).click()
    desk.wait_for_url(f"**/cases/{case.pk}/")
    screenshot(desk, "dispatcher-case")
    act(desk, case.pk, "dispatch", department=world.urban)
    assert desk.locator(".message.success").inner_text() == "已完成：派遣。"
    assert kpis(leader) == {"accepted": "2", "closed": "0", "completion": "0.0%"}

    # 3. The 城管 official, on a phone, finds the ticket and marks it handled.
    dept = device(PHONE)
    log_in(dept, "deb")
    dept.get_by_role("link", name="我的工单").click()
    dept.locator(f'tr[data-case="{number}"]').get_by_role("link", name=number).click()
    dept.wait_for_url(f"**/cases/{case.pk}/")
    assert_fits_the_screen(dept)
    screenshot(dept, "department-ticket")
    act(dept, case.pk, "resolve", note="已劝离摊贩，恢复通行")

    # 4. The dispatcher sees it back in the queue and closes it.
    desk.goto("/dispatch/queue/")
    assert desk.locator(f'tr[data-case="{number}"] .status-badge').inner_text() == "已处置"
    act(desk, case.pk, "close")
    desk.goto(f"/cases/{case.pk}/")
    assert desk.locator("[data-testid=case-status]").inner_text() == "已办结"
    timeline = desk.locator("[data-testid=timeline] li")
    assert timeline.count() == 4  # filed, dispatched, handled, closed: one immutable event each
    assert "已处置 → 已办结" in timeline.nth(3).inner_text()
    screenshot(desk, "dispatcher-closed")

    # 5. The leader's figures moved: one more accepted, one closed, the rate from 0% to 50%.
    assert kpis(leader) == {"accepted": "2", "closed": "1", "completion": "50.0%"}
    assert_fits_the_screen(leader)
    screenshot(leader, "leader-dashboard")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.events.count() == 4


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
    response_status = []
    phone.on("response", lambda r: response_status.append(r.status) if r.request.method == "POST" else None)
    phone.locator("#case-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert response_status == [400]
    errors = phone.locator("[role=alert]").all_inner_texts()
    assert errors, phone.locator("main").inner_text()[:500]
    assert_fits_the_screen(phone)
    screenshot(phone, "gridworker-bad-input")
    assert Case.objects.count() == 0
