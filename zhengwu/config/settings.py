"""One settings module, driven by the environment.

* no ``DATABASE_URL``      -> SQLite under ``var/`` in WAL mode, immediate transactions
* ``DATABASE_URL=postgres://...`` -> PostgreSQL
* ``REDIS_URL``            -> huey, cache and sessions in Redis
* ``ZHENGWU_PRODUCTION=1`` -> production mode: refuses to start with a default secret
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from zhengwu.config.env import env, env_bool, env_int

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env("ZHENGWU_HOME") or PACKAGE_DIR.parent)
VAR_DIR = Path(env("ZHENGWU_VAR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("ZHENGWU_PRODUCTION")
DEBUG = env_bool("ZHENGWU_DEBUG", default=not PRODUCTION)

# Development defaults. Production refuses all of them.
_DEFAULT_SECRET = "dev-insecure-zhengwu-secret-key-change-me-0000000000000000"  # nosec B105  # refused in production
_DEFAULT_DATA_KEY = "00112233445566778899aabbccddeeff"  # SM4 key (hex, 128 bit)
_DEFAULT_INDEX_KEY = "dev-insecure-blind-index-key"
_DEFAULT_AUDIT_KEY = "dev-insecure-audit-chain-key"

SECRET_KEY = env("ZHENGWU_SECRET_KEY", _DEFAULT_SECRET)
# Field encryption (SM4-GCM) key, the keyed SM3 blind index key, the audit chain key.
ZHENGWU_DATA_KEY = env("ZHENGWU_DATA_KEY", _DEFAULT_DATA_KEY)
ZHENGWU_INDEX_KEY = env("ZHENGWU_INDEX_KEY", _DEFAULT_INDEX_KEY)
ZHENGWU_AUDIT_KEY = env("ZHENGWU_AUDIT_KEY", _DEFAULT_AUDIT_KEY)

if PRODUCTION:
    defaults = {
        "ZHENGWU_SECRET_KEY": (SECRET_KEY, _DEFAULT_SECRET),
        "ZHENGWU_DATA_KEY": (ZHENGWU_DATA_KEY, _DEFAULT_DATA_KEY),
        "ZHENGWU_INDEX_KEY": (ZHENGWU_INDEX_KEY, _DEFAULT_INDEX_KEY),
        "ZHENGWU_AUDIT_KEY": (ZHENGWU_AUDIT_KEY, _DEFAULT_AUDIT_KEY),
    }
    bad = [name for name, (value, default) in defaults.items() if value == default or not value]
    if bad:
        raise ImproperlyConfigured(
            "Production mode refuses to start with default secrets: set "
            + ", ".join(bad)
            + " (or the matching *_FILE variables)."
        )
    if DEBUG:
        raise ImproperlyConfigured("ZHENGWU_DEBUG must be off in production mode.")

ALLOWED_HOSTS = [h.strip() for h in (env("ZHENGWU_ALLOWED_HOSTS") or ("*" if DEBUG else "")).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("ZHENGWU_CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "csp",  # the Content-Security-Policy header (its checks validate CONTENT_SECURITY_POLICY)
    "huey.contrib.djhuey",
    "axes",  # login lockout by account and by IP (org/accounts.py; docs/accounts.md)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhengwu.core",
    "zhengwu.org",
    "zhengwu.cases",
    "zhengwu.reviews",
    "zhengwu.evaluation",
    "zhengwu.trading",
    "zhengwu.credit",
    "zhengwu.fairreview",
    "zhengwu.supervision",
    "zhengwu.smallprojects",
    "zhengwu.finance",
    "zhengwu.enterprise",
    "zhengwu.approvals",
    "zhengwu.projectservice",
    "zhengwu.intermediary",
    "zhengwu.village",
    "zhengwu.retrieval",
    "zhengwu.reports",
    "zhengwu.leadership",
]

MIDDLEWARE = [
    "zhengwu.core.middleware.ReceivedAtMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zhengwu.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "zhengwu.core.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhengwu.org.accounts.SessionSecurityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhengwu.config.urls"
WSGI_APPLICATION = "zhengwu.config.wsgi.application"
ASGI_APPLICATION = "zhengwu.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhengwu.core.context_processors.shell",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("ZHENGWU_CONN_MAX_AGE", 60))}
    DATABASES["default"].setdefault("TEST", {})
    if env("ZHENGWU_TEST_DB_NAME"):
        DATABASES["default"]["TEST"]["NAME"] = env("ZHENGWU_TEST_DB_NAME")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("ZHENGWU_SQLITE_PATH") or str(VAR_DIR / "zhengwu.sqlite3"),
            "OPTIONS": {
                # Immediate transactions take the write lock at BEGIN, so two writers
                # never deadlock on a lock upgrade; WAL lets readers run beside them.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
# Read replicas (docs/deploy.md, province cluster): aliases replica1, replica2, ... that serve the reads of the blocks
# inside core.db.replica_reads() only (the dashboard warming and report jobs); everything else uses the primary.
ZHENGWU_READ_REPLICAS = []
for _n, _url in enumerate([u.strip() for u in (env("ZHENGWU_REPLICA_URLS") or "").split(",") if u.strip()], 1):
    DATABASES[f"replica{_n}"] = {**dj_database_url.parse(_url, conn_max_age=env_int("ZHENGWU_CONN_MAX_AGE", 60)),
                                 "TEST": {"MIRROR": "default"}}
    ZHENGWU_READ_REPLICAS.append(f"replica{_n}")
DATABASE_ROUTERS = ["zhengwu.config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
# Axes first: a locked-out account or IP is refused before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "zhengwu.org.auth.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# Password policy (DOMAIN.md §14; docs/accounts.md): length, character classes (of lower, upper, digit, other),
# common passwords refused. Every place that sets a password runs these validators.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("ZHENGWU_PASSWORD_MIN_LENGTH", 8)}},
    *([{"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"}]
      if env_bool("ZHENGWU_PASSWORD_REFUSE_COMMON", default=True) else []),
    {"NAME": "zhengwu.core.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": env_int("ZHENGWU_PASSWORD_MIN_CLASSES", 3)}},
]
SESSION_COOKIE_AGE = env_int("ZHENGWU_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request extends the session
# Lockout (django-axes): after AXES_FAILURE_LIMIT failures an account, and separately an IP address, is refused for
# AXES_COOLOFF_TIME; the page says so without telling whether the account exists (org/accounts.lockout_response).
AXES_FAILURE_LIMIT = env_int("ZHENGWU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ZHENGWU_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit trail
AXES_LOCKOUT_CALLABLE = "zhengwu.org.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "zhengwu.core.middleware.client_ip"  # REMOTE_ADDR: a client cannot forge it
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
OTP_TOTP_ISSUER = "Zhengwu"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx and Swagger UI read the token from the page (base.html's meta tag), not the cookie
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- deployment hardening (docs/deploy-hardening.md) --------------------------
# HTTPS only in production: redirect, HSTS, and cookies with the __Host- prefix (Secure, Path=/, no Domain).
SECURE_SSL_REDIRECT = env_bool("ZHENGWU_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("ZHENGWU_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ZHENGWU_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a registration of the whole registrable domain on browsers' lists: the operator's decision, not the
# application's; until it is made, security.W021 is silenced (docs/deploy-hardening.md).
SECURE_HSTS_PRELOAD = env_bool("ZHENGWU_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Behind a TLS-terminating reverse proxy: the header it sets to "https", e.g. X-Forwarded-Proto. Unset, no header is
# trusted: without a proxy that overwrites the client's own copy, anyone could claim HTTPS with it.
_PROXY_SSL_HEADER = (env("ZHENGWU_PROXY_SSL_HEADER") or "").strip()
SECURE_PROXY_SSL_HEADER = (("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
                           if _PROXY_SSL_HEADER else None)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-zw_session"
    CSRF_COOKIE_NAME = "__Host-zw_csrf"

# Content-Security-Policy (django-csp): every asset is vendored, so nothing but the site itself is allowed. Scripts:
# the site's files, plus inline <script nonce="{{ request.csp_nonce }}"> blocks (the nonce is new per response and only
# sent when a template uses it); no inline handlers, no eval. Styles allow inline: the templates' style attributes and
# ECharts' tooltips (HTML with style attributes) need it, and CSS cannot exfiltrate with img/font/connect held to
# 'self'. ZHENGWU_CSP_REPORT_URI: where browsers report violations (unset: nowhere).
_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
if env("ZHENGWU_CSP_REPORT_URI"):
    _CSP_DIRECTIVES["report-uri"] = [env("ZHENGWU_CSP_REPORT_URI")]
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(VAR_DIR / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- cache and jobs ---------------------------------------------------------
# flush_locks: a worker killed inside a locked periodic job (the reminder sweep) leaves its lock behind; without
# the flush the restarted worker would skip that job for ever (docs/faults.md). The locked jobs are idempotent.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("ZHENGWU_HUEY_NAME") or "zhengwu",
        "url": REDIS_URL,
        "immediate": env_bool("ZHENGWU_HUEY_IMMEDIATE"),
        "consumer": {"workers": env_int("ZHENGWU_WORKERS", 2), "worker_type": "thread", "flush_locks": True},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "zhengwu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("ZHENGWU_HUEY_IMMEDIATE"),
        "consumer": {"workers": env_int("ZHENGWU_WORKERS", 2), "worker_type": "thread", "flush_locks": True},
    }

# Tests and drills only (core/scheduling.py; the cluster test): these periodic jobs (task names, or "*") are due every
# minute whatever their crontab. Production ignores it.
ZHENGWU_PERIODIC_EVERY_MINUTE = [] if PRODUCTION else [
    n.strip() for n in (env("ZHENGWU_PERIODIC_EVERY_MINUTE") or "").split(",") if n.strip()]

# --- the platform -----------------------------------------------------------
ZHENGWU = {
    # Shown in the title bar; unset means the name of the district at the root of the region tree.
    "DISTRICT_NAME": env("ZHENGWU_DISTRICT_NAME"),
    # End of a working day for deadlines: "24:00" (end of day) or e.g. "17:00".
    "DEADLINE_END_OF_DAY": env("ZHENGWU_DEADLINE_END_OF_DAY") or "24:00",
    # Number of independent audit chains (writers take a free one; see core/audit).
    "AUDIT_CHAINS": env_int("ZHENGWU_AUDIT_CHAINS", 16),
    # Audit events are kept this many days (at least 183, ≥ 6 months; a lower value is the system check core.E010);
    # `zhengwu audit purge` deletes only older ones.
    "AUDIT_RETENTION_DAYS": env_int("ZHENGWU_AUDIT_RETENTION_DAYS", 183),
    # A case is in the warning state once this share of its allowed working days is used.
    "CASE_WARNING_RATIO": float(env("ZHENGWU_CASE_WARNING_RATIO") or 0.75),
    # A reminder is answered in time when the object moves on within this many working days.
    "REMINDER_RESPONSE_DAYS": env_int("ZHENGWU_REMINDER_RESPONSE_DAYS", 1),
    # Good/bad reviews (DOMAIN.md §4; reviews/deadlines.py): working days for a bad review's return visit
    # and its rectification, natural days before an unrated completed case gets the default level, and that
    # level (unset or 0: no default review; 3 = 基本满意).
    "REVIEW_VISIT_DAYS": env_int("ZHENGWU_REVIEW_VISIT_DAYS", 1),
    "REVIEW_RECTIFY_DAYS": env_int("ZHENGWU_REVIEW_RECTIFY_DAYS", 15),
    "REVIEW_DEFAULT_AFTER_DAYS": env_int("ZHENGWU_REVIEW_DEFAULT_AFTER_DAYS", 7),
    "REVIEW_DEFAULT_LEVEL": env_int("ZHENGWU_REVIEW_DEFAULT_LEVEL", 0) or None,
    # Excel exports (core/exports.py; docs/exports.md): up to this many rows the file is sent at once, above it a
    # background job writes it; the job's file is kept this many hours.
    "EXPORT_SYNC_ROWS": env_int("ZHENGWU_EXPORT_SYNC_ROWS", 5000),
    "EXPORT_KEEP_HOURS": env_int("ZHENGWU_EXPORT_KEEP_HOURS", 24),
    # The leadership dashboard (docs/leadership.md): how often its figures reload themselves, and how long a
    # computed period reaching today is cached (longer than the five-minute warming job's interval).
    "LEADERSHIP_REFRESH_SECONDS": env_int("ZHENGWU_LEADERSHIP_REFRESH_SECONDS", 300),
    "LEADERSHIP_CACHE_SECONDS": env_int("ZHENGWU_LEADERSHIP_CACHE_SECONDS", 600),
    # Accounts (org/accounts.py; docs/accounts.md): TOTP second factor for staff roles (on in production), the
    # absolute session lifetime whatever the activity, and whether a superuser may log in (off in production).
    "OTP_REQUIRED": env_bool("ZHENGWU_OTP_REQUIRED", default=PRODUCTION),
    "SESSION_ABSOLUTE_SECONDS": env_int("ZHENGWU_SESSION_ABSOLUTE_SECONDS", 12 * 3600),
    "ALLOW_SUPERUSER": env_bool("ZHENGWU_ALLOW_SUPERUSER", default=not PRODUCTION),
}

# Sealed bids arrive base64-encoded in JSON: the request may be 4/3 of the largest bid file, plus the form.
ZHENGWU_BID_MAX_BYTES = env_int("ZHENGWU_BID_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ZHENGWU_BID_MAX_BYTES * 4 // 3 + 1024 * 1024

# The moment a request counts as received (a sealed bid's 送达时间): behind a reverse proxy that buffers request
# bodies, the header it sets with its own time (nginx: proxy_set_header X-Request-Start "t=${msec}";), trusted
# within ZHENGWU_REQUEST_START_MAX_AGE seconds; unset, the moment the application starts on the request.
ZHENGWU_REQUEST_START_HEADER = env("ZHENGWU_REQUEST_START_HEADER", "")
ZHENGWU_REQUEST_START_MAX_AGE = env_int("ZHENGWU_REQUEST_START_MAX_AGE", 600)

# The OCDS export (docs/ocds.md): a real publisher registers its ocid prefix ("ocds-" + 6 characters) with the
# Open Contracting Partnership; blank values fall back to the defaults of zhengwu/trading/ocds.py.
ZHENGWU_OCDS_PREFIX = env("ZHENGWU_OCDS_PREFIX", "")
ZHENGWU_OCDS_PUBLISHER = env("ZHENGWU_OCDS_PUBLISHER", "")
ZHENGWU_OCDS_PAGE_SIZE = env_int("ZHENGWU_OCDS_PAGE_SIZE", 100)

# Third-party information retrieval (DOMAIN.md §12; docs/retrieval-external.md): the systems outside the platform
# that answer items. "class" and "label" are read by retrieval.external.adapter_for, the other keys go to the class.
# base_url "simulator:" answers from the built-in stand-in (demo, offline install); production warns (retrieval.W001).
ZHENGWU_RETRIEVAL_ADAPTERS = {
    "lawyer_online": {
        "class": "zhengwu.retrieval.external.lawyer_online.LawyerOnlineAdapter",
        "label": "律师在线(省司法厅)",
        "base_url": env("ZHENGWU_LAWYER_ONLINE_URL") or "simulator:",
        "key_id": env("ZHENGWU_LAWYER_ONLINE_KEY_ID") or "zhengwu-demo",
        "api_key": env("ZHENGWU_LAWYER_ONLINE_KEY") or "dev-insecure-lawyer-online-demo-key",
        "timeout": float(env("ZHENGWU_LAWYER_ONLINE_TIMEOUT") or 5),
        "retries": env_int("ZHENGWU_LAWYER_ONLINE_RETRIES", 2),
    },
}

# Text messages (core/sms.py): "console" logs them (masked phone) on the logger zhengwu.sms, "locmem" keeps them
# in zhengwu.core.sms.outbox (tests), "http" POSTs {"phone", "text", "purpose"} as JSON to ZHENGWU_SMS_URL.
ZHENGWU_SMS_BACKEND = env("ZHENGWU_SMS_BACKEND") or "console"
ZHENGWU_SMS_URL = env("ZHENGWU_SMS_URL") or ""
ZHENGWU_SMS_TIMEOUT = float(env("ZHENGWU_SMS_TIMEOUT") or 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("ZHENGWU_LOG_LEVEL") or "WARNING"},
}
