"""A visitor without an account finds the public lists and the resident case look-up
from the login page, and both open without logging in."""
from django.urls import reverse


def test_login_page_links_to_the_public_lists_and_the_case_lookup(client, db):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("lists:index", "cases:track"):
        url = reverse(name)
        assert f'href="{url}"' in html, name
        assert client.get(url).status_code == 200, name  # reachable without an account
    assert reverse("lists:index") == "/lists/" and reverse("cases:track") == "/cases/track/"
