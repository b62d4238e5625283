"""Notifications: in-app (the bell, unread count) and email, from one service, only after
commit; escalation events notify the new level's dispatchers."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from apps.cases.services import case_dispatch, case_return
from apps.dispatch.escalation import escalate_overdue
from apps.dispatch.models import Notification
from apps.dispatch.notifications import notify, notify_on_commit, on_case_event

SH = ZoneInfo("Asia/Shanghai")


def test_one_service_makes_the_in_app_notification_and_the_email(world):
    world.deb.email = "deb@example.gov.cn"
    world.deb.save()
    made = notify(users=[world.deb, world.deb, world.pete], kind="test", text="新工单", url="/dispatch/tickets/")
    assert len(made) == 2  # once per person
    assert [m.to for m in mail.outbox] == [["deb@example.gov.cn"]]  # pete has no address


def test_nothing_is_sent_when_the_change_rolls_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify_on_commit(users=[world.deb], kind="test", text="x")
                raise RuntimeError("the change failed")
    assert not Notification.objects.exists()


def test_dispatch_notifies_the_departments_after_commit(world, file_case, django_capture_on_commit_callbacks):
    case = file_case()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_dispatch(case=case, actor=world.tom, department=world.urban, co_departments=[world.police])
        assert not Notification.objects.exists()  # not before the commit
    for callback in callbacks:
        callback()
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"deb", "pete"}


def test_a_return_notifies_the_township_dispatcher_not_the_actor(world, file_case, django_capture_on_commit_callbacks):
    case = file_case()
    case_dispatch(case=case, actor=world.tom, department=world.urban)
    with django_capture_on_commit_callbacks(execute=True):
        case_return(case=case, actor=world.deb, note="不属于本局")
    assert list(Notification.objects.filter(kind="return").values_list("user__username", flat=True)) == ["tom"]


def test_escalation_events_notify_the_new_levels_dispatchers(world, file_case):
    """The escalation hands its committed events to the signals_out receivers (inline or
    through its own task); the notification receiver turns each into the bell + email."""
    monday = datetime(2025, 11, 3, 9, tzinfo=SH)
    case = file_case(now=monday)
    assert escalate_overdue(now=monday + timedelta(days=5)) == 1  # village → township T1
    Notification.objects.all().delete()
    event = case.events.get(action="escalate")
    on_case_event(event.pk)
    assert set(Notification.objects.filter(kind="escalate").values_list("user__username", flat=True)) == {"tom"}


def test_the_bell_shows_the_unread_count_and_opening_marks_read(client, world):
    notify(users=[world.tom], kind="test", text="一", url="/dispatch/queue/")
    notify(users=[world.tom], kind="test", text="二")
    notify(users=[world.tina], kind="test", text="别人的")
    client.force_login(world.tom)
    page = client.get(reverse("dispatch:queue")).content.decode()
    assert reverse("dispatch:bell") in page  # the nav loads the bell
    bell = client.get(reverse("dispatch:bell")).content.decode()
    assert re.search(r'data-testid="unread-count"[^>]*>2<', bell)
    first = Notification.objects.get(text="一")
    response = client.post(reverse("dispatch:notification-open", args=[first.pk]))
    assert response["Location"] == "/dispatch/queue/"
    assert re.search(r'data-testid="unread-count"[^>]*>1<', client.get(reverse("dispatch:bell")).content.decode())
    client.post(reverse("dispatch:notifications-read-all"))
    assert "unread-count" not in client.get(reverse("dispatch:bell")).content.decode()
    assert Notification.objects.get(text="别人的").read_at is None


def test_someone_elses_notification_is_not_found(client, world):
    (theirs,) = notify(users=[world.tina], kind="test", text="别人的")
    client.force_login(world.tom)
    assert client.post(reverse("dispatch:notification-open", args=[theirs.pk])).status_code == 404
    assert "别人的" not in client.get(reverse("dispatch:notifications")).content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None
