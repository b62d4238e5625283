"""Residents without an account: look a case up by number + access code, see its status
and a timeline without personal data, rate it once after closing. A wrong code gets
nothing, and repeated failures are refused with 429."""
import pytest
from django.core.cache import caches
from django.urls import reverse

from apps.cases import services
from apps.cases.models import Case, CaseEvent
from apps.cases.workflow import Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def closed_case(world, file_case):
    case = file_case(reporter_name="王小明", reporter_phone="13812345678")
    services.case_dispatch(case=case, actor=world.dan, department=world.urban)
    services.case_resolve(case=case, actor=world.deb, note="已清理，联系人王小明")
    return services.case_close(case=case, actor=world.dan)


def look_up(client, case, code=None, **extra):
    return client.post(reverse("cases:track"), {"number": case.number, "code": code or case.access_code}, **extra)


def test_resident_sees_status_and_timeline_without_personal_data(client, world, file_case):
    case = closed_case(world, file_case)
    assert client.get(reverse("cases:track")).status_code == 200
    response = look_up(client, case)
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body and 'data-testid="case-status"' in body
    assert body.count("<li>") >= 4  # filed, dispatched, resolved, closed
    for private in ("王小明", "13812345678", "5678", world.alice.username, world.deb.username,
                    world.alice.display_name, "已清理"):  # reporter, staff, staff notes
        assert private not in body, private
    assert "no-store" in response["Cache-Control"]


def test_resident_code_is_not_case_sensitive_but_must_match(client, world, file_case):
    case = file_case()
    assert look_up(client, case, code=case.access_code.lower()).status_code == 200


def test_resident_rates_a_closed_case_once_without_an_account(client, world, file_case):
    case = closed_case(world, file_case)
    assert 'data-testid="rate-form"' in look_up(client, case).content.decode()
    response = client.post(reverse("cases:track-rate"), {
        "number": case.number, "code": case.access_code, "satisfaction": "satisfied", "comment": "很快<b>谢谢</b>"})
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.satisfaction == "satisfied" and case.rating_source == "resident" and case.status == Status.CLOSED
    assert case.satisfaction_comment == "很快谢谢"
    assert CaseEvent.objects.filter(case=case, action="rate").count() == 1
    again = client.post(reverse("cases:track-rate"), {
        "number": case.number, "code": case.access_code, "satisfaction": "dissatisfied"})
    assert again.status_code == 409
    case.refresh_from_db()
    assert case.satisfaction == "satisfied" and case.status == Status.CLOSED
    assert 'data-testid="rate-form"' not in look_up(client, case).content.decode()


def test_an_open_case_cannot_be_rated_yet(client, world, file_case):
    case = file_case()
    assert 'data-testid="rate-form"' not in look_up(client, case).content.decode()
    response = client.post(reverse("cases:track-rate"), {
        "number": case.number, "code": case.access_code, "satisfaction": "satisfied"})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.rated_at is None and case.events.count() == 1


def test_dissatisfied_rating_reopens_the_case_for_the_dispatcher(client, world, file_case):
    case = closed_case(world, file_case)
    response = client.post(reverse("cases:track-rate"), {
        "number": case.number, "code": case.access_code, "satisfaction": "dissatisfied", "comment": "摊贩又回来了"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.reopened_count == 1
    assert case.events.last().action == "reopen" and "摊贩又回来了" in case.events.last().note
    # The dispatcher decides: stand by the result, or send it back out.
    from apps.cases.workflow import actions_for

    offered = {a.name for a in actions_for(case, world.dan.role)}
    assert {"confirm_close", "dispatch"} <= offered
    services.case_confirm_close(case=case, actor=world.dan, note="已回访说明")
    assert Case.objects.get(pk=case.pk).status == Status.CLOSED


def test_a_bad_rating_value_is_400_and_changes_nothing(client, world, file_case):
    case = closed_case(world, file_case)
    response = client.post(reverse("cases:track-rate"), {
        "number": case.number, "code": case.access_code, "satisfaction": "ecstatic"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.rated_at is None


@pytest.mark.parametrize("number, code", [("wrong", None), (None, "ZZZZZZ"), (None, ""), ("", "")])
def test_wrong_number_or_code_gets_nothing(client, world, file_case, number, code):
    case = closed_case(world, file_case)
    response = client.post(reverse("cases:track"), {
        "number": case.number if number is None else number, "code": code if code is not None else "ZZZZZZ"})
    assert response.status_code in (400, 404)
    body = response.content.decode()
    assert 'data-testid="public-case"' not in body and case.title not in body
    assert "timeline" not in body
    # Rating with a wrong code changes nothing either.
    r = client.post(reverse("cases:track-rate"), {"number": case.number, "code": "ZZZZZZ", "satisfaction": "dissatisfied"})
    assert r.status_code == 404
    case.refresh_from_db()
    assert case.rated_at is None and case.status == Status.CLOSED


def test_repeated_wrong_codes_from_one_address_are_rate_limited(client, world, file_case, settings):
    settings.RESIDENT_LOOKUP_RATE = "5/10m"
    case = file_case()
    other = file_case()
    for _attempt in range(5):
        assert look_up(client, case, code="WRONG1").status_code == 404
    # Now even the right code, for any case, gets 429 from this address: guessing is slowed down.
    blocked = look_up(client, other)
    assert blocked.status_code == 429
    assert other.title not in blocked.content.decode()
    # Another address is not affected.
    assert look_up(client, other, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_guessing_one_number_from_many_addresses_is_rate_limited_too(client, world, file_case, settings):
    settings.RESIDENT_LOOKUP_RATE = "5/10m"
    case = file_case()
    for i in range(5):
        assert look_up(client, case, code="WRONG1", REMOTE_ADDR=f"10.0.0.{i}").status_code == 404
    assert look_up(client, case, REMOTE_ADDR="10.0.0.99").status_code == 429


def test_successful_look_ups_are_not_counted(client, world, file_case, settings):
    settings.RESIDENT_LOOKUP_RATE = "3/10m"
    case = file_case()
    for _attempt in range(10):
        assert look_up(client, case).status_code == 200


def test_reporter_of_a_merged_duplicate_is_told_where_it_went(client, world, file_case):
    original = file_case()
    duplicate = file_case(point=(31.6008, 117.8006))
    services.case_merge(case=duplicate, actor=world.dan, original=original)
    body = look_up(client, duplicate).content.decode()
    assert 'data-testid="merged"' in body and original.number in body
    assert Case.objects.get(pk=duplicate.pk).status == Status.REJECTED
