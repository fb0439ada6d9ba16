"""Settings shared by every environment.

This is the only module that reads the environment. Every variable is listed,
with its default, in README's configuration table.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_str(name: str, default: str = "") -> str:
    """Return an environment variable as a stripped string."""
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    """Return an environment variable as a boolean (1/true/yes/on)."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str) -> int | None:
    """Return an environment variable as a whole number, or ``None`` when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}: ожидается целое число, а не «{value}»."
        ) from None


def only_set(values: dict[str, object]) -> dict[str, object]:
    """The values of variables that are set: the apps' ``conf.py`` default the rest."""
    return {key: value for key, value in values.items() if value not in (None, "")}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated environment variable as a list."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
PORT = env_str("PORT", "8000")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal_site",
    "search",
    "publications",
    "cms_blocks",
    "evaluation",
    "wagtail.api.v2",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "rest_framework.authtoken",
    "corsheaders",
    "csp",
    "drf_spectacular_sidecar",
    "import_export",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal_site.middleware.ContentSecurityPolicyMiddleware",
    "portal_site.middleware.PermissionsPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "portal_site.middleware.RejectNullBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on GET responses and 304 for a matching If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Pages may not be framed (the widget and badge views opt out on purpose).
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), on every response. Public pages run
# only the site's own static scripts and styles: no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The widget's help page previews the widget in a frame.
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Wagtail's and Django's admin screens still need inline scripts and styles
# (and Wagtail previews pages in a frame of its own): a relaxed policy there.
QP_CSP_RELAXED_PATHS = ("/admin/", "/django-admin/")
QP_CSP_RELAXED_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
# Browser features no page of the portal uses are switched off for it and
# for anything it frames (Permissions-Policy header).
QP_PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "()",
    "display-capture": "()",
    "encrypted-media": "()",
    "fullscreen": "(self)",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "usb": "()",
}

ROOT_URLCONF = "portal_site.urls"
WSGI_APPLICATION = "portal_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal_site.context_processors.portal",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo server read while a long import writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Krasnoyarsk")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT") or str(VAR_DIR / "static")
# WhiteNoise serves STATIC_ROOT; before the first collectstatic it is empty.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT") or str(VAR_DIR / "media")
# Uploads that are not for the public (original spreadsheets, evidence,
# documents under review…) live outside MEDIA_ROOT and are served only by
# ``evaluation.files.serve`` after a policy check, at /files/<name>.
# Behind nginx, QP_PRIVATE_FILES_ACCEL names an ``internal`` location that
# aliases QP_PRIVATE_ROOT, and nginx sends the bytes (X-Accel-Redirect).
QP_PRIVATE_ROOT = env_str("QP_PRIVATE_ROOT") or str(VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": QP_PRIVATE_ROOT,
            "base_url": "/files/",
            "directory_permissions_mode": 0o750,
            "file_permissions_mode": 0o640,
        },
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@quality-portal.local")

# The cache holds API throttles, rendered page content and its data version,
# so with more than one process it must be shared: production uses the
# database (``shared_cache``), or Redis/Valkey when QP_CACHE_URL names one
# (redis://, rediss:// or unix://); development and tests one process's memory.
QP_CACHE_URL = env_str("QP_CACHE_URL")
CACHE_TABLE = "qp_cache"


def shared_cache(url: str) -> dict[str, object]:
    """The cache every process and host shares: Redis/Valkey at ``url``, or
    the database's ``qp_cache`` table (``migrate`` creates it)."""
    if url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "qp",
        }
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        # Every write counts the table's rows (a scan of up to this many);
        # past it, expired rows go first, then a quarter of the rest. Under
        # heavy load Redis/Valkey (QP_CACHE_URL) avoids both.
        "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
    }


CACHES = {
    "default": shared_cache(QP_CACHE_URL)
    if QP_CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quality-portal",
    }
}

# Wagtail
WAGTAIL_SITE_NAME = "Портал качества социальных услуг"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
# The admin's policy loads nothing from other sites (and editors' e-mail hashes
# are not sent to Gravatar): default avatars, no update check from the browser.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_DOCUMENT_MODEL = "qp_publications.PortalDocument"
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "odt",
    "ods",
    "pdf",
    "rtf",
    "txt",
    "xlsx",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Wagtail's own search (admin) stays on the database; public search is ours.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

# How many proxies in front of the app append to X-Forwarded-For (0: none,
# the socket address is the client). Throttles and questionnaire limits use it.
QP_TRUSTED_PROXIES = int(env_str("QP_TRUSTED_PROXIES") or 0)

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "evaluation.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "evaluation.api.errors.api_exception_handler",
    # Anonymous clients are rate-limited per address, signed-in ones per user.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("QP_API_ANON_RATE") or "300/min",
        "user": env_str("QP_API_USER_RATE") or "3000/min",
        "calculator": env_str("QP_CALCULATOR_RATE") or "60/min",
        "imports": env_str("QP_API_IMPORT_RATE") or "30/min",
    },
    # Throttles count per client address: X-Forwarded-For is read only as far
    # as the trusted proxies go (README: "Behind a reverse proxy"), otherwise
    # a client could pick a new address for every request.
    "NUM_PROXIES": QP_TRUSTED_PROXIES,
}
# Other sites may read the API from browsers (GET only); writes need a token.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
# Request bodies outside file uploads (JSON, forms) are small.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env_str("QP_MAX_REQUEST_BYTES") or 5 * 1024 * 1024)

SPECTACULAR_SETTINGS = {
    "TITLE": "Портал качества: API",
    "DESCRIPTION": "Открытые данные независимой оценки качества (НОК) и Декады качества.",
    "VERSION": "1",
    "PREPROCESSING_HOOKS": ["portal_site.api.public_api_only"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "evaluation.enums.OrganisationKind",
        "CampaignKindEnum": "evaluation.enums.CampaignKind",
        "SubmissionKindEnum": "evaluation.enums.SubmissionKind",
        "CampaignStatusEnum": "evaluation.enums.CampaignStatus",
        "MeasureStatusEnum": "evaluation.enums.MeasureStatus",
        "PlanStatusEnum": "evaluation.enums.PlanStatus",
        "SubmissionStatusEnum": "evaluation.enums.SubmissionStatus",
    },
}

# Django's task framework: Wagtail's own tasks run immediately; imports run on
# the "imports" backend, by default a thread of the web process (no worker or
# broker needed). Production keeps them in the database for a worker
# (django_tasks_db.DatabaseBackend, `manage.py db_worker --backend imports`);
# QP_IMPORT_TASK_BACKEND names another backend.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "imports": {
        "BACKEND": env_str("QP_IMPORT_TASK_BACKEND")
        or "evaluation.imports.background.ThreadBackend"
    },
}

# Public search: Elasticsearch when configured, the database otherwise.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
QP_SEARCH = {
    "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
    **only_set({"INDEX_PREFIX": env_str("ELASTICSEARCH_INDEX_PREFIX")}),
}

# Plugin settings, read through each app's settings object (``evaluation.conf``,
# ``publications.conf``, ``search.conf``), which states every default once:
# only the variables that are set are passed on. The flat names these
# variables had as Django settings (``QP_IMPORT_MAX_BYTES``, …) still work.
QP_EVALUATION: dict[str, object] = only_set(
    {
        # The online questionnaire.
        "QUESTIONNAIRE_IP_SALT": env_str("QP_QUESTIONNAIRE_IP_SALT"),
        "QUESTIONNAIRE_TRUSTED_PROXIES": QP_TRUSTED_PROXIES,
        "QUESTIONNAIRE_IP_LIMIT": env_int("QP_QUESTIONNAIRE_IP_LIMIT"),
        "QUESTIONNAIRE_ORGANISATION_LIMIT": env_int(
            "QP_QUESTIONNAIRE_ORGANISATION_LIMIT"
        ),
        # Deadline reminders (``manage.py send_deadline_reminders``), working days.
        "REMINDER_DAYS_BEFORE": env_int("QP_REMINDER_DAYS_BEFORE"),
        "REMINDER_DAYS_AFTER": env_int("QP_REMINDER_DAYS_AFTER"),
        "REMINDER_REPEAT_EVERY": env_int("QP_REMINDER_REPEAT_EVERY"),
        "REMINDER_MAX_OVERDUE": env_int("QP_REMINDER_MAX_OVERDUE"),
        # Spreadsheet imports: limits of one file; files at least
        # IMPORT_BACKGROUND_BYTES big are checked and imported in the background.
        "IMPORT_MAX_BYTES": env_int("QP_IMPORT_MAX_BYTES"),
        "IMPORT_MAX_ROWS": env_int("QP_IMPORT_MAX_ROWS"),
        "IMPORT_MAX_UNCOMPRESSED": env_int("QP_IMPORT_MAX_UNCOMPRESSED"),
        "IMPORT_MAX_CELLS": env_int("QP_IMPORT_MAX_CELLS"),
        "IMPORT_BACKGROUND_BYTES": env_int("QP_IMPORT_BACKGROUND_BYTES"),
        # Other private uploads (answers to instructions, …).
        "UPLOAD_MAX_BYTES": env_int("QP_UPLOAD_MAX_BYTES"),
        "PRIVATE_FILES_ACCEL": env_str("QP_PRIVATE_FILES_ACCEL"),
    }
)
QP_PUBLICATIONS: dict[str, object] = only_set(
    {
        # Rendered public page content is cached this long (0: off).
        "PAGE_CACHE_SECONDS": env_int("QP_PAGE_CACHE_SECONDS"),
        # Where the organisation card sends citizens to rate on the federal site.
        "BUS_GOV_SEARCH_URL": env_str("QP_BUS_GOV_SEARCH_URL"),
        # Working days the public council has for a document sent for review.
        "COUNCIL_REVIEW_WORKING_DAYS": env_int("QP_COUNCIL_REVIEW_WORKING_DAYS"),
        # The user guides of the admin's «Помощь» (default: the checkout's).
        "GUIDE_DIR": env_str("QP_GUIDE_DIR"),
    }
)

# Demo mode labels every public page as demo data.
QP_DEMO = env_bool("QP_DEMO", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # One line per state of every task (Wagtail's reference index runs one per
    # saved object) buried `make run`'s set-up output; the worker
    # (`db_worker`) sets this logger's level itself.
    "loggers": {"django_tasks": {"level": env_str("LOG_TASKS_LEVEL", "WARNING")}},
}


def require_secret_key(secret_key: str, debug: bool) -> str:
    """Refuse to run without a secret key outside debug mode."""
    if not secret_key and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set the SECRET_KEY variable."
        )
    return secret_key
