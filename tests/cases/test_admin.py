"""Categories are edited in the admin; cases are read-only there and carry no personal data."""
from django.urls import reverse


def test_admin_edits_a_categorys_level_and_time_limits(client, world):
    client.force_login(world.admin)
    url = reverse("admin:cases_category_change", args=[world.category.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {
        "code": "0201", "name": "占道经营", "parent": world.parent_category.pk, "default_level": 4,
        "hours_grid": 4, "hours_village": 12, "hours_township": 24, "hours_county": 40, "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:500]
    world.category.refresh_from_db()
    assert (world.category.default_level, world.category.hours_for(4)) == (4, 4)


def test_case_admin_is_read_only_and_shows_no_personal_data(client, world, file_case):
    case = file_case(reporter_name="王小明", reporter_phone="13812345678")
    client.force_login(world.admin)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert case.number in page or case.title in page
    assert "13812345678" not in page and "王小明" not in page and case.access_code not in page
    assert client.get(reverse("admin:cases_case_add")).status_code == 403


def test_staff_without_the_admin_flag_are_kept_out(client, world):
    client.force_login(world.dan)
    response = client.get(reverse("admin:cases_category_changelist"))
    assert response.status_code == 302
