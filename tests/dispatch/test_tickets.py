"""Tickets: a lead and co-handling departments, each with sign-for and finish deadlines;
sign for, return with a reason, ask for more time (granted or refused), submit a result
with photos; the case is resolved when the lead's ticket is."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.cases.services import case_dispatch
from apps.cases.workflow import Status
from apps.core.exceptions import InvalidInput, OutOfScope, TransitionNotAllowed
from apps.dispatch import services
from apps.dispatch.models import Ticket
from tests.images import jpeg_bytes


def _photo():
    return SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def dispatched(world, file_case):
    case = file_case()
    case_dispatch(case=case, actor=world.tom, department=world.urban, co_departments=[world.police])
    return case


def _ticket(case, department):
    return Ticket.objects.get(case=case, department=department, status__in=Ticket.OPEN)


def test_dispatch_opens_a_lead_and_a_co_handling_ticket_each_with_both_deadlines(dispatched, world):
    lead, co = _ticket(dispatched, world.urban), _ticket(dispatched, world.police)
    assert (lead.is_lead, co.is_lead) == (True, False)
    for t in (lead, co):
        assert t.sign_deadline < t.finish_deadline


def test_co_handler_signs_after_the_lead_without_moving_the_case(dispatched, world):
    services.ticket_sign(ticket=_ticket(dispatched, world.urban), actor=world.deb)
    dispatched.refresh_from_db()
    assert dispatched.status == Status.IN_PROGRESS
    co = services.ticket_sign(ticket=_ticket(dispatched, world.police), actor=world.pete)
    assert co.status == Ticket.Status.SIGNED and co.signed_at
    dispatched.refresh_from_db()
    assert dispatched.status == Status.IN_PROGRESS
    assert dispatched.events.filter(action="ticket_sign", department=world.police).exists()
    with pytest.raises(TransitionNotAllowed):
        services.ticket_sign(ticket=co, actor=world.pete)


def test_case_is_resolved_when_the_leads_ticket_is_not_before(dispatched, world):
    services.ticket_sign(ticket=_ticket(dispatched, world.police), actor=world.pete)
    services.ticket_sign(ticket=_ticket(dispatched, world.urban), actor=world.deb)
    services.ticket_submit_result(ticket=_ticket(dispatched, world.police), actor=world.pete, note="协助完毕",
                                  photos=[_photo()])
    dispatched.refresh_from_db()
    assert dispatched.status == Status.IN_PROGRESS
    lead = services.ticket_submit_result(ticket=_ticket(dispatched, world.urban), actor=world.deb, note="已清理",
                                         photos=[_photo()])
    dispatched.refresh_from_db()
    assert lead.status == Ticket.Status.DONE
    assert dispatched.status == Status.RESOLVED
    assert dispatched.photos.filter(kind="after").count() == 2


def test_a_result_without_a_photo_is_refused(dispatched, world):
    services.ticket_sign(ticket=_ticket(dispatched, world.urban), actor=world.deb)
    with pytest.raises(InvalidInput):
        services.ticket_submit_result(ticket=_ticket(dispatched, world.urban), actor=world.deb, note="好了")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.IN_PROGRESS


def test_lead_return_needs_a_reason_and_sends_the_case_back_to_triage(dispatched, world):
    with pytest.raises(InvalidInput):
        services.ticket_return(ticket=_ticket(dispatched, world.urban), actor=world.deb, note="  ")
    services.ticket_return(ticket=_ticket(dispatched, world.urban), actor=world.deb, note="不属于本局职责")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED
    assert not Ticket.objects.filter(case=dispatched, status__in=Ticket.OPEN).exists()


def test_co_handler_return_closes_only_its_own_ticket(dispatched, world):
    services.ticket_return(ticket=_ticket(dispatched, world.police), actor=world.pete, note="无需公安参与")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert Ticket.objects.get(case=dispatched, department=world.police).status == Ticket.Status.RETURNED
    assert _ticket(dispatched, world.urban).status == Ticket.Status.PENDING


def test_extension_granted_moves_the_case_and_open_tickets_deadline(dispatched, world):
    before = _ticket(dispatched, world.urban).finish_deadline
    services.ticket_request_extension(ticket=_ticket(dispatched, world.urban), actor=world.deb, hours=16,
                                      note="需协调摊贩搬迁")
    services.ticket_decide_extension(case=dispatched, actor=world.tom, grant=True)
    dispatched.refresh_from_db()
    assert dispatched.deadline > before
    assert _ticket(dispatched, world.urban).finish_deadline == dispatched.deadline
    assert _ticket(dispatched, world.police).finish_deadline == dispatched.deadline


def test_extension_refused_keeps_the_deadline(dispatched, world):
    before = dispatched.deadline
    services.ticket_request_extension(ticket=_ticket(dispatched, world.urban), actor=world.deb, hours=8,
                                      note="人手不足")
    services.ticket_decide_extension(case=dispatched, actor=world.tom, grant=False, note="请按期完成")
    dispatched.refresh_from_db()
    assert dispatched.deadline == before and not dispatched.extension_pending


def test_another_departments_official_cannot_touch_a_ticket(dispatched, world):
    with pytest.raises(OutOfScope):
        services.ticket_sign(ticket=_ticket(dispatched, world.urban), actor=world.pete)
    with pytest.raises(OutOfScope):
        services.ticket_sign(ticket=_ticket(dispatched, world.urban), actor=world.tom)


def test_ticket_pages_sign_and_submit_a_result(client, dispatched, world):
    ticket = _ticket(dispatched, world.urban)
    client.force_login(world.deb)
    assert client.get(reverse("dispatch:tickets")).status_code == 200
    assert client.get(reverse("dispatch:ticket", args=[ticket.pk])).status_code == 200
    client.post(reverse("dispatch:ticket-act", args=[ticket.pk, "sign"]))
    client.post(reverse("dispatch:ticket-act", args=[ticket.pk, "result"]), {"note": "已清理", "photos": [_photo()]})
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RESOLVED


def test_ticket_pages_refuse_people_out_of_scope(client, dispatched, world):
    ticket = _ticket(dispatched, world.urban)
    for person in (world.pete, world.tina, world.olga, world.carol):
        client.force_login(person)
        assert client.get(reverse("dispatch:ticket", args=[ticket.pk])).status_code == 404, person
        response = client.post(reverse("dispatch:ticket-act", args=[ticket.pk, "sign"]))
        assert response.status_code == 404, person
    assert _ticket(dispatched, world.urban).status == Ticket.Status.PENDING
