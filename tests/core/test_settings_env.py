"""Settings fail loudly on bad values instead of running with something nobody asked for."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import govplatform.settings as s; print(s.DATABASES['default']['ENGINE'], "
                               "s.CELERY_BROKER_URL)"],
        cwd=ROOT, env=clean, capture_output=True, text=True,
    )


@pytest.mark.parametrize("env, message", [
    ({"DEBUG": "ture"}, "DEBUG='ture' is not a boolean"),
    ({"DEBUG": "false"}, "SECRET_KEY must be set"),
    ({"DEBUG": "true", "DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be sqlite"),
    ({"DEBUG": "true", "REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' must start with redis://"),
    ({"DEBUG": "true", "MAX_UPLOAD_MB": "ten"}, "MAX_UPLOAD_MB='ten' is not a whole number"),
])
def test_bad_values_stop_the_settings_with_the_variable_named(env, message, tmp_path):
    result = load_settings(VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_give_sqlite_and_the_filesystem_broker(tmp_path):
    result = load_settings(DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]


def test_postgres_and_redis_urls_are_taken(tmp_path):
    result = load_settings(DEBUG="true", VAR_DIR=str(tmp_path), DATABASE_URL="postgres://u@127.0.0.1:5432/x",
                           REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://127.0.0.1:6379/3"]


def test_env_example_lists_every_variable_the_settings_read():
    import re

    names = set()
    for path in (ROOT / "govplatform" / "settings.py",):
        names |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', path.read_text()))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.M))
    assert names - listed == set()
