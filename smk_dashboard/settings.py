"""Settings for SMK Dashboard, read from the environment (django-environ).

Safe by default: without any environment DEBUG is off, HTTPS is required and nothing encrypted
can be written until FIELD_ENCRYPTION_KEY is set. `make run` (smk_dashboard/ops/devserver.py) and
the test suite (tests/settings.py) switch the development values on explicitly
(smk_dashboard/ops/dev_env.py). Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL,
FIELD_ENCRYPTION_KEY, PSEUDONYM_KEY and MODEL_STORAGE_DIR; `manage.py check --deploy` then
passes. Every variable is listed in .env.example.
"""

import datetime as dt
import importlib.util
import os
from pathlib import Path

import environ
from kombu import Exchange, Queue

from smk_dashboard.beat_schedule import BEAT_SCHEDULE
from smk_dashboard.ops.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The default key is only for development; check --deploy flags it and production must set one.
SECRET_KEY = env(
    "SECRET_KEY",
    default="django-insecure-dev-only-key-change-me-0123456789abcdefghijklmnop",  # noqa: S105
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Two-factor sign-in (TOTP apps and one-time recovery codes), /accounts/2fa/.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "smk_dashboard.apps.SmkDashboardConfig",
    "students",
    "predictions",
    "interventions",
]

MIDDLEWARE = [
    # First, so that the duration covers the whole stack and every log line has the request id.
    "smk_dashboard.ops.metrics.HttpMetricsMiddleware",
    "smk_dashboard.ops.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "smk_dashboard.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Indonesian first: English only when chosen with the switch (not from Accept-Language).
    "smk_dashboard.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the two-factor step.
    "django_otp.middleware.OTPMiddleware",
    "smk_dashboard.signin.two_factor.TwoFactorMiddleware",
    # Signed-in answers are never cached (schools share computers); idle sessions end.
    "smk_dashboard.middleware.NoStoreWhenSignedInMiddleware",
    "smk_dashboard.middleware.SessionIdleTimeoutMiddleware",
    # A signed-in read that answers 404 (another school's student) is audited.
    "smk_dashboard.middleware.AuditDeniedReadMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "smk_dashboard.urls"
WSGI_APPLICATION = "smk_dashboard.wsgi.application"

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
                "smk_dashboard.context_processors.navigation",
            ],
            "libraries": {"formats": "smk_dashboard.core.formats"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that a real Celery worker process sees the test database too.
    # One file per test process, so two runs side by side never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / ".run" / f"test-db-{os.getpid()}.sqlite3")
    }
    # IMMEDIATE: a transaction takes the write lock when it begins, so a second writer waits
    # (timeout) instead of failing with "database is locked" when a reading transaction
    # tries to upgrade (the worker publishing a scoring while pages write audit rows).
    # WAL: readers never wait for a writer nor block one (every page writes an audit row);
    # with synchronous=NORMAL a commit does not wait for the disk, and a power cut loses at
    # most the last commits, never the file. Copy a WAL database with the app stopped, or
    # with `sqlite3 file ".backup copy"`, not by copying the file alone.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# Connections are kept between requests (SQLite too: a new SQLite connection reads the whole
# schema again, which cost the risk list 40% of its throughput under load).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "students.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check runs first; request-less calls (test client, shell) skip it (see module).
AUTHENTICATION_BACKENDS = [
    "smk_dashboard.signin.backends.LockoutBackend",
    "smk_dashboard.signin.backends.SchoolUserBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# Roles that must pass a two-factor (TOTP) step before any page or API token. Production
# default: the roles that read counselling notes, all of a school, or all schools.
REQUIRE_2FA_ROLES = [
    r.strip()
    for r in env.list(
        "REQUIRE_2FA_ROLES", default=[] if DEBUG else ["bk", "kepsek", "operator", "sudin"]
    )
    if r.strip()
]
OTP_TOTP_ISSUER = "SMK Dashboard"

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# The switch in the navigation bar sets this cookie; a year, so the choice is remembered.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "smk_dashboard" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# static/vendor/plotly/plotly.min.js is the partial "cartesian" plotly.js bundle that
# `make static` fetches from the npm registry (smk_dashboard/ops/vendor_assets.py): a third of the
# full one. Until it is there, pages fall back to the full bundle of the plotly wheel and
# `manage.py check` warns (smk_dashboard.W010).
PLOTLY_PARTIAL_BUNDLE = BASE_DIR / "static" / "vendor" / "plotly" / "plotly.min.js"
if not PLOTLY_PARTIAL_BUNDLE.is_file() and importlib.util.find_spec("plotly"):
    _plotly_wheel = Path(importlib.util.find_spec("plotly").origin).parent / "package_data"
    STATICFILES_DIRS.append(("vendor/plotly", _plotly_wheel))
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
MODEL_STORAGE_DIR = Path(env("MODEL_STORAGE_DIR", default=str(BASE_DIR / "model_store")))
# Files go through Django's storages only (smk_dashboard/core/storage.py): "default" holds
# uploaded spreadsheets and error reports, "models" the trained model artifacts. Local folders
# (MEDIA_ROOT, MODEL_STORAGE_DIR) unless a bucket is named: then S3-compatible object storage
# (MinIO, a provider) through django-storages, and web and worker hosts share no disk.
MEDIA_STORAGE_BUCKET = env("MEDIA_STORAGE_BUCKET", default="")
MODEL_STORAGE_BUCKET = env("MODEL_STORAGE_BUCKET", default="")


def _object_storage(bucket: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": env("OBJECT_STORAGE_PREFIX", default=""),
            "endpoint_url": env("OBJECT_STORAGE_ENDPOINT_URL", default="") or None,
            "region_name": env("OBJECT_STORAGE_REGION", default="") or None,
            "access_key": env("OBJECT_STORAGE_ACCESS_KEY", default=""),
            "secret_key": env("OBJECT_STORAGE_SECRET_KEY", default=""),
            "addressing_style": env("OBJECT_STORAGE_ADDRESSING_STYLE", default="path"),
            # Private objects: never a public ACL; links (if any) are signed and short-lived.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            # Names are unique (hash or time + random part); never overwrite one silently.
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": _object_storage(MEDIA_STORAGE_BUCKET)
    if MEDIA_STORAGE_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "models": _object_storage(MODEL_STORAGE_BUCKET)
    if MODEL_STORAGE_BUCKET
    else {"BACKEND": "smk_dashboard.core.storage.ModelFileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=20 * 1024 * 1024)
# Uploaded spreadsheets and their error reports are deleted this many days after the upload
# (the import's row stays); files and folders are readable by the app's user only.
UPLOAD_RETENTION_DAYS = env.int("UPLOAD_RETENTION_DAYS", default=30)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
# Issue 12: cells from A1 to the farthest filled cell, all sheets together, checked before any
# grid is built; the reader runs in a child process with this address-space cap and timeout.
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=3_000_000)
IMPORT_READER_MEMORY_BYTES = env.int("IMPORT_READER_MEMORY_BYTES", default=1024 * 1024 * 1024)
IMPORT_READER_TIMEOUT = env.int("IMPORT_READER_TIMEOUT", default=300)
# An upload still being read, or a confirmed import still queued or running, this long after
# it was queued or started lost its worker: the periodic sweep fails it with a message.
IMPORT_STALE_SECONDS = env.int("IMPORT_STALE_SECONDS", default=60 * 60)
# A preview nobody confirmed or discarded this many days after its analysis expires, and the
# uploaded file (personal data that never went into the school's data) is deleted.
IMPORT_PREVIEW_EXPIRE_DAYS = env.int("IMPORT_PREVIEW_EXPIRE_DAYS", default=7)

# --- Encryption at rest (counselling notes, socio-economic fields) -----------------------------
# A Fernet key (urlsafe base64, 32 bytes). Required: never derived from SECRET_KEY, whose default
# is public. Without one the system check (smk_dashboard.E001) stops a DEBUG-off process and
# encrypting or decrypting a field raises. `make run` and the tests set a public development key.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Rendered page fragments (smk_dashboard/core/page_cache.py) and cached sessions
# (smk_dashboard/signin/sessions.py). CACHE_URL defaults to the broker's Redis; the key
# prefix keeps the two apart.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="smk"),
        "TIMEOUT": 300,
        # A dead Redis answers within a second instead of hanging a page.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# How long a cached risk-list page may be served when no write reported a change (seconds).
RISK_PAGE_CACHE_SECONDS = env.int("RISK_PAGE_CACHE_SECONDS", default=60)
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A worker killed mid-task (SIGKILL, OOM) gives the message back instead of losing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=2 * 60 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=2 * 60 * 60 - 120)
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3 * 60 * 60}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = tuple(Queue(q, Exchange(q), routing_key=q) for q in ("default", "ml", "gpu"))
CELERY_TASK_DEFAULT_EXCHANGE = "default"
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {
    "predictions.tasks.training_run_task": {"queue": env("TRAINING_QUEUE", default="ml")},
}
RETRAIN_ON_NEW_DATA = env.bool("RETRAIN_ON_NEW_DATA", default=True)
# A training run silent this long (no progress heartbeat) lost its worker and is failed.
TRAINING_HEARTBEAT_TIMEOUT = env.int("TRAINING_HEARTBEAT_TIMEOUT", default=30 * 60)
# Periodic jobs, all in one place (run one `celery beat` per site).
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE  # smk_dashboard/beat_schedule.py
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# Used by health checks and ad-hoc scripts; tests never run tasks eagerly.
CELERY_TASK_ALWAYS_EAGER = False

# --- E-mail (optional: reminders of overdue BK follow-ups) -------------------------------------
# EMAIL_URL as django-environ reads it, e.g. smtp+tls://user:pass@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SMK Dashboard <noreply@localhost>")
# The address links in e-mails start with (the notification digest), e.g. https://smk.example.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
INTERVENTION_REMINDER_EMAILS = env.bool("INTERVENTION_REMINDER_EMAILS", default=False)
# Issue 17: a student with no parent contact or session for this many days is listed by the
# daily check; strengths count a subject rising this many points, alpa falling this many days.
UNATTENDED_CONTACT_DAYS = env.int("UNATTENDED_CONTACT_DAYS", default=30)
# Also e-mail the daily list to each bk and walikelas who has students on it (no notes).
UNATTENDED_EMAILS = env.bool("UNATTENDED_EMAILS", default=False)
STRENGTH_MIN_GRADE_GAIN = env.int("STRENGTH_MIN_GRADE_GAIN", default=10)
STRENGTH_MIN_ALPA_DROP = env.int("STRENGTH_MIN_ALPA_DROP", default=3)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "smk_dashboard.core.api_support.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON nested too deep for Python's parser answers 400, not 500 (RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "smk_dashboard.core.api_support.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The browsable HTML API only while developing: in production every answer is JSON (no
    # forms that post to endpoints, no HTML rendering of API data in a browser).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "smk_dashboard.core.api_support.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "smk_dashboard.core.api_support.AnonThrottle",
        "smk_dashboard.core.api_support.UserThrottle",
        "smk_dashboard.core.api_support.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="30/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
        # POST /api/v1/auth/token/: guessing passwords is also limited by django-axes.
        "auth": env("API_THROTTLE_AUTH", default="10/min"),
    },
}
# API tokens expire; a client asks for a new one at /api/v1/auth/token/.
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=7 * 24)
SPECTACULAR_SETTINGS = {
    "TITLE": "SMK Dashboard API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "DESCRIPTION": "Data siswa adalah data anak (UU PDP No. 27/2022): setiap akses dicatat.",
    # Several fields are called "kind": one schema name per choice set.
    "ENUM_NAME_OVERRIDES": {
        "LetterKindEnum": "interventions.conduct.models.LetterKind",
        "BehaviourKindEnum": "interventions.conduct.models.BehaviourKind",
        "NotificationKindEnum": "smk_dashboard.core.notifications.NotificationKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "smk_dashboard.core.api_support.add_error_responses",
    ],
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and the metrics scraper talk plain HTTP to the app itself, not through the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain (often the school's .sch.id domain, with
# sites we do not run) to HTTPS forever, so it is a choice for the school, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Idle timeout: a session ends this many seconds after its last request (the middleware
# SessionIdleTimeoutMiddleware moves the expiry forward at most once a minute).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# Sessions are kept in the database and read through the cache (smk_dashboard/signin/sessions.py).
SESSION_ENGINE = "smk_dashboard.signin.sessions"
# Scripts only from our own origin; plotly needs inline styles, never inline scripts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)

# Lockout after repeated failed logins (django-axes): per username and address pair, so that
# a stranger cannot lock a teacher out from elsewhere. The lockout page is in Indonesian.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "smk_dashboard.signin.lockout.lockout_response"
# Besides the per (user name, address) limit above: this many failures from one address within
# the cool-off time, over all user names tried, lock that address out (issue 25, finding 10).
# Larger than AXES_FAILURE_LIMIT: a whole school may sign in from one NAT address.
AXES_HANDLER = "smk_dashboard.signin.lockout.AddressLimitHandler"
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
# First enrolment of a role in REQUIRE_2FA_ROLES needs a one-time code from the school's
# operator or kepsek (/accounts/enrolment-codes/); it expires after this many hours.
TWO_FACTOR_ENROLMENT_CODE_HOURS = env.int("TWO_FACTOR_ENROLMENT_CODE_HOURS", default=72)
# Only REMOTE_ADDR unless a proxy is declared: X-Forwarded-For is trivially forged.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if env.bool("BEHIND_TLS_PROXY", default=False)
    else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_TLS_PROXY", default=False) else None
AXES_IPWARE_PROXY_ORDER = "right-most"  # the address our own proxy appended

# --- Privacy (UU PDP No. 27/2022) -------------------------------------------------------------
# How long audit entries are kept; `purge_audit` (nightly via Celery beat) removes older ones.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
# HMAC key for pseudonyms (anonymised NISN, research export). Without one, development derives
# a key from SECRET_KEY; the deploy check asks for a real one.
PSEUDONYM_KEY = env("PSEUDONYM_KEY", default="")
# Research exports drop any group smaller than this (k-anonymity on the published columns).
SMALL_CELL_THRESHOLD = 5

# --- Logging ----------------------------------------------------------------------------------
# LOG_FORMAT=json writes one JSON object per line; every record carries the request id
# (smk_dashboard/ops/logging.py). Celery workers and beat log through the same config.
LOGGING = logging_config(
    log_format=env("LOG_FORMAT", default="plain"), level=env("LOG_LEVEL", default="INFO")
)
# Every login is in the audit trail already; django-axes reports only lockouts.
LOGGING.setdefault("loggers", {})["axes"] = {"level": env("AXES_LOG_LEVEL", default="WARNING")}

# --- Metrics and backups ----------------------------------------------------------------------
# /metrics answers loopback requests that did not come through a proxy, or this bearer token.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# With a port, each Celery worker serves its metrics there (0 = off).
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDR = env("WORKER_METRICS_ADDR", default="127.0.0.1")
# `manage.py backup` writes here and keeps the newest BACKUP_KEEP backups.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / "backups")))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)

# --- Product ----------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="smkdemo123")  # noqa: S105 — printed demo login
DEFAULT_KKM = 75
DEFAULT_BAIK_THRESHOLD = 85
# Serve from the app/static folders too, so tests and a fresh `make run` need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
