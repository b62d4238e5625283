"""下派 (小事不出村): a dispatcher pushes an accepted or returned case down to the village
or grid where it is, obeying the community admission list in force (never a draft or a
superseded version); a county dispatcher may override, recorded and counted."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from apps.cases import services
from apps.cases.models import Case, CaseEvent
from apps.cases.workflow import Status
from apps.core.exceptions import InvalidInput, NotPermitted
from apps.core.worktime import deadline_info
from apps.grids.models import Level
from apps.inventories import services as list_services
from apps.inventories.gates import GateRefused
from apps.inventories.models import GateOverride, Inventory, Kind
from apps.inventories.selectors import override_counts
from tests.factories import CategoryFactory
from tests.inventories.conftest import draft_with


@pytest.fixture
def bigger(world):
    """违章搭建: handled by the township by default, so pushing it down is a real step down."""
    return CategoryFactory(code="0202", name="违章搭建", parent=world.parent_category, default_level=Level.TOWNSHIP)


@pytest.fixture
def publish(world):
    """Publish an admission list of the county admitting `categories`, effective `days` from today."""
    def make(categories, *, days=-1):
        inventory = Inventory.objects.filter(kind=Kind.ADMISSION, area=world.county).first() or \
            list_services.inventory_create(actor=world.dan, kind=Kind.ADMISSION, area=world.county)
        rows = [{"matter": f"协助事项{code}", "legal_basis": "《城市居民委员会组织法》第三条", "department": "CGJ",
                 "categories": code} for code in categories]
        draft = draft_with(inventory, rows, world.dan)
        return list_services.version_publish(version=draft, actor=world.dan,
                                             effective_from=timezone.localdate() + timedelta(days=days))
    return make


@pytest.fixture
def accepted(world, file_case, bigger):
    case = file_case(category=bigger)
    assert case.level == Level.TOWNSHIP and case.handling_area == world.t1
    return services.case_accept(case=case, actor=world.tom)


def unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.level, fresh.handling_area_id, fresh.deadline) == (
        case.level, case.handling_area_id, case.deadline) and not fresh.events.filter(action="push_down").exists()


def test_a_matter_not_on_the_admission_list_in_force_is_refused_naming_list_and_version(world, accepted, publish):
    version = publish(["0201"])
    with pytest.raises(GateRefused) as refused:
        services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1)
    assert version.inventory.title in refused.value.message and version.label in refused.value.message
    assert unchanged(accepted) and not GateOverride.objects.exists()


def test_an_admitted_matter_goes_down_with_the_village_deadline_and_one_event(world, accepted, publish, bigger):
    publish(["0202"])
    now = timezone.now()
    case = services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1, now=now)
    assert (case.status, case.level, case.handling_area) == (Status.ACCEPTED, Level.VILLAGE, world.v1)
    assert (case.deadline, case.deadline_provisional) == deadline_info(now, bigger.hours_for(Level.VILLAGE))
    event = case.events.get(action="push_down")
    assert event.unit == world.v1 and event.level == Level.VILLAGE and "协助事项0202" in event.note
    assert list(case.events.values_list("action", flat=True)) == ["file", "accept", "push_down"]
    # The village now handles it itself (小事不出村).
    case = services.case_resolve_locally(case=case, actor=world.vera, note="村里已劝离")
    assert case.status == Status.RESOLVED


def test_a_returned_case_can_go_down_to_its_grid(world, accepted, publish):
    Case.objects.filter(pk=accepted.pk).update(status=Status.RETURNED)
    case = services.case_push_down(case=accepted, actor=world.dan, target_area=world.grid_a)
    assert (case.status, case.level, case.handling_area) == (Status.ACCEPTED, Level.GRID, world.grid_a)


def test_a_county_dispatcher_override_is_recorded_on_the_case_and_counted(world, accepted, publish):
    version = publish(["0201"])
    case = services.case_push_down(case=accepted, actor=world.dan, target_area=world.v1,
                                   override_reason="汛期临时任务，县指挥部决定")
    assert case.handling_area == world.v1
    record = GateOverride.objects.get()
    assert (record.case, record.actor, record.version, record.reason) == (
        case, world.dan, version, "汛期临时任务，县指挥部决定")
    assert override_counts(area=world.county) == {"admission": 1}
    assert "汛期临时任务" in case.events.get(action="push_down").note


def test_a_township_dispatcher_cannot_override(world, accepted, publish):
    publish(["0201"])
    with translation.override("en"), pytest.raises(GateRefused, match="county dispatcher"):
        services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1, override_reason="急")
    assert unchanged(accepted) and not GateOverride.objects.exists()


def test_a_target_village_outside_my_area_or_away_from_the_case_is_refused(world, accepted, publish):
    publish(["0202"])
    for target in (world.v2, world.grid_c, world.grid_b):  # T2's village and grid; another grid of V1
        with pytest.raises(InvalidInput):
            services.case_push_down(case=accepted, actor=world.tom, target_area=target)
    with pytest.raises(InvalidInput):  # not below the township: nothing to push down to
        services.case_push_down(case=accepted, actor=world.tom, target_area=world.t1)
    assert unchanged(accepted)


def test_a_draft_list_is_not_obeyed(world, accepted, publish):
    publish(["0201"])
    inventory = Inventory.objects.get(kind=Kind.ADMISSION)
    draft_with(inventory, [{"matter": "草稿事项", "legal_basis": "依据", "department": "CGJ", "categories": "0202"}],
               world.dan)
    with pytest.raises(GateRefused):
        services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1)


def test_a_superseded_list_is_not_obeyed(world, accepted, publish):
    publish(["0202"], days=-5)
    publish(["0201"], days=-1)
    with pytest.raises(GateRefused):
        services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1)


def test_without_a_list_in_force_the_case_goes_down(world, accepted):
    case = services.case_push_down(case=accepted, actor=world.tom, target_area=world.v1)
    assert case.handling_area == world.v1


def test_only_dispatchers_push_down_and_only_accepted_or_returned_cases(world, accepted, file_case, bigger):
    with pytest.raises(NotPermitted):
        services.case_push_down(case=accepted, actor=world.vera, target_area=world.v1)
    reported = file_case(category=bigger)
    from apps.core.exceptions import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.case_push_down(case=reported, actor=world.tom, target_area=world.v1)


# --- the API -----------------------------------------------------------------------------

def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def url(case):
    return f"/api/cases/{case.pk}/actions/push_down/"


def test_api_refuses_a_matter_not_admitted_with_403_naming_the_list(world, accepted, publish):
    version = publish(["0201"])
    response = api_for(world.tom).post(url(accepted), {"target_area": world.v1.pk}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "gate_refused" and version.label in response.json()["detail"]
    assert unchanged(accepted)


def test_api_pushes_down_an_admitted_matter(world, accepted, publish):
    publish(["0202"])
    response = api_for(world.tom).post(url(accepted), {"target_area": world.v1.pk, "note": "村里先处理"},
                                       format="json")
    assert response.status_code == 200, response.content
    assert response.json()["level"] == Level.VILLAGE and response.json()["handling_unit"] == world.v1.name


def test_api_county_override(world, accepted, publish):
    publish(["0201"])
    response = api_for(world.dan).post(url(accepted), {"target_area": world.v1.pk, "override_reason": "县里决定"},
                                       format="json")
    assert response.status_code == 200, response.content
    assert GateOverride.objects.get().case_id == accepted.pk


def test_api_without_a_target_or_with_a_bad_one_is_400(world, accepted):
    assert api_for(world.tom).post(url(accepted), {}, format="json").status_code == 400
    assert api_for(world.tom).post(url(accepted), {"target_area": "x"}, format="json").status_code == 400
    assert api_for(world.tom).post(url(accepted), {"target_area": world.v2.pk}, format="json").status_code == 400
    assert unchanged(accepted)


def test_api_out_of_scope_dispatcher_gets_404(world, accepted):
    response = api_for(world.tina).post(url(accepted), {"target_area": world.v2.pk}, format="json")
    assert response.status_code == 404
    assert unchanged(accepted)


# --- the case page -----------------------------------------------------------------------

def test_case_page_offers_push_down_with_the_admission_answer(client, world, accepted, publish):
    version = publish(["0201"])
    client.force_login(world.tom)
    page = client.get(reverse("cases:detail", args=[accepted.pk])).content.decode()
    assert 'data-action="push_down"' in page and f'value="{world.v1.pk}"' in page
    assert version.label in page  # the admission list's answer, before pressing
    assert 'data-testid="override-reason"' not in page  # a township dispatcher may not override
    client.force_login(world.dan)
    page = client.get(reverse("cases:detail", args=[accepted.pk])).content.decode()
    assert 'data-testid="override-reason"' in page


def test_case_page_push_down_refused_shows_the_reason_and_changes_nothing(client, world, accepted, publish):
    version = publish(["0201"])
    client.force_login(world.tom)
    response = client.post(reverse("cases:act", args=[accepted.pk, "push_down"]), {"target_area": world.v1.pk},
                           follow=True)
    assert version.label in response.content.decode()
    assert unchanged(accepted)


def test_case_page_push_down_with_county_override(client, world, accepted, publish):
    publish(["0201"])
    client.force_login(world.dan)
    response = client.post(reverse("cases:act", args=[accepted.pk, "push_down"]),
                           {"target_area": world.v1.pk, "override_reason": "县指挥部决定"})
    assert response.status_code == 302
    assert Case.objects.get(pk=accepted.pk).handling_area == world.v1
    assert CaseEvent.objects.filter(case=accepted, action="push_down").count() == 1
    assert GateOverride.objects.get().reason == "县指挥部决定"


def test_case_page_push_down_is_404_for_another_township(client, world, accepted):
    client.force_login(world.tina)
    response = client.post(reverse("cases:act", args=[accepted.pk, "push_down"]), {"target_area": world.v2.pk})
    assert response.status_code == 404
    assert unchanged(accepted)
