"""Duplicates (重复件): open cases of the same category within 100 m filed in the last 7 days
are suggested when filing and in triage; a merge rejects the duplicate, points it at the
original and tells its reporter."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.cases import services
from apps.cases.selectors import duplicate_candidates
from apps.cases.workflow import Status
from tests.factories import CategoryFactory

NEAR = (31.6009, 117.8005)  # 44 m north of point_a, grid A
FAR = (31.6005, 117.8019)  # 132 m east of point_a, grid B


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_suggests_open_cases_of_the_category_within_100_m_of_the_last_week(world, file_case):
    near = file_case()
    old = file_case(now=timezone.now() - timedelta(days=8))
    far = file_case(point=FAR)
    other_category = file_case(category=CategoryFactory(code="0299", name="其他", parent=world.parent_category))
    closed = file_case()
    services.case_resolve_on_spot(case=closed, actor=world.alice, photos=[_photo()])
    services.case_close(case=closed, actor=world.dan)
    found = duplicate_candidates(user=world.dan, category=world.category, latitude=NEAR[0], longitude=NEAR[1])
    assert [c.pk for c in found] == [near.pk]
    assert 40 <= found[0].distance_m <= 50
    assert old and far and other_category  # filed, but not suggested


def test_suggestions_are_scoped_to_what_the_user_may_see(world, file_case):
    file_case()
    assert duplicate_candidates(user=world.tina, category=world.category, latitude=NEAR[0], longitude=NEAR[1]) == []


def test_filing_through_the_api_returns_possible_duplicates(world, file_case):
    first = file_case()
    response = api(world.bob).post("/api/cases/", {
        "category": "0201", "description": "同一处摊贩", "latitude": NEAR[0], "longitude": NEAR[1]}, format="json")
    assert response.status_code == 201, response.content
    # bob sees only grid B and his own cases: alice's case in grid A is not his to see.
    assert response.json()["possible_duplicates"] == []
    bobs = response.json()["number"]
    response = api(world.alice).post("/api/cases/", {
        "category": "0201", "description": "同一处摊贩", "latitude": NEAR[0], "longitude": NEAR[1]}, format="json")
    # Nearest first: bob's at the same spot (in alice's grid), then her own 44 m away.
    assert [d["number"] for d in response.json()["possible_duplicates"]] == [bobs, first.number]


def test_duplicate_endpoint_and_filing_page_hint(client, world, file_case):
    first = file_case()
    r = api(world.dan).get("/api/cases/duplicates/", {"category": "0201", "latitude": NEAR[0],
                                                       "longitude": NEAR[1]})
    assert r.status_code == 200 and [d["number"] for d in r.json()] == [first.number]
    assert api(world.dan).get("/api/cases/duplicates/", {"category": "0201", "latitude": 91,
                                                          "longitude": 0}).status_code == 400
    client.force_login(world.alice)
    hint = client.get(reverse("cases:duplicates"), {"category": world.category.pk, "latitude": NEAR[0],
                                                    "longitude": NEAR[1]})
    assert first.number in hint.content.decode()
    assert client.get(reverse("cases:duplicates"), {"latitude": "nan"}).status_code == 200
    form = client.get(reverse("cases:create")).content.decode()
    assert 'id="duplicate-hints"' in form and reverse("cases:duplicates") in form


def test_triage_page_offers_the_duplicates_to_merge(client, world, file_case):
    first = file_case()
    second = file_case(point=NEAR)
    client.force_login(world.tom)
    page = client.get(reverse("cases:detail", args=[second.pk])).content.decode()
    assert f'data-duplicate="{first.number}"' in page and 'list="duplicate-hints"' in page


def test_merge_through_the_page_rejects_the_duplicate_and_points_to_the_original(client, world, file_case):
    first = file_case()
    second = file_case(point=NEAR)
    client.force_login(world.tom)
    r = client.post(reverse("cases:act", args=[second.pk, "merge"]), {"original": first.number})
    assert r.status_code == 302
    second.refresh_from_db()
    assert second.status == Status.REJECTED and second.merged_into == first
    event = second.events.last()
    assert event.action == "merge" and first.number in event.note
    first.refresh_from_db()
    assert first.status == Status.REPORTED  # the original goes on


def test_merge_into_itself_or_a_closed_case_is_refused(world, file_case):
    import pytest

    from apps.core.exceptions import InvalidInput

    first = file_case()
    with pytest.raises(InvalidInput):
        services.case_merge(case=first, actor=world.dan, original=first)
    assert first.events.count() == 1


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.images import jpeg_bytes

    return SimpleUploadedFile("after.jpg", jpeg_bytes())
