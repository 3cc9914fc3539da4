"""e-Vize settings. Every value comes from the environment; `.env.example` documents each one.

Embedded defaults (no variable set): SQLite and private files under EVIZE_DATA_DIR, tasks run in
process, e-mail kept in the outbox. At scale: DATABASE_URL (PostgreSQL), REDIS_URL (Celery),
EVIZE_STORAGE=s3, EMAIL_HOST (SMTP relay).
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("EVIZE_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """EVIZE_SECRET_KEY, or a key generated once into the data folder (never committed)."""
    if env("EVIZE_SECRET_KEY"):
        return env("EVIZE_SECRET_KEY")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(64))
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("EVIZE_DEBUG", False)
# Production hardening (secure cookies, HSTS, SSL redirect) is on unless EVIZE_INSECURE_HTTP=true,
# which `make run` sets because the embedded server speaks plain HTTP on loopback.
INSECURE_HTTP = env_bool("EVIZE_INSECURE_HTTP", DEBUG)
ALLOWED_HOSTS = env_list("EVIZE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("EVIZE_CSRF_TRUSTED_ORIGINS")
# Absolute base used in e-mail links (no request available in tasks).
EVIZE_BASE_URL = env("EVIZE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # e-Vize apps first: their templates and translations take precedence over Django's own.
    "evize.core",
    "evize.audit",
    "evize.registry",
    "evize.accounts",
    "evize.applications",
    "evize.documents",
    "evize.signatures",
    "evize.visa",
    "evize.review",
    "evize.catalog",
    "evize.notifications",
    "evize.payments",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "evize.audit.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "evize.urls"

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
                "evize.core.context_processors.evize",
            ],
        },
    },
]

WSGI_APPLICATION = "evize.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("EVIZE_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout so the in-process server and management commands can share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "evize.accounts.backends.SicilOrEmailBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("EVIZE_FAST_PASSWORD_HASHER", False):  # tests only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions expire: after EVIZE_SESSION_IDLE_SECONDS of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("EVIZE_SESSION_IDLE_SECONDS", 60 * 60 * 2)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Account activation / password reset links are valid this long.
PASSWORD_RESET_TIMEOUT = env_int("EVIZE_ACCOUNT_LINK_SECONDS", 60 * 60 * 24 * 3)

# Failed-login throttling (django-axes): lock a username+IP pair after N failures for a cool-off.
AXES_FAILURE_LIMIT = env_int("EVIZE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("EVIZE_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Sign-up attempts per client IP per hour (sign-up tells whether a sicil no and a national ID match).
EVIZE_SIGNUP_RATE_LIMIT = env_int("EVIZE_SIGNUP_RATE_LIMIT", 10)
AXES_USERNAME_CALLABLE = "evize.accounts.backends.axes_username"
AXES_VERBOSE = False

# Internationalisation: Turkish first, English second.
LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Türkçe")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "evize" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Nicosia"
LANGUAGE_COOKIE_NAME = "evize_language"
LANGUAGE_COOKIE_SECURE = not INSECURE_HTTP
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# In the embedded (plain HTTP) mode WhiteNoise serves straight from the finders: no collectstatic.
WHITENOISE_USE_FINDERS = INSECURE_HTTP
STATICFILES_DIRS = [
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # Documents: the resumable-upload client and the PDF viewer (only the files the browser loads).
    ("vendor/tus", BASE_DIR / "node_modules" / "tus-js-client" / "dist"),
    ("vendor/pdfjs/build", BASE_DIR / "node_modules" / "pdfjs-dist" / "build"),
    ("vendor/pdfjs/standard_fonts", BASE_DIR / "node_modules" / "pdfjs-dist" / "standard_fonts"),
    ("vendor/pdfjs/cmaps", BASE_DIR / "node_modules" / "pdfjs-dist" / "cmaps"),
]

# Files: private storage only. Local disk by default; S3-compatible with EVIZE_STORAGE=s3.
PRIVATE_MEDIA_ROOT = Path(env("EVIZE_MEDIA_ROOT", str(DATA_DIR / "private")))
EVIZE_STORAGE = env("EVIZE_STORAGE", "local")
if EVIZE_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("EVIZE_S3_BUCKET"),
            "endpoint_url": env("EVIZE_S3_ENDPOINT_URL") or None,
            "region_name": env("EVIZE_S3_REGION") or None,
            "access_key": env("EVIZE_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("EVIZE_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }

# Document uploads (resumable, tus 1.0.0): size limit, PDF checks, temporary parts, virus scan.
EVIZE_UPLOAD_MAX_BYTES = env_int("EVIZE_UPLOAD_MAX_BYTES", 2 * 1024**3)
EVIZE_UPLOAD_TMP_DIR = Path(env("EVIZE_UPLOAD_TMP_DIR", str(DATA_DIR / "uploads")))
EVIZE_UPLOAD_EXPIRY_HOURS = env_int("EVIZE_UPLOAD_EXPIRY_HOURS", 24)
EVIZE_PDF_MAX_PAGES = env_int("EVIZE_PDF_MAX_PAGES", 2000)
EVIZE_PDF_MIN_PAPER = env("EVIZE_PDF_MIN_PAPER", "A4")
EVIZE_PDF_MAX_PAPER = env("EVIZE_PDF_MAX_PAPER", "A0")
EVIZE_PDF_PAPER_TOLERANCE_MM = env_int("EVIZE_PDF_PAPER_TOLERANCE_MM", 5)
EVIZE_CLAMD_SOCKET = env("EVIZE_CLAMD_SOCKET")
EVIZE_CLAMD_HOST = env("EVIZE_CLAMD_HOST")
EVIZE_CLAMD_PORT = env_int("EVIZE_CLAMD_PORT", 3310)
EVIZE_CLAMD_TIMEOUT = env_int("EVIZE_CLAMD_TIMEOUT", 120)

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or INSECURE_HTTP
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background work: Celery on Redis when REDIS_URL (or CELERY_BROKER_URL) is set, else in process.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never used: tasks run in process
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# E-mail. Until the notifications outbox exists, account mail goes through Django's backend:
# SMTP when EMAIL_HOST is set, otherwise written as files under the data folder.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env("EVIZE_FROM_EMAIL", "e-Vize <e-vize@imo.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbox (evize.notifications): every e-mail is an outbox row, delivered by a task with retries.
# "smtp" sends through EMAIL_BACKEND; "outbox" keeps each e-mail in the local mailbox page (staff).
EVIZE_EMAIL_DELIVERY = env("EVIZE_EMAIL_DELIVERY", "smtp" if EMAIL_HOST else "outbox")
EVIZE_EMAIL_RETRY_BASE_SECONDS = env_int("EVIZE_EMAIL_RETRY_BASE_SECONDS", 60)  # doubled per attempt
EVIZE_EMAIL_MAX_ATTEMPTS = env_int("EVIZE_EMAIL_MAX_ATTEMPTS", 12)  # then "failed" (staff may resend)
EVIZE_EMAIL_SENDING_TIMEOUT_SECONDS = env_int("EVIZE_EMAIL_SENDING_TIMEOUT_SECONDS", 600)  # crashed worker
EVIZE_EMAIL_ATTACHMENT_MAX_BYTES = env_int("EVIZE_EMAIL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
EVIZE_EMAIL_LINK_MAX_AGE_SECONDS = env_int("EVIZE_EMAIL_LINK_MAX_AGE_SECONDS", 60 * 60 * 24 * 30)
EVIZE_EMAIL_FLUSH_SECONDS = env_int("EVIZE_EMAIL_FLUSH_SECONDS", 60)
CELERY_BEAT_SCHEDULE = {
    "evize-notifications-flush-outbox": {
        "task": "evize.notifications.flush_outbox",
        "schedule": float(EVIZE_EMAIL_FLUSH_SECONDS),
    },
}
# Reminders about unpaid fees and missing signatures (evize.notifications.reminders): sent once a
# day at EVIZE_REMINDER_HOUR (local time), after these many days, repeated every REPEAT_DAYS.
EVIZE_REMINDER_FEE_DAYS = env_int("EVIZE_REMINDER_FEE_DAYS", 3)
EVIZE_REMINDER_SIGNATURE_DAYS = env_int("EVIZE_REMINDER_SIGNATURE_DAYS", 3)
EVIZE_REMINDER_REPEAT_DAYS = env_int("EVIZE_REMINDER_REPEAT_DAYS", 3)
EVIZE_REMINDER_HOUR = env_int("EVIZE_REMINDER_HOUR", 9)
CELERY_BEAT_SCHEDULE["evize-notifications-send-reminders"] = {
    "task": "evize.notifications.send_reminders",
    "schedule": crontab(hour=EVIZE_REMINDER_HOUR, minute=0),
}

# Fees and online payment (evize.payments): the bank's virtual POS, NestPay / EST "3D Pay Hosting"
# with hash version 3. The sandbox bank (a part of the app that plays the bank) is on in the demo
# and tests (EVIZE_INSECURE_HTTP) and never in production; with it, the NestPay values default to
# the sandbox's own.
EVIZE_SANDBOX_BANK = env_bool("EVIZE_SANDBOX_BANK", INSECURE_HTTP)
if EVIZE_SANDBOX_BANK:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("evize.payments") + 1, "evize.payments.sandbox")
_sandbox = EVIZE_SANDBOX_BANK
EVIZE_PAYMENT_PROVIDER = env("EVIZE_PAYMENT_PROVIDER") or "nestpay"
EVIZE_PAYMENT_CURRENCY = env("EVIZE_PAYMENT_CURRENCY") or "949"  # ISO 4217 numeric: 949 = Turkish lira
# An empty value means the default (the sandbox's own value when the sandbox bank is on).
EVIZE_NESTPAY_CLIENT_ID = env("EVIZE_NESTPAY_CLIENT_ID") or ("990000001" if _sandbox else "")
EVIZE_NESTPAY_STORE_KEY = env("EVIZE_NESTPAY_STORE_KEY") or ("SANDBOX-STORE-KEY" if _sandbox else "")
EVIZE_NESTPAY_GATE_URL = env("EVIZE_NESTPAY_GATE_URL") or ("/sandbox-banka/fim/est3Dgate" if _sandbox else "")
EVIZE_NESTPAY_API_URL = env("EVIZE_NESTPAY_API_URL") or (
    f"{EVIZE_BASE_URL}/sandbox-banka/fim/api" if _sandbox else ""
)
EVIZE_NESTPAY_API_USER = env("EVIZE_NESTPAY_API_USER") or ("sandbox-api" if _sandbox else "")
EVIZE_NESTPAY_API_PASSWORD = env("EVIZE_NESTPAY_API_PASSWORD") or ("SANDBOX-API-PASSWORD" if _sandbox else "")
EVIZE_NESTPAY_TIMEOUT_SECONDS = env_int("EVIZE_NESTPAY_TIMEOUT_SECONDS", 20)
# Accept 3-D Secure "partial" authentication (mdStatus 2-4) as well as full (1): a contract decision.
EVIZE_PAYMENT_ACCEPT_PARTIAL_3DS = env_bool("EVIZE_PAYMENT_ACCEPT_PARTIAL_3DS", False)
# Reconciliation asks the bank about attempts still open after this many minutes, every
# EVIZE_PAYMENT_RECONCILE_SECONDS; one the bank has never seen is cancelled after EXPIRE minutes.
EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES = env_int("EVIZE_PAYMENT_RECONCILE_AFTER_MINUTES", 5)
EVIZE_PAYMENT_RECONCILE_SECONDS = env_int("EVIZE_PAYMENT_RECONCILE_SECONDS", 300)
EVIZE_PAYMENT_EXPIRE_MINUTES = env_int("EVIZE_PAYMENT_EXPIRE_MINUTES", 60)
CELERY_BEAT_SCHEDULE["evize-payments-reconcile"] = {
    "task": "evize.payments.reconcile",
    "schedule": float(EVIZE_PAYMENT_RECONCILE_SECONDS),
}

# Electronic signatures (PAdES, evize.signatures). Trust anchors: PEM files of the e-signature
# providers' root/intermediate CAs, comma-separated (never the OS trust store). Without a TSA the
# signatures are PAdES B-B; with EVIZE_TSA_URL they are B-T, and B-LT (validation data embedded).
EVIZE_SIGNATURE_TRUST_ANCHORS = env_list("EVIZE_SIGNATURE_TRUST_ANCHORS")
EVIZE_TSA_URL = env("EVIZE_TSA_URL")
EVIZE_SIGNATURE_REVOCATION_MODE = env("EVIZE_SIGNATURE_REVOCATION_MODE", "hard-fail")  # or soft-fail
EVIZE_SIGNATURE_EMBED_VALIDATION_INFO = env_bool("EVIZE_SIGNATURE_EMBED_VALIDATION_INFO", True)
# Prefixes before the national ID in the certificate's subject serialNumber (ETSI EN 319 412-1).
EVIZE_NATIONAL_ID_CERT_PREFIXES = env_list("EVIZE_NATIONAL_ID_CERT_PREFIXES", "PNOTR-,IDCTR-,TCKTR-")
# Where the signer agent listens on the signer's own computer (the browser hands it the token).
EVIZE_SIGNER_AGENT_URL = env("EVIZE_SIGNER_AGENT_URL", "http://127.0.0.1:47215").rstrip("/")
EVIZE_SIGNING_SESSION_SECONDS = env_int("EVIZE_SIGNING_SESSION_SECONDS", 600)

# Security headers. Production (INSECURE_HTTP false) forces HTTPS and HSTS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not INSECURE_HTTP
CSRF_COOKIE_SECURE = not INSECURE_HTTP
SECURE_SSL_REDIRECT = not INSECURE_HTTP and env_bool("EVIZE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 0 if INSECURE_HTTP else env_int("EVIZE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not INSECURE_HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("EVIZE_BEHIND_PROXY") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The page hands the one-time signing token to the signer agent on the user's own computer.
        "connect-src": ["'self'", EVIZE_SIGNER_AGENT_URL],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Member registry: who may apply.
EVIZE_NATIONAL_ID_FORMAT = env("EVIZE_NATIONAL_ID_FORMAT", "tckn_or_kktc")

# Two-factor (TOTP) for staff accounts.
OTP_TOTP_ISSUER = env("EVIZE_OTP_ISSUER", "e-Vize İMO")

# Visa office review: the notation (notlama) that cancels an application, and the working days
# after which an application waiting for the office counts as overdue in the queue.
EVIZE_NOTATION_LIMIT = env_int("EVIZE_NOTATION_LIMIT", 3)
EVIZE_REVIEW_WORKING_DAYS = env_int("EVIZE_REVIEW_WORKING_DAYS", 10)
# Public holidays (YYYY-MM-DD, comma-separated) that the review clock does not count, besides weekends.
EVIZE_PUBLIC_HOLIDAYS = frozenset(
    datetime.date.fromisoformat(day).isoformat() for day in env_list("EVIZE_PUBLIC_HOLIDAYS")
)
EVIZE_CHAMBER_NAME = env("EVIZE_CHAMBER_NAME", "K.T.M.M.O.B. İnşaat Mühendisleri Odası")
# Visas (evize.visa): number format (str.format with {year} and {seq}), the stamp's TrueType font
# (Turkish glyphs), and the public verification's rate limit (requests per client IP per minute).
EVIZE_VISA_NUMBER_FORMAT = env("EVIZE_VISA_NUMBER_FORMAT", "V-{year}/{seq:05d}")
EVIZE_VISA_STAMP_FONT = env("EVIZE_VISA_STAMP_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
EVIZE_VISA_VERIFY_RATE_LIMIT = env_int("EVIZE_VISA_VERIFY_RATE_LIMIT", 30)
# PAdES B-LTA for the visa'd files (a document time stamp after the officer's signature; needs a TSA).
EVIZE_VISA_PADES_LTA = env_bool("EVIZE_VISA_PADES_LTA", False)
# Queue the visas whose start was lost after the visa fee's commit (also done by the office's queue).
CELERY_BEAT_SCHEDULE["evize-visa-sweep-pending"] = {"task": "evize.visa.sweep_pending", "schedule": 300.0}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("EVIZE_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery": {"level": "WARNING"}},
}
