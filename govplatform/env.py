"""Strict readers for settings from the environment.

django-environ parses URLs well but treats an unknown boolean like "ture" as False and
lets other typos through. A deployment with a typo should refuse to start, naming the
variable, instead of running with a setting nobody asked for.
"""
import os

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name):
    return os.environ.get(name)


def env_bool(name, default):
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name, default, *, minimum=None, maximum=None):
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum {maximum}")
    return number


def env_str(name, default=None):
    value = _raw(name)
    if value is None or value == "":
        return default
    return value


def env_list(name, default):
    value = _raw(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name, default):
    value = env_str(name, default)
    try:
        config = environ.Env.db_url_config(value)
    except Exception as exc:  # django-environ raises several kinds for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a usable database URL: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            f"{name} must be sqlite:///… or postgres://… (got engine {engine or 'none'})"
        )
    return config


def env_redis_url(name):
    value = env_str(name)
    if value is None:
        return None
    if not value.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"{name}={value!r} must start with redis:// or rediss://")
    return value
