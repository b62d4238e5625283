"""Directives 下行事项 (一键下达): sent down a named channel to chosen units or roles; each
recipient signs for it and reports completion; the sender sees who has not and reminds."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.core.exceptions import InvalidInput, NotPermitted, OutOfScope, TransitionNotAllowed
from apps.dispatch import directives
from apps.dispatch.models import Directive, DirectiveChannel, DirectiveRecipient, Notification


@pytest.fixture
def channel(db):
    return DirectiveChannel.objects.get(code="party-government")


def test_the_four_standard_channels_exist_and_admins_may_add_others(db):
    names = list(DirectiveChannel.objects.values_list("name", flat=True))
    assert names == ["党政指挥", "党建引领", "综合协调", "经济运行"]
    DirectiveChannel.objects.create(code="safety", name="安全生产")
    assert DirectiveChannel.objects.count() == 5


def test_send_to_units_departments_and_a_role(world, channel, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = directives.directive_send(actor=world.dan, channel=channel, title="防汛检查", body="各单位开展汛前隐患排查",
                                      areas=[world.t1], departments=[world.urban], roles=[Role.GRID_WORKER])
    rows = {(r.area_id, r.department_id, r.role) for r in d.recipients.all()}
    assert (world.t1.pk, None, "") in rows and (None, world.urban.pk, "") in rows
    # every grid with a grid worker in the county: A, B (township T1) and C (T2)
    assert {(world.grid_a.pk, None, "grid_worker"), (world.grid_b.pk, None, "grid_worker"),
            (world.grid_c.pk, None, "grid_worker")} <= rows
    assert len(rows) == 5
    told = set(Notification.objects.filter(kind="directive").values_list("user__username", flat=True))
    assert {"tom", "deb", "alice", "bob", "carol"} <= told
    assert "olga" not in told and "pete" not in told


def test_a_township_sends_only_below_itself(world, channel):
    with pytest.raises(InvalidInput):
        directives.directive_send(actor=world.tom, channel=channel, title="x", body="y", areas=[world.t2])
    with pytest.raises(InvalidInput):
        directives.directive_send(actor=world.tom, channel=channel, title="x", body="y", departments=[world.other_dept])
    with pytest.raises(NotPermitted):
        directives.directive_send(actor=world.alice, channel=channel, title="x", body="y", areas=[world.grid_a])
    with pytest.raises(InvalidInput):
        directives.directive_send(actor=world.tom, channel=channel, title="x", body="y")
    d = directives.directive_send(actor=world.tom, channel=channel, title="人口普查", body="核对", areas=[world.v1],
                                  roles=[Role.GRID_WORKER])
    # the role reaches grids A and B of T1, not grid C of T2
    assert set(d.recipients.exclude(role="").values_list("area_id", flat=True)) == {world.grid_a.pk, world.grid_b.pk}
    assert Directive.objects.count() == 1


def test_recipients_sign_and_complete_and_the_sender_sees_who_has_not(world, channel, client):
    d = directives.directive_send(actor=world.dan, channel=channel, title="防汛检查", body="排查",
                                  areas=[world.t1, world.t2], departments=[world.urban])
    t1 = d.recipients.get(area=world.t1)
    directives.directive_sign(recipient=t1, actor=world.tom)
    with pytest.raises(TransitionNotAllowed):
        directives.directive_sign(recipient=t1, actor=world.tom)
    with pytest.raises(InvalidInput):
        directives.directive_complete(recipient=t1, actor=world.tom, report="")
    directives.directive_complete(recipient=t1, actor=world.tom, report="已排查12处")
    dept = d.recipients.get(department=world.urban)
    directives.directive_complete(recipient=dept, actor=world.deb, report="已完成")  # signs in the same step
    dept.refresh_from_db()
    assert dept.signed_at and dept.completed_at
    with pytest.raises(OutOfScope):
        directives.directive_sign(recipient=d.recipients.get(area=world.t2), actor=world.tom)
    client.force_login(world.dan)
    page = client.get(reverse("dispatch:directive", args=[d.pk]))
    assert page.status_code == 200
    assert page.context["not_signed"] == [d.recipients.get(area=world.t2)]
    assert page.context["not_done"] == [d.recipients.get(area=world.t2)]


def test_reminders_go_to_those_not_finished_and_not_twice_in_a_row(world, channel, django_capture_on_commit_callbacks):
    d = directives.directive_send(actor=world.dan, channel=channel, title="防汛检查", body="排查",
                                  areas=[world.t1, world.t2])
    directives.directive_complete(recipient=d.recipients.get(area=world.t1), actor=world.tom, report="完成")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert directives.directive_remind(directive=d, actor=world.dan, now=now) == 1
    assert Notification.objects.filter(kind="directive_reminder", user=world.tina).count() == 1
    assert not Notification.objects.filter(kind="directive_reminder", user=world.tom).exists()
    assert directives.directive_remind(directive=d, actor=world.dan, now=now + timedelta(minutes=5)) == 0
    assert directives.directive_remind(directive=d, actor=world.dan, now=now + timedelta(hours=1)) == 1
    assert d.recipients.get(area=world.t2).reminders == 2
    with pytest.raises(NotPermitted):
        directives.directive_remind(directive=d, actor=world.tom)  # a recipient, not the sender
    with pytest.raises(OutOfScope):
        directives.directive_remind(directive=d, actor=world.olga)


def test_directive_pages_send_sign_and_complete(client, world, channel):
    client.force_login(world.tom)
    assert client.get(reverse("dispatch:directive-new")).status_code == 200
    response = client.post(reverse("dispatch:directive-new"), {
        "channel": channel.pk, "title": "清理小广告", "body": "本周内清理", "areas": [world.v1.pk]})
    assert response.status_code == 302, response.content.decode()[:500]
    d = Directive.objects.get()
    client.force_login(world.vera)
    assert "清理小广告" in client.get(reverse("dispatch:directives")).content.decode()
    row = d.recipients.get()
    client.post(reverse("dispatch:directive-recipient-act", args=[row.pk, "sign"]))
    client.post(reverse("dispatch:directive-recipient-act", args=[row.pk, "complete"]), {"report": "已清理"})
    row.refresh_from_db()
    assert row.signed_by == world.vera and row.report == "已清理"


def test_directive_pages_refuse_people_out_of_scope(client, world, channel):
    d = directives.directive_send(actor=world.tom, channel=channel, title="清理小广告", body="本周内清理",
                                  areas=[world.v1])
    row = d.recipients.get()
    for person in (world.tina, world.olga, world.carol, world.pete):
        client.force_login(person)
        assert client.get(reverse("dispatch:directive", args=[d.pk])).status_code == 404, person
        assert client.post(reverse("dispatch:directive-remind", args=[d.pk])).status_code == 404, person
        for action in ("sign", "complete"):
            assert client.post(reverse("dispatch:directive-recipient-act", args=[row.pk, action]),
                               {"report": "x"}).status_code == 404, person
    for person in (world.alice, world.deb):
        client.force_login(person)
        assert client.get(reverse("dispatch:directive-new")).status_code == 404
    row.refresh_from_db()
    assert row.signed_at is None and row.reminders == 0


def test_demo_seed_adds_the_hotline_account_and_one_directive_once(world):
    from apps.accounts.models import User
    from apps.dispatch.demo import seed_dispatch

    seed_dispatch(world.county)
    seed_dispatch(world.county)
    hotline = User.objects.get(username="hotline")
    assert hotline.role == Role.COUNTY_DISPATCHER and not hotline.has_usable_password()
    d = Directive.objects.get()
    assert d.sent_by == world.dan
    assert set(d.recipients.values_list("area_id", flat=True)) == {world.t1.pk, world.t2.pk}
