"""Playwright on Debian's Chromium (never `playwright install`: the machine can't download browsers).

Each persona gets their own browser context (their own device and session); the grid worker
and the department official work on a phone-size screen. Screenshots go to var/screenshots/
(not committed) so a person can look at what the test saw.
"""
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "step") → var/screenshots/<module>-<test's first words>-NN-step.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_").removesuffix("_in_browser")
    words = request.node.name.removeprefix("test_").split("_")[:3]
    test = f"{module}-{'_'.join(words)}"
    counter = iter(range(1, 100))

    def take(page, step):
        path = SCREENSHOTS / f"{test}-{next(counter):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's outcome so `device` can photograph every open page when a test fails."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def device(chromium, live_server, request):
    """device(PHONE or DESKTOP, geolocation=(lat, lng)) → a page in a fresh context (a person's own
    phone or PC), in Chinese like the staff's browsers. Closed after the test."""
    contexts = []

    def open_device(kind=DESKTOP, geolocation=None, locale="zh-CN"):
        options = dict(kind, locale=locale, timezone_id="Asia/Shanghai", base_url=live_server.url)
        if geolocation:
            options.update(geolocation={"latitude": geolocation[0], "longitude": geolocation[1]},
                           permissions=["geolocation"])
        context = chromium.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_device
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for n, context in enumerate(contexts, 1):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for m, page in enumerate(context.pages, 1):
                page.screenshot(path=str(SCREENSHOTS / f"FAILED-{request.node.name}-{n}{m}.png"), full_page=True)
        context.close()


def log_in(page, username, password=PASSWORD):
    """Through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def assert_fits_the_screen(page):
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"
