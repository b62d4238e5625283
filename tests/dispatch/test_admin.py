"""Escalation rows are inspected in the admin, never added, changed or deleted there: the
(case, missed deadline) record is what makes escalation exactly-once."""
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.dispatch.escalation_models import Escalation
from apps.grids.models import Level


def escalation(world, case):
    now = timezone.now()
    return Escalation.objects.create(case=case, missed_deadline=now - timedelta(hours=1), from_level=Level.VILLAGE,
                                     to_level=Level.TOWNSHIP, from_area=world.v1, to_area=world.t1,
                                     new_deadline=now + timedelta(hours=24), at=now)


def test_escalations_are_listed_and_shown_read_only(client, world, file_case):
    case = file_case()
    row = escalation(world, case)
    client.force_login(world.admin)
    listing = client.get(reverse("admin:dispatch_escalation_changelist"), {"q": case.number})
    assert listing.status_code == 200 and case.number in listing.content.decode()
    change = client.get(reverse("admin:dispatch_escalation_change", args=[row.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:dispatch_escalation_add")).status_code == 403
    assert client.post(reverse("admin:dispatch_escalation_change", args=[row.pk]),
                       {"to_level": Level.COUNTY}).status_code == 403
    assert client.post(reverse("admin:dispatch_escalation_delete", args=[row.pk]),
                       {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.to_level == Level.TOWNSHIP


def test_staff_without_the_admin_flag_see_no_escalations(client, world, file_case):
    escalation(world, file_case())
    client.force_login(world.dan)
    response = client.get(reverse("admin:dispatch_escalation_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
