import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_logs_in_and_sends_each_person_to_their_start_page(client, world):
    response = login(client, "dan", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").url == reverse("dispatch:queue")


def test_repeated_failures_lock_that_username_from_that_address_only(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong-password")
    locked = login(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert login(client, "alice", PASSWORD, ip="10.0.0.2").status_code == 302  # other address
    client.logout()
    assert login(client, "bob", PASSWORD).status_code == 302  # other user, same address


def test_password_validators_refuse_weak_passwords(world):
    for weak in ("12345678", "password", "alice2026", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user=world.alice)


def test_sessions_expire_when_idle(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_logout_ends_the_session(client, world):
    client.force_login(world.alice)
    client.post(reverse("logout"))
    assert client.get(reverse("cases:list")).status_code == 302
