"""List pages and the list API: filterable (django-filter), paginated, scoped, and a
constant number of queries whatever the page size (pinned here)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cases import services
from apps.cases.models import Case
from apps.cases.workflow import Status


@pytest.fixture
def many_cases(world, file_case):
    cases = [file_case(description=f"第{i}号占道") for i in range(24)]
    services.case_dispatch(case=cases[0], actor=world.dan, department=world.urban)
    return cases


def count_queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# (url name, persona): every list page a persona uses.
LIST_PAGES = [("cases:list", "dan"), ("cases:list", "alice"), ("cases:mine", "alice"), ("cases:to-verify", "alice")]


@pytest.mark.parametrize("name, who", LIST_PAGES)
def test_list_pages_run_the_same_queries_for_10_or_50_rows(client, world, many_cases, name, who):
    client.force_login(getattr(world, who))
    url = reverse(name)
    small, page = count_queries(lambda: client.get(url, {"per_page": 10}))
    large, _ = count_queries(lambda: client.get(url, {"per_page": 50}))
    assert small == large, (small, large)


def test_case_list_page_query_count_is_pinned(client, world, many_cases, django_assert_num_queries):
    client.force_login(world.dan)
    # session, user, user's area (scope), count, the page of cases joined with category, grid
    # and unit, then the session re-saved (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release)
    with django_assert_num_queries(8):
        response = client.get(reverse("cases:list"), {"per_page": 10})
    assert response.content.decode().count("data-case=") == 10
    with django_assert_num_queries(8):
        response = client.get(reverse("cases:list"), {"per_page": 50})
    assert response.content.decode().count("data-case=") == 24


def test_api_list_query_count_is_pinned(world, many_cases, django_assert_num_queries):
    api = APIClient()
    api.force_authenticate(world.dan)
    # count, the page joined with category, grid and unit (the user comes authenticated)
    with django_assert_num_queries(2):
        small = api.get("/api/cases/", {"page_size": 5})
    with django_assert_num_queries(2):
        large = api.get("/api/cases/", {"page_size": 100})
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 24
    assert large.json()["count"] == 24


def test_detail_queries_do_not_grow_with_the_timeline(client, world, file_case):
    client.force_login(world.dan)
    short = file_case()
    long = file_case()
    services.case_dispatch(case=long, actor=world.dan, department=world.urban)
    services.case_request_extension(case=long, actor=world.deb, hours=4, note="需要材料")
    services.case_grant_extension(case=long, actor=world.dan)
    services.case_resolve(case=long, actor=world.deb, note="好了")
    a, _ = count_queries(lambda: client.get(reverse("cases:detail", args=[short.pk])))
    b, _ = count_queries(lambda: client.get(reverse("cases:detail", args=[long.pk])))
    assert b - a <= 1, (a, b)  # the resolved case offers other actions; timeline rows are prefetched


def test_pages_filter_by_status_search_category_and_channel(client, world, many_cases):
    client.force_login(world.dan)
    dispatched = many_cases[0]

    def numbers(**params):
        page = client.get(reverse("cases:list"), {"per_page": 100, **params}).content.decode()
        return {c.number for c in Case.objects.all() if f'data-case="{c.number}"' in page}

    assert numbers(status="dispatched") == {dispatched.number}
    assert numbers(q=dispatched.number) == {dispatched.number}
    assert len(numbers(category="02")) == 24 and numbers(category="03") == set()
    assert numbers(channel="hotline") == set()
    assert len(numbers(status="bogus")) == 24  # an invalid filter value is ignored, not a 500
    assert len(numbers(per_page="many")) == 20  # falls back to the default page size


def test_api_filters(world, many_cases):
    api = APIClient()
    api.force_authenticate(world.dan)
    assert api.get("/api/cases/", {"status": "dispatched"}).json()["count"] == 1
    assert api.get("/api/cases/", {"open": "true"}).json()["count"] == 24
    assert api.get("/api/cases/", {"q": many_cases[3].number}).json()["count"] == 1
    assert api.get("/api/cases/", {"status": "bogus"}).status_code == 400


def test_pages_paginate(client, world, many_cases):
    client.force_login(world.dan)
    second = client.get(reverse("cases:list"), {"per_page": 10, "page": 3}).content.decode()
    assert second.count("data-case=") == 4


def test_lists_are_scoped_to_the_user(client, world, many_cases, file_case):
    theirs = file_case(actor=world.carol, point=world.point_c)
    client.force_login(world.tom)
    page = client.get(reverse("cases:list"), {"per_page": 100}).content.decode()
    assert theirs.number not in page and many_cases[5].number in page
    client.force_login(world.tina)
    page = client.get(reverse("cases:list"), {"per_page": 100}).content.decode()
    assert theirs.number in page and many_cases[5].number not in page


def test_to_verify_lists_resolved_cases_in_my_grid_and_i_verify_one(client, world, file_case):
    mine = file_case()
    services.case_dispatch(case=mine, actor=world.dan, department=world.urban)
    services.case_resolve(case=mine, actor=world.deb, note="已清理")
    elsewhere = file_case(actor=world.bob, point=world.point_b)
    services.case_dispatch(case=elsewhere, actor=world.dan, department=world.urban)
    services.case_resolve(case=elsewhere, actor=world.deb, note="已清理")
    client.force_login(world.alice)
    page = client.get(reverse("cases:to-verify")).content.decode()
    assert mine.number in page and elsewhere.number not in page
    r = client.post(reverse("cases:act", args=[mine.pk, "verify"]), {"note": "现场已无摊位"})
    assert r.status_code == 302
    assert Case.objects.get(pk=mine.pk).status == Status.VERIFIED
    assert mine.number not in client.get(reverse("cases:to-verify")).content.decode()


def test_to_verify_is_for_people_on_the_ground(client, world):
    client.force_login(world.deb)
    assert client.get(reverse("cases:to-verify")).status_code == 404
