"""The case page for each role: the power list's department preselected in the dispatch
form (dispatchers only), the whistle link (township dispatchers only), ticket links (to
those who work with tickets)."""
import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.cases import services
from apps.inventories import services as list_services
from apps.inventories.models import Kind
from tests.inventories.conftest import draft_with


def publish_power_list(world, department):
    inventory = list_services.inventory_create(actor=world.dan, kind=Kind.POWER, area=world.county)
    draft = draft_with(inventory, [{"matter": "对占道经营行为的处罚", "power_kind": "行政处罚",
                                    "legal_basis": "《城市市容和环境卫生管理条例》第三十六条",
                                    "department": department.code, "categories": "0201"}], world.dan)
    list_services.version_publish(version=draft, actor=world.dan,
                                  effective_from=timezone.localdate() - timedelta(days=1))


def page(client, user, case):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the wording checked below is English
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()
    return response.content.decode()


def selected_department(html):
    select = re.search(r'<select name="department".*?</select>', html, re.S)
    return select and re.findall(r'<option value="(\d+)" selected>', select.group(0))


def test_dispatchers_get_the_power_lists_department_preselected(client, world, file_case):
    publish_power_list(world, world.police)
    case = file_case()
    for dispatcher in (world.tom, world.dan):
        html = page(client, dispatcher, case)
        assert selected_department(html) == [str(world.police.pk)]
        assert 'data-testid="suggested-department"' in html and "suggested by the power list" in html


def test_no_suggestion_without_a_power_list_in_force(client, world, file_case):
    html = page(client, world.dan, file_case())
    assert selected_department(html) == [] and 'data-testid="suggested-department"' not in html


def test_field_staff_get_no_dispatch_form_nor_suggestion(client, world, file_case):
    publish_power_list(world, world.police)
    case = file_case()
    for user in (world.alice, world.vera, world.lee):
        html = page(client, user, case)
        assert not selected_department(html) and 'data-testid="suggested-department"' not in html


def test_only_township_dispatchers_get_the_whistle_link(client, world, file_case):
    case = file_case()
    whistle = reverse("dispatch:whistle-blow", args=[case.pk])
    assert whistle in page(client, world.tom, case)
    for user in (world.dan, world.alice, world.vera, world.lee):
        assert whistle not in page(client, user, case), user


def test_no_whistle_link_on_a_closed_case(client, world, file_case):
    case = services.case_reject(case=file_case(), actor=world.tom, note="不属于受理范围")
    assert reverse("dispatch:whistle-blow", args=[case.pk]) not in page(client, world.tom, case)


def test_ticket_links_for_dispatchers_leaders_and_the_ticket_holder_only(client, world, file_case):
    case = services.case_dispatch(case=file_case(), actor=world.dan, department=world.urban,
                                  co_departments=[world.police])
    urban = case.tickets.get(department=world.urban)
    police = case.tickets.get(department=world.police)
    link = reverse("dispatch:ticket", args=[urban.pk])
    for user in (world.tom, world.dan, world.lee):
        html = page(client, user, case)
        assert link in html and reverse("dispatch:ticket", args=[police.pk]) in html
    html = page(client, world.deb, case)  # 城管's official: their own ticket only
    assert link in html and reverse("dispatch:ticket", args=[police.pk]) not in html
    for user in (world.alice, world.vera):
        html = page(client, user, case)
        assert world.urban.name in html and 'data-testid="ticket-link"' not in html
    client.force_login(world.deb)
    assert client.get(link).status_code == 200  # the link leads somewhere the holder may go
