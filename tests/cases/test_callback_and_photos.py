"""回访 (phone callback rating by dispatch staff), photos per step, and who may see them."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cases import services
from apps.cases.models import CasePhoto
from apps.cases.workflow import Status
from tests.images import jpeg_bytes


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def closed(world, file_case):
    case = file_case()
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    services.case_resolve(case=case, actor=world.deb, note="已清理")
    return services.case_close(case=case, actor=world.dan)


def test_dispatcher_records_a_callback_rating_on_the_page(client, world, file_case):
    case = closed(world, file_case)
    client.force_login(world.tom)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-action="callback"' in page
    r = client.post(reverse("cases:callback", args=[case.pk]), {"satisfaction": "basic", "comment": "还行"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.satisfaction, case.rating_source, case.status) == ("basic", "callback", Status.CLOSED)
    assert case.events.last().actor == world.tom and case.events.last().action == "rate"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-action="callback"' not in page and 'data-testid="satisfaction"' in page


def test_dissatisfied_callback_through_the_api_reopens_the_case(world, file_case):
    case = closed(world, file_case)
    r = api(world.dan).post(f"/api/cases/{case.pk}/rating/", {"satisfaction": "dissatisfied", "comment": "没修好"},
                            format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted" and r.json()["reopened_count"] == 1
    assert "dispatch" in r.json()["allowed_actions"]
    again = api(world.dan).post(f"/api/cases/{case.pk}/rating/", {"satisfaction": "satisfied"}, format="json")
    assert again.status_code == 409


@pytest.mark.parametrize("who, status", [("alice", 403), ("lee", 403), ("tina", 404), ("olga", 404)])
def test_only_dispatch_staff_in_scope_record_callbacks(world, file_case, who, status):
    case = closed(world, file_case)
    r = api(getattr(world, who)).post(f"/api/cases/{case.pk}/rating/", {"satisfaction": "satisfied"},
                                      format="json")
    assert r.status_code == status
    case.refresh_from_db()
    assert case.rated_at is None


def test_callback_on_an_open_case_is_409(world, file_case):
    case = file_case()
    assert api(world.dan).post(f"/api/cases/{case.pk}/rating/", {"satisfaction": "satisfied"},
                               format="json").status_code == 409


def test_bad_callback_value_is_400(world, file_case):
    case = closed(world, file_case)
    assert api(world.dan).post(f"/api/cases/{case.pk}/rating/", {"satisfaction": "meh"},
                               format="json").status_code == 400


def test_each_step_keeps_its_own_photos_on_the_timeline(client, world, file_case):
    case = file_case(photos=[SimpleUploadedFile("before.jpg", jpeg_bytes())])
    after = SimpleUploadedFile("after.jpg", jpeg_bytes(color=(0, 200, 0)))
    r = api(world.alice).post(f"/api/cases/{case.pk}/actions/resolve_on_spot/", {"note": "已劝离", "photos": [after]},
                              format="multipart")
    assert r.status_code == 200, r.content
    events = r.json()["events"]
    assert [len(e["photos"]) for e in events] == [1, 1]
    assert [p.kind for p in CasePhoto.objects.order_by("pk")] == ["before", "after"]
    assert [p.event.action for p in CasePhoto.objects.order_by("pk")] == ["file", "resolve_on_spot"]
    client.force_login(world.dan)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for photo in CasePhoto.objects.all():
        assert reverse("cases:photo", args=[case.pk, photo.pk, "thumb"]) in page


def test_resolving_on_the_spot_needs_an_after_photo(world, file_case):
    case = file_case()
    r = api(world.alice).post(f"/api/cases/{case.pk}/actions/resolve_on_spot/", {"note": "已劝离"}, format="json")
    assert r.status_code == 400 and r.json()["photos"]
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_photos_are_served_to_who_sees_the_case_and_nobody_else(client, world, file_case):
    case = file_case(photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())])
    photo = case.photos.get()
    url = reverse("cases:photo", args=[case.pk, photo.pk, "full"])
    client.force_login(world.tom)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    for outsider in (world.tina, world.carol, world.deb, world.olga):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    # The photo of one case is not reachable under another case's number.
    other = file_case()
    client.force_login(world.tom)
    assert client.get(reverse("cases:photo", args=[other.pk, photo.pk, "full"])).status_code == 404


def test_schema_documents_every_case_endpoint(client, world):
    client.force_login(world.dan)
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/cases/", "/api/cases/{id}/", "/api/cases/{id}/actions/{action}/", "/api/cases/duplicates/",
                 "/api/cases/{id}/reveal/", "/api/cases/{id}/rating/", "multipart/form-data", "allowed_actions",
                 "possible_duplicates", "reporter_phone"):
        assert path in schema, path
