"""The language switch, tapped on a phone: Chinese by default, English after one tap, and back."""
import pytest

from .conftest import CHROMIUM, NO_CHROMIUM, PHONE, assert_fits_the_screen, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM),
    pytest.mark.django_db(transaction=True),
]


def test_the_language_switch_works_on_a_phone_and_keeps_the_page(device, world, file_case, screenshot):
    file_case()  # a row in the queue, so a too-wide table would show
    phone = device(PHONE)
    log_in(phone, "dan")
    phone.goto("/dispatch/queue/?page=1")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    assert phone.locator("h1").inner_text() == "待派遣事件"
    switch = phone.get_by_test_id("language-en")
    assert switch.is_visible() and switch.inner_text() == "English"
    box = switch.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # on screen, not pushed off the side
    assert box["height"] >= 24  # big enough to hit with a thumb
    assert_fits_the_screen(phone)
    screenshot(phone, "queue-chinese")

    switch.tap()
    phone.wait_for_function("document.documentElement.lang === 'en'")
    assert phone.url.endswith("/dispatch/queue/?page=1")  # same page, now in English
    assert phone.locator("h1").inner_text() == "Dispatch queue"
    assert phone.get_by_role("link", name="Queue").is_visible()
    assert_fits_the_screen(phone)
    screenshot(phone, "queue-english")

    # It sticks: another page is English too, until switched back.
    phone.goto("/cases/")
    assert phone.locator("h1").inner_text() == "Cases"
    phone.get_by_test_id("language-zh-hans").tap()
    phone.wait_for_function("document.documentElement.lang === 'zh-hans'")
    assert phone.locator("h1").inner_text() == "事件列表"


def test_an_anonymous_visitor_can_switch_the_login_page(device, screenshot, db):
    phone = device(PHONE)
    phone.goto("/accounts/login/")
    assert phone.locator("h1").inner_text() == "登录"
    screenshot(phone, "login-chinese")
    phone.get_by_test_id("language-en").tap()
    phone.wait_for_function("document.documentElement.lang === 'en'")
    assert phone.locator("h1").inner_text() == "Log in"
    assert_fits_the_screen(phone)
