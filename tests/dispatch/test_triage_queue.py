"""The triage dashboard: live queue (htmx fragment), counts by state, deadline colours,
filters, duplicate hints and one-step accept / reject / merge / dispatch."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import Case, Channel, Urgency
from apps.cases.services import case_accept
from apps.cases.workflow import Status
from apps.dispatch.models import Ticket
from apps.dispatch.selectors import deadline_colour


@pytest.fixture
def tom(client, world):
    client.force_login(world.tom)
    return client


def _rows(response):
    return [c.number for c in response.context["page"]]


def test_queue_lists_waiting_cases_with_counts_by_state(tom, world, file_case):
    a, b = file_case(), file_case(point=world.point_b, description="另一处占道")
    case_accept(case=b, actor=world.tom)
    file_case(actor=world.carol, point=world.point_c)  # township T2: not tom's
    response = tom.get(reverse("dispatch:queue"))
    assert response.status_code == 200
    assert _rows(response) == [a.number, b.number]
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert (counts["reported"], counts["accepted"], counts["dispatched"]) == (1, 1, 0)


def test_htmx_poll_gets_the_live_fragment_alone(tom, world, file_case):
    file_case()
    full = tom.get(reverse("dispatch:queue")).content.decode()
    assert 'hx-trigger="every 20s"' in full and "<html" in full
    fragment = tom.get(reverse("dispatch:queue"), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="queue-live"' in fragment and "<html" not in fragment


def test_deadline_colour_on_time_due_soon_overdue(world, file_case):
    case = file_case()
    now = timezone.now()
    case.deadline = now + timedelta(hours=5)
    assert deadline_colour(case, now) == "ok"
    case.deadline = now + timedelta(minutes=90)
    assert deadline_colour(case, now) == "soon"
    case.deadline = now - timedelta(minutes=1)
    assert deadline_colour(case, now) == "overdue"


def test_overdue_case_is_shown_red(tom, world, file_case):
    case = file_case()
    Case.objects.filter(pk=case.pk).update(deadline=timezone.now() - timedelta(hours=1))
    page = tom.get(reverse("dispatch:queue")).content.decode()
    assert 'data-deadline="overdue"' in page


def test_filters_area_subtree_category_channel_urgency_state(tom, world, file_case):
    a = file_case(urgency=Urgency.URGENT)
    b = file_case(point=world.point_b, description="另一处", channel=Channel.PATROL)
    url = reverse("dispatch:queue")
    assert _rows(tom.get(url, {"area": world.grid_b.pk})) == [b.number]
    assert _rows(tom.get(url, {"area": world.v1.pk})) == [a.number, b.number]
    assert _rows(tom.get(url, {"category": world.parent_category.pk})) == [a.number, b.number]
    assert _rows(tom.get(url, {"channel": "patrol"})) == [b.number]
    assert _rows(tom.get(url, {"urgency": "urgent"})) == [a.number]
    case_accept(case=a, actor=world.tom)
    assert _rows(tom.get(url, {"state": "accepted"})) == [a.number]
    # an area outside the dispatcher's scope is not accepted as a filter
    response = tom.get(url, {"area": world.grid_c.pk})
    assert response.status_code == 200 and "area" in response.context["filter"].errors


def test_duplicate_hint_and_one_step_merge(tom, world, file_case):
    first = file_case()
    second = file_case(description="同一处摊贩占道")
    page = tom.get(reverse("dispatch:queue"))
    hints = {c.number: [d.number for d in c.dup_hints] for c in page.context["page"]}
    assert hints[second.number] == [first.number]
    assert 'data-testid="duplicate-hint"' in page.content.decode()
    response = tom.post(reverse("dispatch:queue-act", args=[second.pk, "merge"]), {"original": first.pk})
    assert response.status_code == 302 and response["Location"] == reverse("dispatch:queue")
    second.refresh_from_db()
    assert (second.status, second.merged_into) == (Status.REJECTED, first)


def test_one_step_accept_reject_and_dispatch_from_the_queue(tom, world, file_case):
    a, b, c = file_case(), file_case(description="二"), file_case(description="三")
    next_url = reverse("dispatch:queue") + "?urgency=normal"
    response = tom.post(reverse("dispatch:queue-act", args=[a.pk, "accept"]), {"next": next_url})
    assert response["Location"] == next_url
    tom.post(reverse("dispatch:queue-act", args=[b.pk, "reject"]), {"note": "不属于受理范围"})
    tom.post(reverse("dispatch:queue-act", args=[c.pk, "dispatch"]), {"department": world.urban.pk,
                                                                       "co_departments": [world.police.pk]})
    for case in (a, b, c):
        case.refresh_from_db()
    assert (a.status, b.status, c.status) == (Status.ACCEPTED, Status.REJECTED, Status.DISPATCHED)
    assert set(Ticket.objects.filter(case=c).values_list("department__code", "is_lead")) == {("CGJ", True),
                                                                                            ("GAJ", False)}


def test_a_refused_step_comes_back_to_the_queue_with_the_reason(tom, world, file_case):
    case = file_case()
    response = tom.post(reverse("dispatch:queue-act", args=[case.pk, "reject"]), {"note": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dispatch:queue")
    assert any(m.level_tag == "error" for m in response.context["messages"])
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_queue_and_its_actions_refuse_people_out_of_scope(client, world, file_case):
    case = file_case()
    for person in (world.alice, world.deb, world.lee):
        client.force_login(person)
        assert client.get(reverse("dispatch:queue")).status_code == 404, person
    for person in (world.tina, world.olga, world.alice, world.deb):
        client.force_login(person)
        for action in ("accept", "reject", "merge", "dispatch"):
            response = client.post(reverse("dispatch:queue-act", args=[case.pk, action]),
                                   {"note": "x", "department": world.urban.pk, "original": case.pk})
            assert response.status_code == 404, (person, action)
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_queue_page_query_count_does_not_grow_with_rows(tom, world, file_case, django_assert_max_num_queries):
    for n in range(3):
        file_case(description=f"占道 {n}")
    with django_assert_max_num_queries(16) as few:
        tom.get(reverse("dispatch:queue"))
    for n in range(10):
        file_case(point=world.point_b, description=f"更多 {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        tom.get(reverse("dispatch:queue"))
