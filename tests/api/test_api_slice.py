"""The same slice through the API with token auth, and the schema and docs."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.images import jpeg_bytes


def token_client(user):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_slice_through_the_api(world):
    alice, dan, deb, lee = (token_client(u) for u in (world.alice, world.dan, world.deb, world.lee))
    before = lee.get("/api/insights/summary/?period=month").json()["kpis"]
    lat, lng = world.point_a
    from django.core.files.uploadedfile import SimpleUploadedFile

    created = alice.post("/api/cases/", {
        "category": "0201", "description": "占道经营", "latitude": lat, "longitude": lng,
        "photos": [SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")],
    }, format="multipart")
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["grid"] == "东风社区第1网格" and case["status"] == "reported"
    assert len(case["photos"]) == 1 and case["allowed_actions"] == ["resolve_on_spot"]  # not dispatch
    detail = dan.get(f"/api/cases/{case['id']}/").json()
    assert "dispatch" in detail["allowed_actions"]
    r = dan.post(f"/api/cases/{case['id']}/actions/dispatch/", {"department": world.urban.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    assert deb.get("/api/cases/").json()["count"] == 1
    r = deb.post(f"/api/cases/{case['id']}/actions/resolve/", {"note": "已清理"}, format="json")
    assert r.json()["status"] == "resolved"
    r = dan.post(f"/api/cases/{case['id']}/actions/close/", {}, format="json")
    body = r.json()
    assert body["status"] == "closed"
    assert [e["to_status"] for e in body["events"]] == ["reported", "dispatched", "resolved", "closed"]
    after = lee.get("/api/insights/summary/?period=month").json()["kpis"]
    assert after["accepted"] == before["accepted"] + 1
    assert after["closed"] == before["closed"] + 1
    assert after["completion"] == 1.0


def test_conflicting_action_is_409_and_role_not_allowed_is_403(world, file_case):
    case = file_case()
    dan, lee = token_client(world.dan), token_client(world.lee)
    assert dan.post(f"/api/cases/{case.pk}/actions/close/", {}, format="json").status_code == 409
    r = lee.post(f"/api/cases/{case.pk}/actions/accept/", {}, format="json")
    assert r.status_code == 403 and r.json()["code"] == "role_not_allowed"
    assert dan.post(f"/api/cases/{case.pk}/actions/fly/", {}, format="json").status_code == 404
    assert case.events.count() == 1


def test_out_of_scope_user_gets_404_everywhere_in_the_api(world, file_case):
    case = file_case()
    tina = token_client(world.tina)
    assert tina.get(f"/api/cases/{case.pk}/").status_code == 404
    assert tina.post(f"/api/cases/{case.pk}/actions/accept/", {}, format="json").status_code == 404
    assert tina.get("/api/cases/").json()["count"] == 0
    olga = token_client(world.olga)
    assert olga.get(f"/api/cases/{case.pk}/").status_code == 404


def test_api_refuses_anonymous_requests(world, file_case):
    case = file_case()
    client = APIClient()
    for url in ("/api/cases/", f"/api/cases/{case.pk}/", "/api/insights/summary/", "/api/categories/"):
        assert client.get(url).status_code in (401, 403)


def test_api_bad_input_is_400_with_field_messages(world):
    alice = token_client(world.alice)
    lat, lng = world.point_a
    r = alice.post("/api/cases/", {"description": "x", "latitude": lat, "longitude": lng}, format="json")
    assert r.status_code == 400 and "category" in r.json()
    r = alice.post("/api/cases/", {"category": "0201", "description": "x", "latitude": 30.0005,
                                   "longitude": 116.0005}, format="json")
    assert r.status_code == 400 and "latitude" in r.json()
    r = alice.post("/api/cases/", {"category": "9999", "description": "x", "latitude": lat, "longitude": lng},
                   format="json")
    assert r.status_code == 400 and "category" in r.json()


def test_wrong_password_gets_no_token(world):
    r = APIClient().post("/api/auth/token/", {"username": "alice", "password": "nope"}, format="json")
    assert r.status_code in (400, 403, 429)
    assert "token" not in r.json()


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_served_without_any_cdn(client, world, url):
    client.force_login(world.dan)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if url == "/api/schema/":
        assert "/api/cases/{id}/actions/{action}/" in body
    assert "cdn." not in body and "unpkg" not in body and "jsdelivr" not in body
