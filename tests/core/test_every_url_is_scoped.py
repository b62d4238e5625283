"""Every URL the project serves is either on the public list below, or refuses a visitor
without an account and hides other people's objects. A new view that forgets to scope
fails here rather than leaking."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

PUBLIC = {
    "healthz", "login", "logout", "set_language", "api-token", "api-schema", "api-docs", "api-redoc", "home",
    # Residents have no account: they look their case up by number + access code (nothing
    # without both; rate-limited), see no personal data. Proven in tests/cases/test_resident_page.py.
    "cases:track", "cases:track-rate",
    # The lists in force (清单) are public by design: residents and cadres read them without an
    # account; they hold no personal data. Proven in tests/inventories/test_pages.py.
    "lists:index", "lists:detail", "api-lists", "api-list-detail",
}
# Third-party URL sets with their own protection (Django admin: staff only).
SKIP_PREFIXES = ("admin/",)


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            namespace = f"{p.namespace}:" if p.namespace else ""
            for name, route in all_patterns(p, prefix + str(p.pattern)):
                yield (namespace + name if name else None), route
        elif isinstance(p, URLPattern):
            yield p.name, prefix + str(p.pattern)


def fill(route, values):
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


@pytest.fixture
def objects(world, file_case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.images import jpeg_bytes

    case = file_case(photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())])
    return {"pk": case.pk, "photo_pk": case.photos.get().pk, "size": "thumb", "action": "accept"}


def project_routes():
    for name, route in all_patterns():
        if route.startswith(SKIP_PREFIXES) or name in PUBLIC or "format" in route:
            continue
        yield name, route


def test_the_route_list_is_not_empty():
    names = {name for name, _route in project_routes()}
    assert {"cases:detail", "cases:photo", "dispatch:queue", "api-case-detail", "api-case-action",
            "cases:reveal", "cases:callback", "cases:to-verify", "cases:duplicates", "api-case-reveal",
            "api-case-rating", "api-case-duplicates"} <= names


def test_anonymous_visitor_is_refused_everywhere_but_public_pages(client, objects):
    for name, route in project_routes():
        url = fill(route, objects)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (302, 401, 403, 404, 405), (name, method, response.status_code)
            if response.status_code == 302:
                assert reverse("login") in response["Location"], name


def test_out_of_scope_user_sees_nothing_of_another_townships_case(client, world, objects):
    """tina dispatches for township T2; the case is in T1."""
    client.force_login(world.tina)
    api = APIClient()
    api.force_authenticate(world.tina)
    for name, route in project_routes():
        url = fill(route, objects)
        if "<" not in route:
            continue  # list pages: scoping of their contents is tested per page
        for method in ("get", "post"):
            c = api if route.startswith("api/") else client
            response = getattr(c, method)(url)
            assert response.status_code in (404, 405), (name, method, response.status_code)
