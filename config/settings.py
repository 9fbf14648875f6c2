"""KhuyenCong settings.

Every value comes from the environment through one reader (django-environ); each variable is listed
in docs/configuration.md. ``KHUYENCONG_ENV`` selects the safety level: ``production`` (the default, so
a forgotten variable fails safe), ``development`` (``make demo``) or ``test`` (pytest).
"""

from __future__ import annotations

import secrets
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

KHUYENCONG_ENV = env.str("KHUYENCONG_ENV", default="production")
if KHUYENCONG_ENV not in {"production", "development", "test"}:
    raise ImproperlyConfigured("KHUYENCONG_ENV must be production, development or test.")
IS_PRODUCTION = KHUYENCONG_ENV == "production"

DEBUG = env.bool("DEBUG", default=KHUYENCONG_ENV == "development")
VAR_DIR = Path(env.str("KHUYENCONG_VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """Production refuses a missing or weak key; other environments get a local throwaway one."""
    key = env.str("SECRET_KEY", default="")
    if IS_PRODUCTION:
        if len(key) < 50 or key.startswith("django-insecure") or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "SECRET_KEY must be set to a random value of at least 50 characters in production."
            )
        return key
    return key or "dev-only-" + secrets.token_urlsafe(48)


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "csp",
    "django_prometheus",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "khuyencong.core",
    "khuyencong.geo",
    "khuyencong.accounts",
    "khuyencong.notifications",
    "khuyencong.establishments",
    "khuyencong.schemes",
    "khuyencong.training",
    "khuyencong.cooperation",
    "khuyencong.products",
    "khuyencong.fairs",
    "khuyencong.indicators",
    "khuyencong.reports",
    "khuyencong.audit",
    "khuyencong.exchange",
    "khuyencong.demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "khuyencong.core.middleware_input.RejectNulInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "khuyencong.core.middleware_cache.NoStoreDownloadsMiddleware",
    "khuyencong.accounts.sessions.SessionTimeoutMiddleware",
    "khuyencong.accounts.two_factor.TwoFactorRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Writes the entries held for review (core/review.py) after the request's transactions ended.
    "khuyencong.core.review.HeldDuplicatesMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "khuyencong" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "khuyencong.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# SQLite file under var/ when DATABASE_URL is unset: zero set-up for a newcomer.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'khuyencong.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer commits; a busy timeout avoids spurious "database is locked".
    # IMMEDIATE takes the write lock when a transaction begins: a second writer waits for the first
    # instead of failing when its read snapshot turns stale, then sees the new version (a stale edit).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )
# Optional read replica for reports (see khuyencong.core.db_router and docs/deployment.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["khuyencong.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while an account or address is locked out
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/dang-nhap/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if KHUYENCONG_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "khuyencong" / "locale"]
# dd/mm/yyyy, 1.234.567 and "3,5" whatever the browser (khuyencong/formats/).
FORMAT_MODULE_PATH = ["khuyencong.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "khuyencong" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Static files are collected only for production; elsewhere WhiteNoise serves them from the apps,
# also when the demo runs with DEBUG off to show the application's own error pages.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
warnings.filterwarnings("ignore", message="No directory at")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "khuyencong.accounts.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "khuyencong.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KhuyenCong API",
    "DESCRIPTION": "API v1 của hệ thống quản lý hoạt động khuyến công.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a "status" or "kind" choice list; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "FairParticipationKindEnum": "khuyencong.fairs.models.ParticipationKind",
    },
}

# Lock-out after repeated failed logins, per account and per address, with a cool-off (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)

OTP_TOTP_ISSUER = "KhuyenCong"
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=8 * 3600)  # seconds

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="khuyencong@localhost")
# The address people reach the site at: links in e-mails (invitations, notifications, digests) start with it.
SITE_URL = env.str("KHUYENCONG_SITE_URL", default="http://127.0.0.1:8000")

# Content Security Policy without inline scripts or styles (django-csp).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security headers and cookies: strict unless explicitly developing locally.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=IS_PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# Structured (JSON) logs in production so a log collector can index them; plain text elsewhere.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Libraries that narrate every step at INFO (PDF layout, font subsetting) speak only on problems.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "axes")},
}

# Background jobs (Celery). No broker configured: jobs run in-process, synchronously.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)

# Prometheus scrape token; without one, /metrics answers only requests from the machine itself.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Days an API token is valid unless its issuer says otherwise (accounts/tokens.py).
API_TOKEN_DAYS = env.int("KHUYENCONG_API_TOKEN_DAYS", default=90)

# Business settings.
# Days an invitation link for an establishment representative stays valid (issue 18).
REPRESENTATIVE_INVITATION_DAYS = env.int("KHUYENCONG_INVITATION_DAYS", default=7)
# Self-registrations as a representative allowed per visitor address and minute (then a refusal page).
SELF_REGISTRATIONS_PER_MINUTE = env.int("KHUYENCONG_SELF_REGISTRATIONS_PER_MINUTE", default=5)
PROVINCE_CODE = env.str("KHUYENCONG_PROVINCE_CODE", default="79")
# How often (seconds) a worker checks whether another process reloaded the unit register, which changes
# area scopes it keeps cached. None: only when it computes them (tests, whose query counts must not vary).
GEO_REGISTER_RECHECK_SECONDS: int | None = (
    None if KHUYENCONG_ENV == "test" else env.int("KHUYENCONG_GEO_RECHECK_SECONDS", default=10))
# Day of the month on which year and half-year reporting periods close (day 1: calendar periods).
REPORT_CUTOFF_DAY = env.int("KHUYENCONG_REPORT_CUTOFF_DAY", default=15)
# Searches of trainees by full national ID number allowed per user and minute (then 429); each is logged.
PERSON_ID_LOOKUPS_PER_MINUTE = env.int("KHUYENCONG_ID_LOOKUPS_PER_MINUTE", default=10)
# Letterhead of generated reports (Decree 30/2020 layout); each department sets its own.
REPORT_PARENT_BODY = env.str("KHUYENCONG_REPORT_PARENT_BODY", default="UBND Thành phố Hồ Chí Minh")
REPORT_ISSUING_BODY = env.str("KHUYENCONG_REPORT_ISSUING_BODY", default="Sở Công Thương")
REPORT_NUMBER = env.str("KHUYENCONG_REPORT_NUMBER", default="      /BC-SCT")
REPORT_PLACE = env.str("KHUYENCONG_REPORT_PLACE", default="Thành phố Hồ Chí Minh")
REPORT_SIGNER_TITLE = env.str("KHUYENCONG_REPORT_SIGNER_TITLE", default="Giám đốc")
REPORT_SIGNER_NAME = env.str("KHUYENCONG_REPORT_SIGNER_NAME", default="")
# Authority line above the title when a deputy signs (Decree 30: "KT. GIÁM ĐỐC"); empty when the head signs.
REPORT_SIGNER_AUTHORITY = env.str("KHUYENCONG_REPORT_SIGNER_AUTHORITY", default="")
REPORT_RECIPIENTS = env.list("KHUYENCONG_REPORT_RECIPIENTS", default=[
    "Bộ Công Thương", "UBND Thành phố", "Ban Giám đốc Sở",
])
# Digital signature of issued reports (PAdES): the organisation's certificate as a PKCS#12 file.
# Without one, development and test sign with a self-signed demo certificate under VAR_DIR;
# production refuses to sign (docs/configuration.md).
REPORT_SIGNING_PKCS12 = env.str("KHUYENCONG_REPORT_SIGNING_PKCS12", default="")
REPORT_SIGNING_PASSPHRASE = env.str("KHUYENCONG_REPORT_SIGNING_PASSPHRASE", default="")
REPORT_SIGNING_DEMO = not IS_PRODUCTION
