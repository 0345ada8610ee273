"""Settings for every environment. Production differs from development only by environment
variables, documented in `.env.example` and `docs/deploy.md`."""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from qinkuaiban.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QKB_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _persistent_secret(name: str, env_name: str) -> str:
    """A secret from the environment, else one generated once and kept in var/ (never in git)."""
    value = env_str(env_name)
    if value:
        return value
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _persistent_secret("secret_key", "SECRET_KEY")
# Key for personal data encrypted at rest (ID numbers); separate from SECRET_KEY so rotating
# sessions never makes stored data unreadable.
QKB_FIELD_KEY = _persistent_secret("field_key", "QKB_FIELD_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Our apps come first: Django looks a msgid up in the apps' catalogues in this order, so our
# wording ("筛选", "页面不存在") wins over django.contrib's for the same English msgid.
INSTALLED_APPS = [
    "qinkuaiban.core",
    "qinkuaiban.identity",
    "qinkuaiban.audit",
    "qinkuaiban.workdays",
    "qinkuaiban.notifications",
    "qinkuaiban.catalogue",
    "qinkuaiban.cases",
    "qinkuaiban.feedback",
    "qinkuaiban.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "qinkuaiban.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qinkuaiban.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "qinkuaiban.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qinkuaiban.identity.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qinkuaiban.core.middleware.DatabaseUnavailableMiddleware",
    # Last, as axes asks: it turns a locked-out login into our own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qinkuaiban.urls"
WSGI_APPLICATION = "qinkuaiban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qinkuaiban.web.context_processors.platform",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# --- Database ------------------------------------------------------------------------------
# Embedded default: SQLite in var/ with WAL, so the platform runs with no server at all.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qinkuaiban.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one failing
        # halfway with "database is locked"; WAL lets readers go on while a writer works.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    # The queue's covering indexes carry INCLUDE columns for PostgreSQL; SQLite builds the
    # same indexes without them, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    # Persistent connections: a new connection per request costs list pages ~60 % (DESIGN.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 600)
    # A health check is one more round trip at the start of every request. Without it, a
    # connection the database dropped (a restart, a failover) fails its next request with the
    # clear 503 of DatabaseUnavailableMiddleware and is replaced at that request's end; the
    # check would save that one request per connection. On for databases that drop idle
    # connections (a proxy with an idle timeout below DB_CONN_MAX_AGE).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", False)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # Server-side binding lets psycopg prepare a statement the second time a connection
        # runs it: PostgreSQL stops planning the same case and token queries on every request
        # (measured: case reads and submissions about 20 % faster). Switch off behind a
        # transaction-pooling PgBouncer, which cannot keep prepared statements.
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches: each server process its own (rate limits and sessions live in the database) ----
CACHES = {
    # Rendered guide pages and published figures, pickled: every reader gets its own copy.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The published guide's items and versions as objects, not pickled (core/objectcache.py).
    "objects": {
        "BACKEND": "qinkuaiban.core.objectcache.ObjectCache",
        "LOCATION": "objects",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# --- Identity and security ------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "qinkuaiban.identity.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": 3}},
    {"NAME": "qinkuaiban.identity.passwords.PasswordHistoryValidator",
     "OPTIONS": {"history": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Days before a password must be changed; 0 turns expiry off. [M] 等保: periodic change.
QKB_PASSWORD_MAX_AGE_DAYS = env_int("QKB_PASSWORD_MAX_AGE_DAYS", 90)

# Lockout: 5 failures lock the account, and separately the address, for 15 minutes.
AXES_FAILURE_LIMIT = env_int("QKB_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("QKB_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not restart it, so nobody can keep an account locked forever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qinkuaiban.identity.views.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# Idle timeout: every request pushes the expiry 30 minutes forward.
SESSION_COOKIE_AGE = env_int("QKB_SESSION_IDLE_MINUTES", 30) * 60
# The session is saved when it changes; identity's SessionPolicyMiddleware records activity
# (and so renews the session) at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

API_TOKEN_TTL_HOURS = env_int("QKB_API_TOKEN_TTL_HOURS", 24)
OTP_TOTP_ISSUER = env_str("QKB_OTP_ISSUER", "勤快办")

# HTTPS on by default outside DEBUG; the local `make run` demo on plain http turns it off.
QKB_HTTPS = env_bool("QKB_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = QKB_HTTPS
SESSION_COOKIE_SECURE = QKB_HTTPS
CSRF_COOKIE_SECURE = QKB_HTTPS
SECURE_HSTS_SECONDS = 31536000 if QKB_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = QKB_HTTPS
SECURE_HSTS_PRELOAD = QKB_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if QKB_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Paths the HTTPS redirect leaves alone (health checks from the load balancer).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "qinkuaiban" / "locale"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploaded materials live outside the web root and are only served through permission checks.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    # Django's file system storage, with a leaner write for uploads (core/storage.py).
    "default": {"BACKEND": "qinkuaiban.core.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("QKB_TESTING", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
QKB_UPLOAD_MAX_BYTES = env_int("QKB_UPLOAD_MAX_MB", 10) * 1024 * 1024
# The published figures on a guide page (承诺践诺, 好差评) are computed at most this often per
# server process and day: they cover twelve months, and the guide is read most on peak days.
QKB_PUBLIC_STATS_CACHE_SECONDS = env_int("QKB_PUBLIC_STATS_CACHE_SECONDS", 300)

# API lists page through one class that caps the page number (core/pagination.py).
NINJA_PAGINATION_CLASS = "qinkuaiban.core.pagination.BoundedPageNumberPagination"

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("QKB_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Notifications --------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "qinkuaiban@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
QKB_SMS_BACKEND = env_str("QKB_SMS_BACKEND", "qinkuaiban.notifications.sms.ConsoleSmsBackend")
QKB_SMS_GATEWAY_URL = env_str("QKB_SMS_GATEWAY_URL")
QKB_SMS_GATEWAY_TOKEN = env_str("QKB_SMS_GATEWAY_TOKEN")
# The platform's public address, to make links in e-mails absolute (e.g. https://qkb.example.gov.cn).
QKB_SITE_URL = env_str("QKB_SITE_URL", "")
QKB_NOTIFICATION_MAX_ATTEMPTS = env_int("QKB_NOTIFICATION_MAX_ATTEMPTS", 8)

# --- Cases and their clock ------------------------------------------------------------------
# Yellow warning at this many working days left, or once this share of the limit is used. [M]
QKB_CASE_YELLOW_DAYS_LEFT = env_int("QKB_CASE_YELLOW_DAYS_LEFT", 1)
QKB_CASE_YELLOW_USED_PERCENT = env_int("QKB_CASE_YELLOW_USED_PERCENT", 80)
# Source: 行政许可法 第四十二条 (+10 working days with the head's approval).
QKB_CASE_MAX_EXTENSION_DAYS = env_int("QKB_CASE_MAX_EXTENSION_DAYS", 10)
# 首问负责: a receiver has this many working days to take a transfer over; this transfer number
# escalates at once to the supervising division.
QKB_CASE_TRANSFER_DAYS = env_int("QKB_CASE_TRANSFER_DAYS", 1)
QKB_CASE_ESCALATE_AT_TRANSFER = env_int("QKB_CASE_ESCALATE_AT_TRANSFER", 3)
QKB_CASE_SUPERVISION_ORG = env_str("QKB_CASE_SUPERVISION_ORG", "goa-supervision")
QKB_PUBLIC_LOOKUP_PER_MINUTE = env_int("QKB_PUBLIC_LOOKUP_PER_MINUTE", 10)
QKB_CASE_SWEEP_BATCH = env_int("QKB_CASE_SWEEP_BATCH", 500)
# Queued intake (docs/adr/0006-queued-intake.md): while applications arrive at this many a
# second or more, the intake worker leaves the machine to receiving them, unless the oldest
# waiting one has waited this many seconds. [M]
QKB_INTAKE_BUSY_PER_SECOND = env_int("QKB_INTAKE_BUSY_PER_SECOND", 10)
QKB_INTAKE_MAX_DEFER_SECONDS = env_int("QKB_INTAKE_MAX_DEFER_SECONDS", 60)

# --- Feedback: 好差评, rectification, complaints and suggestions (working days) [M] ------------
# Source: 国办发〔2019〕51号 and local practice (domain.md §4); every limit is configurable.
QKB_FEEDBACK_RATING_WINDOW_DAYS = env_int("QKB_FEEDBACK_RATING_WINDOW_DAYS", 5)
QKB_FEEDBACK_COUNTER_TOKEN_MINUTES = env_int("QKB_FEEDBACK_COUNTER_TOKEN_MINUTES", 30)
QKB_FEEDBACK_CONTACT_DAYS = env_int("QKB_FEEDBACK_CONTACT_DAYS", 1)
QKB_FEEDBACK_VERIFY_DAYS = env_int("QKB_FEEDBACK_VERIFY_DAYS", 3)
QKB_FEEDBACK_RECTIFY_DAYS = env_int("QKB_FEEDBACK_RECTIFY_DAYS", 15)
QKB_FEEDBACK_CALL_BACK_DAYS = env_int("QKB_FEEDBACK_CALL_BACK_DAYS", 5)
QKB_FEEDBACK_APPEAL_DAYS = env_int("QKB_FEEDBACK_APPEAL_DAYS", 5)
QKB_FEEDBACK_WARNING_DAYS_LEFT = env_int("QKB_FEEDBACK_WARNING_DAYS_LEFT", 1)
QKB_FEEDBACK_MIN_SAMPLE = env_int("QKB_FEEDBACK_MIN_SAMPLE", 5)
QKB_FEEDBACK_COMPLAINT_REPLY_DAYS = env_int("QKB_FEEDBACK_COMPLAINT_REPLY_DAYS", 5)
QKB_FEEDBACK_SUGGESTION_REPLY_DAYS = env_int("QKB_FEEDBACK_SUGGESTION_REPLY_DAYS", 15)
QKB_FEEDBACK_PRAISE_REPLY_DAYS = env_int("QKB_FEEDBACK_PRAISE_REPLY_DAYS", 5)
QKB_FEEDBACK_LEADER_MAILBOX_REPLY_DAYS = env_int("QKB_FEEDBACK_LEADER_MAILBOX_REPLY_DAYS", 15)
QKB_FEEDBACK_MAX_EXTENSION_DAYS = env_int("QKB_FEEDBACK_MAX_EXTENSION_DAYS", 10)
QKB_FEEDBACK_SECOND_REPLY_DAYS = env_int("QKB_FEEDBACK_SECOND_REPLY_DAYS", 5)
QKB_FEEDBACK_LEADER_REPLY_DAYS = env_int("QKB_FEEDBACK_LEADER_REPLY_DAYS", 5)
QKB_FEEDBACK_SATISFACTION_DAYS = env_int("QKB_FEEDBACK_SATISFACTION_DAYS", 10)
QKB_FEEDBACK_SWEEP_BATCH = env_int("QKB_FEEDBACK_SWEEP_BATCH", 500)

# --- The platform ---------------------------------------------------------------------------
QKB_PLATFORM_NAME = env_str("QKB_PLATFORM_NAME", "机关事务一体化服务平台 · 勤快办")
QKB_ORG_NAME = env_str("QKB_ORG_NAME", "")
# The supervision hotline shown in the footer (12345 is the government service hotline).
QKB_SUPERVISION_PHONE = env_str("QKB_SUPERVISION_PHONE", "12345")
QKB_DEMO_PASSWORD = env_str("QKB_DEMO_PASSWORD", "")
# A TrueType-outline CJK font to embed in PDFs; empty = look in the usual system places.
QKB_PDF_FONT = env_str("QKB_PDF_FONT", "")
# Browser tests: "1" makes a missing Chromium a failure instead of a skip (CI sets it).
QKB_REQUIRE_BROWSER = env_bool("QKB_REQUIRE_BROWSER", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
