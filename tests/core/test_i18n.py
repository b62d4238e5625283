"""Chinese by default, English on request, and the shipped catalogue is complete and compiled."""
import re
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def html_lang(page):
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_default_language_is_simplified_chinese(client):
    assert settings.LANGUAGE_CODE == "zh-hans"
    page = client.get(reverse("login")).content.decode()
    assert html_lang(page) == "zh-hans"
    assert "<h1>登录</h1>" in page
    assert "基层网格化治理平台" in page  # ours, not a string Django's own catalogue could supply
    assert "Log in" not in page and "Grid governance platform" not in page


def test_work_pages_render_in_chinese_for_a_signed_in_dispatcher(client, world, file_case):
    case = file_case()
    client.force_login(world.dan)
    queue = client.get(reverse("dispatch:queue")).content.decode()
    assert "待派遣事件" in queue and "调度队列" in queue
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "已上报" in detail  # the status label, from the model's choices
    assert 'data-action="dispatch">派遣<' in detail


def test_switching_to_english_through_set_language_renders_english(client, world):
    client.force_login(world.dan)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("dispatch:queue")})
    assert response.status_code == 302 and response["Location"] == reverse("dispatch:queue")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("dispatch:queue")).content.decode()
    assert html_lang(page) == "en"
    assert "<h1>Dispatch queue</h1>" in page and "待派遣事件" not in page
    # …and back again.
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "<h1>待派遣事件</h1>" in client.get(reverse("dispatch:queue")).content.decode()


def test_set_language_refuses_to_redirect_off_site(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_switch_is_on_every_page_and_keeps_the_current_address(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("cases:mine") + "?page=1").content.decode()
    assert f'action="{reverse("set_language")}"' in page
    assert 'name="next" type="hidden" value="/cases/mine/?page=1"' in page
    # Each language is named in its own language, and the current one is not offered.
    assert re.search(r'<button type="submit" name="language" value="en"[^>]*>English</button>', page)
    assert 'name="language" value="zh-hans"' not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("cases:mine")).content.decode()
    assert re.search(r'<button type="submit" name="language" value="zh-hans"[^>]*>简体中文</button>', page)


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"run makemessages and translate: {untranslated[:10]}"
    assert not fuzzy, f"review the fuzzy entries: {fuzzy[:10]}"


def test_translations_keep_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    po = polib.pofile(str(CATALOGUE))
    for entry in po.translated_entries():
        for msgstr in [entry.msgstr, *entry.msgstr_plural.values()]:
            if msgstr:
                assert sorted(placeholder.findall(msgstr)) == sorted(placeholder.findall(entry.msgid)), entry.msgid


def test_compiled_catalogue_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok      locale/zh_Hans/LC_MESSAGES/django.mo" in result.stdout
