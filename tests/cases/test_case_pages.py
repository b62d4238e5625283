"""The slice through the HTML pages, as each persona uses them."""
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.cases.models import Case, CasePhoto
from apps.cases.workflow import Status
from tests.images import jpeg_bytes


def form_data(world, **overrides):
    lat, lng = world.point_a
    data = {
        "category": world.category.pk, "description": "路口早市摊贩占道经营", "latitude": lat, "longitude": lng,
        "urgency": "normal", "channel": "grid_worker", "address": "人民路12号",
    }
    data.update(overrides)
    return data


def test_grid_worker_files_a_case_with_a_photo_and_the_grid_is_found(client, world):
    client.force_login(world.alice)
    photo = SimpleUploadedFile("摊位.jpg", jpeg_bytes(exif_gps=True), content_type="image/jpeg")
    response = client.post(reverse("cases:create"), {**form_data(world), "photos": [photo]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.area == world.grid_a and case.status == Status.REPORTED
    stored = CasePhoto.objects.get()
    from PIL import Image

    with Image.open(stored.image.path) as served:
        assert not served.getexif()  # EXIF, GPS included, is gone from what is served
    page = client.get(response["Location"])
    assert case.number in page.content.decode()


def test_dispatcher_department_and_leader_complete_the_slice_in_pages(client, world, file_case):
    case = file_case()
    client.force_login(world.dan)
    queue = client.get(reverse("dispatch:queue")).content.decode()
    assert case.number in queue
    r = client.post(reverse("cases:act", args=[case.pk, "dispatch"]), {"department": world.urban.pk})
    assert r.status_code == 302
    client.force_login(world.deb)
    assert case.number in client.get(reverse("dispatch:tickets")).content.decode()
    client.post(reverse("cases:act", args=[case.pk, "resolve"]), {"note": "已清理"})
    client.force_login(world.dan)
    client.post(reverse("cases:act", args=[case.pk, "close"]))
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert detail.count("<li>") >= 4  # four timeline events
    client.force_login(world.lee)
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert re.search(r'data-kpi="accepted".*?<span class="value">1</span>', page, re.S)
    assert re.search(r'data-kpi="completion".*?<span class="value">100.0%</span>', page, re.S)


def test_case_of_another_township_is_a_plain_404(client, world, file_case):
    case = file_case()
    photo_case = file_case(photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())])
    photo = photo_case.photos.get()
    client.force_login(world.tina)
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:photo", args=[photo_case.pk, photo.pk, "full"]),
        reverse("cases:photo", args=[photo_case.pk, photo.pk, "thumb"]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert case.number not in response.content.decode()
    assert client.post(reverse("cases:act", args=[case.pk, "accept"])).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_action_not_allowed_now_shows_a_message_and_changes_nothing(client, world, file_case):
    case = file_case()
    client.force_login(world.dan)
    response = client.post(reverse("cases:act", args=[case.pk, "close"]), follow=True)
    assert response.status_code == 200
    assert re.search(r'class="message error" role="alert">[^<]*(not possible|不能)', response.content.decode())
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.events.count() == 1


def test_lists_are_scoped(client, world, file_case):
    mine = file_case()
    theirs = file_case(actor=world.carol, point=world.point_c)
    client.force_login(world.alice)
    page = client.get(reverse("cases:list")).content.decode()
    assert mine.number in page and theirs.number not in page
    client.force_login(world.tom)
    page = client.get(reverse("dispatch:queue")).content.decode()
    assert mine.number in page and theirs.number not in page


OUTSIDE_GRIDS = ("31.625", "117.825")  # inside the county, in no grid


def test_point_in_no_grid_asks_for_the_grid_then_files_there(client, world):
    client.force_login(world.alice)
    lat, lng = OUTSIDE_GRIDS
    response = client.post(reverse("cases:create"), form_data(world, latitude=lat, longitude=lng))
    assert response.status_code == 400 and Case.objects.count() == 0
    assert 'name="grid"' in response.content.decode()
    response = client.post(reverse("cases:create"), form_data(world, latitude=lat, longitude=lng,
                                                              grid=world.grid_b.pk, title="桥下摊位"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.area == world.grid_b and case.title == "桥下摊位"


def test_the_grid_to_choose_must_be_of_my_county(client, world):
    client.force_login(world.alice)
    lat, lng = OUTSIDE_GRIDS
    response = client.post(reverse("cases:create"), form_data(world, latitude=lat, longitude=lng,
                                                              grid=world.grid_z.pk))
    assert response.status_code == 400 and Case.objects.count() == 0


def test_api_takes_the_grid_by_code_when_the_point_is_in_none(world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.alice)
    lat, lng = OUTSIDE_GRIDS
    payload = {"category": "0201", "description": "桥下", "latitude": lat, "longitude": lng}
    r = api.post("/api/cases/", payload, format="json")
    assert r.status_code == 400 and "grid" in r.json()
    r = api.post("/api/cases/", {**payload, "grid": world.grid_b.code}, format="json")
    assert r.status_code == 201 and r.json()["grid"] == world.grid_b.name
    r = api.post("/api/cases/", {**payload, "grid": world.grid_z.code}, format="json")
    assert r.status_code == 400 and "grid" in r.json()


def test_grid_worker_resolves_on_the_spot_from_the_phone_page(client, world, file_case):
    case = file_case()
    client.force_login(world.alice)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-action="resolve_on_spot"' in page and 'type="file" name="photos"' in page
    after = SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")
    r = client.post(reverse("cases:act", args=[case.pk, "resolve_on_spot"]), {"note": "已劝离", "photos": [after]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.photos.get().kind == "after"


def test_dispatcher_case_page_has_timeline_photos_pin_and_actions(client, world, file_case):
    case = file_case(photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())])
    client.force_login(world.dan)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'data-lat="{case.latitude}"' in page and "/static/vendor/leaflet/leaflet.js" in page
    assert 'id="grid-boundary"' in page and 'data-testid="timeline"' in page
    assert reverse("cases:photo", args=[case.pk, case.photos.get().pk, "thumb"]) in page
    for action in ("accept", "dispatch", "reject", "merge"):
        assert f'data-action="{action}"' in page
    assert "unpkg" not in page and "cdn." not in page


def test_filing_message_gives_the_access_code_for_the_resident(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("cases:create"), form_data(world), follow=True)
    case = Case.objects.get()
    assert case.access_code in response.content.decode()
