"""Reporters' personal data is masked (`138****5678`) everywhere except to dispatch staff,
and every time they reveal it, that is logged."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cases.models import PersonalDataReveal
from apps.cases.privacy import mask_name, mask_phone

PHONE, NAME = "13812345678", "王小明"


@pytest.mark.parametrize("raw, masked", [
    ("13812345678", "138****5678"), ("0551-6512345", "055*****2345"), ("12345", "***45"), ("", ""), ("123", "***"),
])
def test_phone_masks_keep_only_the_ends(raw, masked):
    assert mask_phone(raw) == masked


def test_names_keep_only_the_first_character():
    assert mask_name("王小明") == "王**" and mask_name("李") == "李*" and mask_name("") == ""


@pytest.fixture
def case(file_case):
    return file_case(reporter_name=NAME, reporter_phone=PHONE)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("who", ["alice", "vera", "tom", "dan", "lee"])
def test_pages_and_api_show_the_reporter_masked(client, world, case, who):
    user = getattr(world, who)
    client.force_login(user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "138****5678" in page and "王**" in page
    assert PHONE not in page and NAME not in page
    body = api(user).get(f"/api/cases/{case.pk}/").json()
    assert body["reporter_phone"] == "138****5678" and body["reporter_name"] == "王**"
    assert PHONE not in str(api(user).get("/api/cases/").json())
    assert PersonalDataReveal.objects.count() == 0


def test_department_official_sees_it_masked_too(client, world, case):
    from apps.cases import services

    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    client.force_login(world.deb)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "138****5678" in page and PHONE not in page and 'data-testid="reveal"' not in page


def test_dispatcher_reveals_on_the_page_and_it_is_logged(client, world, case):
    client.force_login(world.tom)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="reveal"' in page and PHONE not in page
    response = client.post(reverse("cases:reveal", args=[case.pk]))
    assert response.status_code == 200
    assert PHONE in response.content.decode() and NAME in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    log = PersonalDataReveal.objects.get()
    assert (log.case, log.user, log.via) == (case, world.tom, "web")


def test_dispatcher_reveals_through_the_api_and_it_is_logged(world, case):
    response = api(world.dan).post(f"/api/cases/{case.pk}/reveal/")
    assert response.status_code == 200
    assert response.json() == {"reporter_name": NAME, "reporter_phone": PHONE}
    assert PersonalDataReveal.objects.filter(user=world.dan, via="api").count() == 1


@pytest.mark.parametrize("who", ["alice", "vera", "lee"])
def test_other_roles_may_not_reveal_and_nothing_is_logged(client, world, case, who):
    user = getattr(world, who)
    assert api(user).post(f"/api/cases/{case.pk}/reveal/").status_code == 403
    client.force_login(user)
    response = client.post(reverse("cases:reveal", args=[case.pk]), follow=True)
    assert PHONE not in response.content.decode()
    assert PersonalDataReveal.objects.count() == 0


def test_out_of_scope_dispatcher_gets_404_and_nothing_is_logged(client, world, case):
    assert api(world.tina).post(f"/api/cases/{case.pk}/reveal/").status_code == 404
    client.force_login(world.olga)
    assert client.post(reverse("cases:reveal", args=[case.pk])).status_code == 404
    assert PersonalDataReveal.objects.count() == 0


def test_access_code_goes_to_the_filer_and_dispatch_staff_only(world, case):
    assert api(world.alice).get(f"/api/cases/{case.pk}/").json()["access_code"] == case.access_code
    assert api(world.dan).get(f"/api/cases/{case.pk}/").json()["access_code"] == case.access_code
    assert api(world.vera).get(f"/api/cases/{case.pk}/").json()["access_code"] is None
    assert api(world.lee).get(f"/api/cases/{case.pk}/").json()["access_code"] is None
