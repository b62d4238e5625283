"""/healthz and the admin warn while a year in use has no known holiday schedule."""
from datetime import date

from apps.core.models import CalendarDay
from apps.core.services import heartbeat_record


def test_healthz_warns_about_next_year_without_failing(client, db, monkeypatch):
    monkeypatch.setattr("apps.core.worktime.timezone.localdate", lambda: date(2026, 11, 24))
    heartbeat_record(name="beat")
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["calendar_provisional_years"] == [2027]
    assert "2027" in body["warnings"][0]


def test_healthz_has_no_calendar_warning_once_the_year_is_entered(client, db, monkeypatch):
    monkeypatch.setattr("apps.core.worktime.timezone.localdate", lambda: date(2026, 11, 24))
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    body = client.get("/healthz").json()
    assert body["calendar_provisional_years"] == [] and body["warnings"] == []


def test_admin_calendar_page_warns_about_an_unknown_year(client, world, monkeypatch):
    monkeypatch.setattr("apps.core.worktime.timezone.localdate", lambda: date(2026, 11, 24))
    client.force_login(world.admin)
    response = client.get("/admin/core/calendarday/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "2027" in response.content.decode()


def test_admin_calendar_page_is_refused_to_a_dispatcher(client, world):
    client.force_login(world.dan)
    response = client.get("/admin/core/calendarday/")
    assert response.status_code == 302 and "/login" in response["Location"]
