"""Settings for the pathology teaching portal.

Everything that differs between a laptop and a deployment comes from the environment:
DATABASE_URL (PostgreSQL in production and CI; SQLite by default), CELERY_BROKER_URL (Redis or
RabbitMQ; by default an embedded filesystem broker that needs no daemon), CACHE_URL (Redis;
by default a per-process memory cache), PORTAL_DATA_DIR (uploads, pyramids, quarantine).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from portal import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PORTAL_DATA_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a deployment that forgets the variable must not show debug pages.
# `make run` turns it on for the demo.
DEBUG = env_bool("DJANGO_DEBUG", False)
if DEBUG:
    SECRET_KEY = secret_key.development_key(
        os.environ.get("DJANGO_SECRET_KEY"), key_file=DATA_DIR / "secret-key"
    )
else:
    SECRET_KEY = secret_key.production_key(
        os.environ.get("DJANGO_SECRET_KEY"), source_root=BASE_DIR, skip=[DATA_DIR]
    )
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

# One switch for a deployment that terminates TLS at nginx (which sets X-Forwarded-Proto and
# X-Forwarded-For): plain HTTP is redirected, browsers are told to use HTTPS only (HSTS for a
# year), cookies never travel over HTTP, and the proxy's headers are believed. It is off by
# default because believing those headers without such a proxy would let clients forge them.
BEHIND_HTTPS_PROXY = env_bool("DJANGO_HTTPS", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "portal",
    "slides",
    "courses",
    "lti_tool",
    "courses.lti",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: JSON over the size or depth limit is a 400 on every route.
    "portal.json_body_limits.JSONBodyLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last; does nothing unless DEBUG is on (the demo), where it keeps the portal's error pages.
    "portal.error_pages.PortalErrorPagesInDebug",
]
CSRF_FAILURE_VIEW = "portal.error_pages.csrf_failure"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if os.environ.get("TEST_DATABASE_NAME"):
    # Two checkouts testing at once (a developer and CI) must not share a test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at the same time: WAL lets readers carry on, and
    # IMMEDIATE transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Login protection (django-axes) --------------------------------------------------------
# Every sign-in over HTTP (login page, admin, API Basic auth) is counted per account and per
# address, each on its own: AXES_FAILURE_LIMIT failures for one username, or from one address,
# pause sign-in for that account or address until the cool-off ends or an administrator unlocks
# it (admin: Axes > Access attempts, or `manage.py axes_reset_username` / `axes_reset_ip`).
AUTHENTICATION_BACKENDS = [
    "portal.authentication.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PORTAL_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PORTAL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "portal.lockout.lockout_page"
AXES_CLIENT_IP_CALLABLE = "portal.client_address.client_address"

# Argon2id first (portal/password_hashing.py says why); PBKDF2 still verifies older hashes.
PASSWORD_HASHERS = [
    "portal.password_hashing.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Email (the PACS "a slide arrived" notice): SMTP when DJANGO_EMAIL_HOST is set; otherwise the
# messages are written to the log stream, so nothing is sent by accident from a test or demo.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_TLS", "1") == "1"
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "portal@localhost")
# Where links in emails point: the site's address as people reach it.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://localhost:8000").rstrip("/")
# Where the accessibility statement (/accessibility/) tells people to report a problem or ask for
# content in another format: the team that runs this deployment, not the software's authors. By
# default the address the portal already sends its mail from.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get(
    "PORTAL_ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploads stream to disk (never into memory), on the same filesystem as the slide store so
# that accepting an upload is a rename, not a copy.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "upload-tmp")
# Large enough for a 10^6-vertex polygon to reach geometry validation and be refused there
# with a clear reason; uploads of files are not limited by this (they stream to disk).
DATA_UPLOAD_MAX_MEMORY_SIZE = 40 * 1024 * 1024
# The largest course bundle the import page accepts (nginx's client_max_body_size is 20G).
COURSE_BUNDLE_MAX_BYTES = int(os.environ.get("COURSE_BUNDLE_MAX_BYTES", str(20 * 1024**3)))

# --- Slides -------------------------------------------------------------------------------
SLIDES = {
    # Where originals wait for processing (private, never served).
    "INCOMING_DIR": DATA_DIR / "incoming",
    # De-identified tile pyramids (servable; may be shared disk between web nodes).
    "PYRAMID_DIR": DATA_DIR / "pyramids",
    # Links from exam aliases to their slide's pyramid, for nginx (slides/alias_links.py).
    "ALIAS_LINK_DIR": DATA_DIR / "pyramid-aliases",
    # Originals kept after verification when QUARANTINE_DAYS > 0 (private, never served).
    "QUARANTINE_DIR": DATA_DIR / "quarantine",
    "QUARANTINE_DAYS": int(os.environ.get("SLIDES_QUARANTINE_DAYS", "0")),
    # Decompression-bomb limits, checked before any pixel is read.
    "MAX_DIMENSION": int(os.environ.get("SLIDES_MAX_DIMENSION", "250000")),
    "MAX_PIXELS": int(os.environ.get("SLIDES_MAX_PIXELS", str(20_000_000_000))),
    "MAX_LEVELS": 32,
    "MAX_ZIP_MEMBERS": 20000,
    "MAX_ZIP_BYTES": int(os.environ.get("SLIDES_MAX_ZIP_BYTES", str(50 * 1024**3))),
    "TILE_SIZE": 256,
    "JPEG_QUALITY": 85,
    "TILES_PER_CHUNK": int(os.environ.get("SLIDES_TILES_PER_CHUNK", "512")),
    "MAX_TASK_ATTEMPTS": 3,
    # Longest life of a tile URL's HMAC token (at most 3600; slides/tile_tokens.py refuses more
    # at start): how long tile access can outlive a removed enrolment. Viewers renew it.
    "TILE_TOKEN_SECONDS": int(os.environ.get("SLIDES_TILE_TOKEN_SECONDS", "3600")),
    # An S3-compatible bucket for pyramids and waiting originals (slides/object_storage.py);
    # None (no bucket named) keeps everything on PORTAL_DATA_DIR as before.
    "OBJECT_STORAGE": None,
    # A series a PACS sends over several STOW-RS requests is one import: its build waits until
    # no instance of it has arrived for this long (slides/dicomweb_push.py).
    "STOW_SETTLE_SECONDS": float(os.environ.get("SLIDES_STOW_SETTLE_SECONDS", "5")),
}
if os.environ.get("PORTAL_OBJECT_STORAGE_BUCKET"):
    SLIDES["OBJECT_STORAGE"] = {
        "BUCKET": os.environ["PORTAL_OBJECT_STORAGE_BUCKET"],
        # Empty for AWS itself; e.g. https://minio.example.org:9000 for another server.
        "ENDPOINT_URL": os.environ.get("PORTAL_OBJECT_STORAGE_ENDPOINT_URL") or None,
        "REGION": os.environ.get("PORTAL_OBJECT_STORAGE_REGION", "us-east-1"),
        # Unset: boto3's own chain (AWS_ACCESS_KEY_ID..., an instance role).
        "ACCESS_KEY_ID": os.environ.get("PORTAL_OBJECT_STORAGE_ACCESS_KEY_ID") or None,
        "SECRET_ACCESS_KEY": os.environ.get("PORTAL_OBJECT_STORAGE_SECRET_ACCESS_KEY") or None,
        "ADDRESSING_STYLE": os.environ.get("PORTAL_OBJECT_STORAGE_ADDRESSING_STYLE", "path"),
    }

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = DATA_DIR / "broker"
    for _folder in (_queue_dir / "queue", _queue_dir / "processed", _queue_dir / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
else:
    # Redelivery of a message whose worker vanished (kill -9, lost machine). Chunk tasks are
    # short, so this can be far below the default hour.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Tile work gets its own queue, so slide builds can be given their own workers.
CELERY_TASK_ROUTES = {"slides.tasks.*": {"queue": "tiles"}}
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Basic first: its challenge makes missing or wrong credentials a 401 (see the class).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.ApiBasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pathology teaching portal API",
    "DESCRIPTION": "Slides, courses and assessment on de-identified whole-slide images.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SlideStatusEnum": "slides.models.Slide.Status",
        "CourseStatusEnum": "courses.models.Course.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # These log a PACS's URLs and DICOM values (UIDs that name a hospital, accession numbers,
        # search filters): never the portal's to keep. slides/dicomweb.py reports PACS errors.
        **{
            name: {"handlers": ["null"], "level": "CRITICAL", "propagate": False}
            for name in ("dicomweb_client", "pydicom", "urllib3")
        },
    },
}

# The login page lists the demo accounts only where the demo is seeded (`make run`).
SHOW_DEMO_ACCOUNTS = env_bool("PORTAL_SHOW_DEMO_ACCOUNTS", False)

# The data folders must exist before the first upload streams to disk.
for _folder in (
    DATA_DIR,
    Path(FILE_UPLOAD_TEMP_DIR),
    SLIDES["INCOMING_DIR"],
    SLIDES["PYRAMID_DIR"],
    SLIDES["ALIAS_LINK_DIR"],
    SLIDES["QUARANTINE_DIR"],
):
    Path(_folder).mkdir(parents=True, exist_ok=True)

CELERY_BEAT_SCHEDULE = {
    "submit-overdue-attempts": {"task": "courses.tasks.submit_overdue_attempts", "schedule": 30.0},
    "lti-roster-sync": {"task": "courses.lti.tasks.sync_all_rosters", "schedule": 24 * 3600.0},
    "sweep-dicomweb-pushes": {"task": "slides.tasks.sweep_dicomweb_pushes", "schedule": 300.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# LTI 1.3 (courses/lti/). A platform role that makes the person an examiner of the linked course
# (checked before Instructor, since a grader usually also carries the Instructor role).
LTI_EXAMINER_ROLES = [
    role
    for role in os.environ.get(
        "LTI_EXAMINER_ROLES",
        "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#Grader",
    ).split(",")
    if role
]
# A new signing key is published in the JWKS this long before it starts signing, so platforms
# that cache the tool's key set have fetched it before they meet a token signed with it.
LTI_KEY_PUBLISH_SECONDS = int(os.environ.get("LTI_KEY_PUBLISH_SECONDS", str(24 * 3600)))
# First pause before retrying a call to an LMS that is down; doubles each time (at most 1 hour).
LTI_RETRY_BASE_SECONDS = float(os.environ.get("LTI_RETRY_BASE_SECONDS", "30"))
