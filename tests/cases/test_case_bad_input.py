"""Bad input in the slice gets a clear message, a 4xx, and nothing half-saved."""
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.cases.models import Case, CaseEvent, CaseNumberCounter, CasePhoto
from tests.cases.test_case_pages import form_data
from tests.images import jpeg_bytes


def assert_nothing_saved(settings):
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert CasePhoto.objects.count() == 0
    assert not CaseNumberCounter.objects.filter(last__gt=0).exists()
    media = settings.MEDIA_ROOT
    assert not os.path.exists(media) or not any(files for _d, _s, files in os.walk(media))


@pytest.mark.parametrize("change, message", [
    ({"category": ""}, "category"),
    ({"latitude": "30.0005", "longitude": "116.0005"}, "outside"),
    ({"latitude": "91"}, "90"),
    ({"description": ""}, "description"),
])
def test_bad_form_input_is_refused_with_a_message(client, world, settings, change, message):
    client.force_login(world.alice)
    response = client.post(reverse("cases:create"), form_data(world, **change))
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower() or "必填" in response.content.decode() \
        or "超出" in response.content.decode() or "以外" in response.content.decode() or "类别" in response.content.decode()
    assert_nothing_saved(settings)


def test_text_file_as_photo_is_refused(client, world, settings):
    client.force_login(world.alice)
    fake = SimpleUploadedFile("photo.jpg", b"this is plain text, not a picture", content_type="image/jpeg")
    response = client.post(reverse("cases:create"), {**form_data(world), "photos": [fake]})
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert_nothing_saved(settings)


def test_second_photo_bad_means_no_photo_and_no_case(client, world, settings):
    client.force_login(world.alice)
    good = SimpleUploadedFile("good.jpg", jpeg_bytes(), content_type="image/jpeg")
    bad = SimpleUploadedFile("bad.jpg", jpeg_bytes()[:200], content_type="image/jpeg")  # truncated
    response = client.post(reverse("cases:create"), {**form_data(world), "photos": [good, bad]})
    assert response.status_code == 400
    assert_nothing_saved(settings)


def test_twenty_megabyte_upload_is_refused(client, world, settings):
    client.force_login(world.alice)
    big = SimpleUploadedFile("big.jpg", jpeg_bytes() + b"\0" * (20 * 1024 * 1024), content_type="image/jpeg")
    response = client.post(reverse("cases:create"), {**form_data(world), "photos": [big]})
    assert response.status_code == 400
    assert "10 MB" in response.content.decode()
    assert_nothing_saved(settings)


def test_failure_after_photos_are_stored_removes_them(world, settings, file_case, monkeypatch):
    from apps.cases import services

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.CasePhoto, "save", boom)
    with pytest.raises(RuntimeError):
        file_case(photos=[SimpleUploadedFile("a.jpg", jpeg_bytes())])
    assert_nothing_saved(settings)
