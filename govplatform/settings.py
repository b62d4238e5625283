"""GridGov settings, read from the environment (see .env.example for every variable).

Defaults give the embedded mode: SQLite under var/ and Celery on kombu's filesystem
broker under var/. DATABASE_URL=postgres://… and REDIS_URL=redis://… give the
production shape.
"""
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_database, env_int, env_list, env_redis_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_htmx",
    "apps.core",
    "apps.accounts",
    "apps.grids",
    "apps.cases",
    "apps.dispatch",
    "apps.mediation",
    "apps.councils",
    "apps.inventories",
    "apps.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware last, as django-axes documents.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govplatform.urls"
WSGI_APPLICATION = "govplatform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")} if env_str("TEST_DATABASE_NAME") else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: idle sessions expire
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# django-axes: lock a username from one IP after repeated failures (not the whole IP,
# which in a township office is shared by everyone behind one NAT).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: residents reach only public pages

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # serve straight from static/ without collectstatic in embedded mode
# Uploaded photos are never served from a public URL: a view checks the case is visible first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-public/"
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 10, minimum=1, maximum=100)
# Django refuses larger request bodies before they reach a view (photos come in multipart,
# which streams to disk, so this bounds the non-file part only).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Celery -----------------------------------------------------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Above the longest countdown/eta we schedule, or Redis re-delivers a waiting task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)}
else:
    for sub in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 30, minimum=1)
# /healthz reports beat dead when its heartbeat is older than this.
HEARTBEAT_MAX_AGE_SECONDS = env_int("HEARTBEAT_MAX_AGE_SECONDS", 120, minimum=5)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "apps.core.tasks.heartbeat", "schedule": float(HEARTBEAT_INTERVAL_SECONDS)},
}

# --- Working time and escalation (apps/core/worktime.py, apps/dispatch/escalation.py) ----


def _work_periods(name, default):
    """"08:30-12:00,14:00-18:00" → [(time(8, 30), time(12)), …]: ordered, non-overlapping."""
    from datetime import time

    text = env_str(name, default)
    periods = []
    try:
        for part in text.split(","):
            begin, end = (time.fromisoformat(x.strip()) for x in part.split("-"))
            periods.append((begin, end))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={text!r} must look like 08:30-12:00,14:00-18:00") from None
    for (b1, e1), nxt in zip(periods, periods[1:] + [None]):
        if not b1 < e1 or (nxt is not None and not e1 <= nxt[0]):
            raise ImproperlyConfigured(f"{name}={text!r}: periods must be ordered and must not overlap")
    return periods


WORKTIME_PERIODS = _work_periods("WORKTIME_PERIODS", "08:30-12:00,14:00-18:00")
ESCALATION_INTERVAL_SECONDS = env_int("ESCALATION_INTERVAL_SECONDS", 60, minimum=10)
# Cases locked and moved per transaction by one sweep; a crash loses at most one batch's work
# (rolled back, redone by the next sweep).
ESCALATION_BATCH_SIZE = env_int("ESCALATION_BATCH_SIZE", 500, minimum=1, maximum=5000)
CELERY_BEAT_SCHEDULE["escalate-overdue"] = {
    "task": "apps.dispatch.tasks.escalate_overdue",
    "schedule": float(ESCALATION_INTERVAL_SECONDS),
    # A sweep not started within one interval is dropped: the next one does its work.
    "options": {"expires": float(ESCALATION_INTERVAL_SECONDS)},
}

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env_str("TOKEN_THROTTLE_RATE", "10/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GridGov API",
    "DESCRIPTION": "网格化基层治理平台 — cases, dispatch, areas and insights.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # One name for the case states (also used by timeline from/to), distinct from ticket states.
    "ENUM_NAME_OVERRIDES": {"CaseStatusEnum": "apps.cases.workflow.Status"},
}

# --- Resident case lookup (public page) -------------------------------------------------
# Failed look-ups (wrong number or access code) allowed per client address and per case
# number, django-ratelimit syntax N/[N]s|m|h|d. Counted in the "ratelimit" cache: Redis when
# REDIS_URL is set (shared by every process), else this process's memory.
RESIDENT_LOOKUP_RATE = env_str("RESIDENT_LOOKUP_RATE", "5/10m")
if not __import__("re").fullmatch(r"[1-9][0-9]*/[0-9]*[smhd]", RESIDENT_LOOKUP_RATE):
    raise ImproperlyConfigured(f"RESIDENT_LOOKUP_RATE={RESIDENT_LOOKUP_RATE!r}: expected N/[N]s|m|h|d, e.g. 5/10m")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                  "KEY_PREFIX": "rl"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
RATELIMIT_USE_CACHE = "ratelimit"

# --- Demo -------------------------------------------------------------------------------
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

# --- Email ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gridgov@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)  # a dead mail server must not hang a request

# --- Dispatch: hotline link, whistle and report, notifications (apps/dispatch) ----------
# HMAC-SHA256 shared secret of POST /api/hotline/cases/; unset = every request refused (401).
HOTLINE_SECRET = env_str("HOTLINE_SECRET")
# The account hotline cases are filed as (a county dispatcher of the county served).
HOTLINE_USERNAME = env_str("HOTLINE_USERNAME", "hotline")
# Where status changes of hotline cases go as signed JSON; unset = nothing is sent.
HOTLINE_WEBHOOK_URL = env_str("HOTLINE_WEBHOOK_URL")
HOTLINE_WEBHOOK_SECRET = env_str("HOTLINE_WEBHOOK_SECRET", HOTLINE_SECRET)
HOTLINE_WEBHOOK_MAX_RETRIES = env_int("HOTLINE_WEBHOOK_MAX_RETRIES", 8, minimum=0, maximum=20)
# First retry after this many seconds, doubling each time (capped at 1 h, below the visibility timeout).
HOTLINE_WEBHOOK_BACKOFF_SECONDS = env_int("HOTLINE_WEBHOOK_BACKOFF_SECONDS", 30, minimum=0)
HOTLINE_WEBHOOK_TIMEOUT = env_int("HOTLINE_WEBHOOK_TIMEOUT", 10, minimum=1, maximum=120)
# Celery queue of webhook deliveries ("celery" = the default queue every worker reads).
HOTLINE_WEBHOOK_QUEUE = env_str("HOTLINE_WEBHOOK_QUEUE", "celery")
# 吹哨报到: working hours a summoned department has to report.
WHISTLE_REPORT_HOURS = env_int("WHISTLE_REPORT_HOURS", 2, minimum=1, maximum=72)
CELERY_BEAT_SCHEDULE["whistle-missed-reports"] = {
    "task": "apps.dispatch.whistle_tasks.record_missed_reports", "schedule": 300.0, "options": {"expires": 300.0}}
CELERY_BEAT_SCHEDULE["hotline-resend-stale"] = {
    "task": "apps.dispatch.hotline_tasks.resend_stale_hotline_deliveries", "schedule": 600.0,
    "options": {"expires": 600.0}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
