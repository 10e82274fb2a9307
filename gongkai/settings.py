"""Settings for Gongkai, read from environment variables.

Development defaults are safe to run on a laptop: SQLite in the project folder, DEBUG on, a
throw-away secret key. Setting ``GONGKAI_ENV=production`` switches on every production
protection and makes the process refuse to start with an insecure configuration (no secret key,
DEBUG on, no allowed hosts).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


GONGKAI_ENV = env("GONGKAI_ENV", "development")
PRODUCTION = GONGKAI_ENV == "production"

# Demo mode: the demonstration district's sign-ins with documented passwords are allowed.
DEMO_MODE = env_bool("GONGKAI_DEMO", default=not PRODUCTION)

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env("DJANGO_SECRET_KEY")

if PRODUCTION:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when GONGKAI_ENV=production.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off when GONGKAI_ENV=production.")
    if DEMO_MODE:
        raise ImproperlyConfigured("GONGKAI_DEMO must be off when GONGKAI_ENV=production.")
elif not SECRET_KEY:
    # Development only: never used when GONGKAI_ENV=production (refused above).
    SECRET_KEY = "dev-insecure-" + "gongkai-development-key-not-for-production-use-0123456789"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when GONGKAI_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "axes",
    # Staff two-factor sign-in (docs/decisions/0026); before gongkai.core, whose admin
    # replaces the devices' own admin pages by an audited reset.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    # The task queue (docs/decisions/0031): Django's tasks API and its database backend, whose
    # table exists whichever backend runs the jobs.
    "django_tasks",
    "django_tasks_db",
    "gongkai.core",
    "gongkai.agencies",
    "gongkai.catalogue",
    "gongkai.search",
    "gongkai.info_requests",
    "gongkai.citizens",
    "gongkai.interaction",
    "gongkai.supervision",
    "gongkai.reports",
    "gongkai.portal",
    "gongkai.workbench",
    "gongkai.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongkai.core.sessions.SessionMiddleware",  # Django's, saved once a minute (inactivity)
    "gongkai.core.middleware.InterfaceLanguageMiddleware",
    "gongkai.core.nul.DropNulMiddleware",  # NUL dropped from parameters (PostgreSQL; issue 9)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified() (decision 0026)
    "gongkai.citizens.middleware.CitizenMiddleware",
    # After the user and the citizen are known: may this request read from a replica?
    "gongkai.core.middleware.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongkai.core.middleware.RequestContextMiddleware",
    "gongkai.core.ratelimit.RateLimitMiddleware",
    # Before the password expiry: who has not passed the second factor changes nothing.
    "gongkai.workbench.middleware.TwoFactorMiddleware",
    "gongkai.workbench.middleware.PasswordExpiryMiddleware",
    "csp.middleware.CSPMiddleware",
    # It answers a locked-out sign-in with the lockout page (docs/decisions/0025).
    "axes.middleware.AxesMiddleware",
    # Innermost: a page from the cache is answered after every other middleware's request and
    # view hooks ran, and gets every header they add (docs/decisions/0033).
    "gongkai.core.page_cache.PageCacheMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
        "OPTIONS": {
            # Django's cached loader in front of its filesystem and app-directories loaders, which
            # here also remove the indentation of the .html templates' own text when they are
            # loaded (gongkai.core.template_dedent; GONGKAI_TEMPLATE_DEDENT below).
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "gongkai.core.template_dedent.FilesystemLoader",
                        "gongkai.core.template_dedent.AppDirectoriesLoader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.portal.context_processors.portal",
            ],
        },
    },
]

# The .html templates' indentation removed when they are loaded, once a process: pages about a
# third smaller, the same to a reader (docs/decisions/0046). 0 serves the templates as written.
GONGKAI_TEMPLATE_DEDENT = env_bool("GONGKAI_TEMPLATE_DEDENT", default=True)

# --- Database -------------------------------------------------------------------------------

SQLITE_PATH = Path(env("GONGKAI_SQLITE_PATH", str(BASE_DIR / "var" / "gongkai.sqlite3")))


def _database_config(url: str) -> dict[str, Any]:
    """One database from its URL, with the connection options every alias shares."""
    # Persistent connections, checked before each request reuses them (a server restarted
    # since, or a replica failed over, costs a reconnect instead of an error page).
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = _sqlite_options()
    elif config["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compilation off unless the URL or DATABASE_POSTGRES_JIT says
        # otherwise: compiling cost the annual report's counts more than running them
        # (decision 0045).
        options = config.setdefault("OPTIONS", {})
        jit = env("DATABASE_POSTGRES_JIT", "off")
        if jit and "jit=" not in options.get("options", ""):
            options["options"] = f"{options.get('options', '')} -c jit={jit}".strip()
    return config


def _database_from_env() -> dict[str, Any]:
    url = env("DATABASE_URL")
    if url:
        return _database_config(url)
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": _sqlite_options(),
        # Persistent connections, as for a DATABASE_URL: opening one (the PRAGMAs, Django's SQL
        # functions registered on it) cost a public page more than most of its queries.
        "CONN_MAX_AGE": int(env("DATABASE_CONN_MAX_AGE", "60")),
        "TEST": {"NAME": env("GONGKAI_SQLITE_TEST_PATH") or None},
    }


def _sqlite_options() -> dict:
    # WAL lets readers proceed beside one writer; synchronous=FULL makes a committed transaction
    # durable across power loss; the busy timeout (seconds) and IMMEDIATE transactions make
    # concurrent writers queue for the lock instead of failing with "database is locked".
    return {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=30000;"
        ),
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
    }


def replica_databases(urls: list[str], primary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The read replicas ``replica_1``, ``replica_2`` … of ``DATABASE_REPLICA_URLS``.

    Each has the primary's connection options (persistent connections, health checks). A
    replica is a copy of the primary on the same engine, which on this platform means
    PostgreSQL streaming replication. In a test run each mirrors the test database of
    ``default``: nothing is created on a replica, which would refuse it anyway.
    """
    if not urls:
        return {}
    if not primary["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs PostgreSQL: set DATABASE_URL to the primary "
            "PostgreSQL database."
        )
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = _database_config(url)
        if config["ENGINE"] != primary["ENGINE"]:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: replica {number} is not a PostgreSQL URL; "
                "every replica must be a copy of the primary on the same engine."
            )
        config["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = config
    return replicas


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replicas (issue 10; gongkai.core.db_router, docs/decisions/0034) ------------------
# Comma-separated PostgreSQL URLs of read replicas of DATABASE_URL. The reads of anonymous
# GET and HEAD requests to public pages and the public API then come from one of them; staff,
# signed-in citizens, forms, jobs and every write use the primary. A replica that cannot be
# reached is left out for DATABASE_REPLICA_RETRY_SECONDS (its reads go to the primary); a
# browser that has just sent a form reads from the primary for DATABASE_REPLICA_PIN_SECONDS,
# so that it sees what it sent even while a replica lags behind.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
DATABASES.update(replica_databases(DATABASE_REPLICA_URLS, DATABASES["default"]))
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["gongkai.core.db_router.ReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = int(env("DATABASE_REPLICA_PIN_SECONDS", "10"))
DATABASE_REPLICA_RETRY_SECONDS = int(env("DATABASE_REPLICA_RETRY_SECONDS", "30"))
# --- end of read replicas ------------------------------------------------------------------

# --- Cache and sessions --------------------------------------------------------------------

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "gongkai.core.cache.RedisCache",  # one client per pool (core/cache.py)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("GONGKAI_CACHE_PREFIX", "gongkai"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The public page cache (gongkai.core.page_cache, docs/decisions/0033): anonymous visitors'
# public pages, kept per address and dropped at once when anything they show changes. On by
# default only with Redis: with the in-process cache each process would keep its own pages and
# not hear of changes made by another (then up to GONGKAI_PAGE_CACHE_SECONDS late).
GONGKAI_PAGE_CACHE = env_bool("GONGKAI_PAGE_CACHE", default=bool(REDIS_URL))
# The longest a page is kept (seconds): what changes with the clock alone (a consultation
# closing, "today" figures) is at most this late.
GONGKAI_PAGE_CACHE_SECONDS = int(env("GONGKAI_PAGE_CACHE_SECONDS", "300"))
# Larger pages (bytes) are not kept.
GONGKAI_PAGE_CACHE_MAX_BYTES = int(env("GONGKAI_PAGE_CACHE_MAX_BYTES", str(1024 * 1024)))
# Each process also keeps the pages it answered most recently in its own memory, up to this many
# bytes (0: none): a hit then reads only the generation from Redis, not the whole page.
GONGKAI_PAGE_CACHE_LOCAL_BYTES = int(env("GONGKAI_PAGE_CACHE_LOCAL_BYTES", str(32 * 1024 * 1024)))
# Stored pages are also kept compressed (gzip, the visitor's CSRF token in a block of its own:
# docs/decisions/0047) and sent so to clients that accept it; pages smaller than
# GONGKAI_PAGE_GZIP_MIN_BYTES are not. Off: every page goes out as the view made it (then a
# proxy in front may compress, but must never compress a page holding a token: BREACH).
GONGKAI_PAGE_GZIP = env_bool("GONGKAI_PAGE_GZIP", default=True)
GONGKAI_PAGE_GZIP_MIN_BYTES = int(env("GONGKAI_PAGE_GZIP_MIN_BYTES", "1024"))
# What every page shares whoever asks — the frame's site identity, the navigation's reference
# rows (gongkai.core.shared_cache) — kept under the page cache's generation, whether or not the
# page itself is cached. On by default only with Redis, for the same reason as the page cache.
GONGKAI_SHARED_CACHE = env_bool("GONGKAI_SHARED_CACHE", default=bool(REDIS_URL))

# Page views (gongkai.catalogue.visits) are counted in memory and written in batches: when the
# oldest is this many seconds old (0: each view at once) or this many are waiting.
GONGKAI_VISIT_FLUSH_SECONDS = float(env("GONGKAI_VISIT_FLUSH_SECONDS", "10"))
GONGKAI_VISIT_BUFFER_MAX = int(env("GONGKAI_VISIT_BUFFER_MAX", "1000"))

SESSION_COOKIE_AGE = int(env("GONGKAI_SESSION_SECONDS", str(30 * 60)))
# Inactivity expiry: a request extends the session, which is saved for it at most once every
# GONGKAI_SESSION_TOUCH_SECONDS (gongkai.core.sessions), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
GONGKAI_SESSION_TOUCH_SECONDS = int(env("GONGKAI_SESSION_TOUCH_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Task queue (docs/decisions/0031) -------------------------------------------------------
# "immediate": every job runs at once in the process that asks for it, after the commit of the
# change that caused it (the embedded default: nothing else to run). "database": jobs are rows
# written in the same transaction as the change, run by `manage.py db_worker` processes, and the
# periodic ones enqueued by `manage.py run_scheduler`.
GONGKAI_TASK_BACKEND = env("GONGKAI_TASK_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "gongkai.core.jobs.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if GONGKAI_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"GONGKAI_TASK_BACKEND must be immediate or database, not {GONGKAI_TASK_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[GONGKAI_TASK_BACKEND]}}
# Days a finished job's row is kept (the database backend; pruned by a daily job).
GONGKAI_TASK_RESULT_DAYS = int(env("GONGKAI_TASK_RESULT_DAYS", "7"))
# Days a finished export (its file included) is kept for the member of staff who asked for it
# (docs/decisions/0041; deleted by the daily prune_task_results job).
GONGKAI_EXPORT_DAYS = int(env("GONGKAI_EXPORT_DAYS", "7"))
# The periodic jobs `manage.py run_scheduler` enqueues: name (for `manage.py enqueue_job`), the
# task, and "HH:MM" (daily, local time) or "every N" (minutes). docs/operators-guide.md.
GONGKAI_PERIODIC_JOBS = [
    ("send_mail_queue", "gongkai.core.tasks.send_mail_queue", "every 1"),
    ("catalogue", "gongkai.catalogue.tasks.run_catalogue_jobs", "every 5"),
    ("surveys", "gongkai.interaction.surveys.tasks.run_survey_jobs", "every 60"),
    ("requests", "gongkai.info_requests.tasks.run_request_jobs", "00:05"),
    ("consultations", "gongkai.interaction.consultations.tasks.run_consultation_jobs", "00:10"),
    ("letters", "gongkai.interaction.letters.tasks.run_letter_jobs", "00:15"),
    ("monthly", "gongkai.supervision.monthly.tasks.run_monthly_jobs", "00:20"),
    ("key_tasks", "gongkai.supervision.plans.tasks.run_key_task_jobs", "00:25"),
    ("annual_report", "gongkai.reports.tasks.run_annual_report_jobs", "00:30"),
    ("statistics", "gongkai.reports.tasks.run_statistics_jobs", "00:35"),
    ("anonymise_personal_data", "gongkai.core.tasks.anonymise_personal_data", "00:40"),
    ("prune_audit_trail", "gongkai.core.tasks.prune_audit_trail", "00:50"),
    ("prune_task_results", "gongkai.core.tasks.prune_task_results", "01:00"),
]

# --- Authentication ------------------------------------------------------------------------

AUTH_USER_MODEL = "core.User"

# Lockout after repeated failed sign-ins (django-axes, docs/decisions/0025): per account and,
# separately, per client address — the address as the audit trail reads it (X-Forwarded-For
# trusted only as far as GONGKAI_TRUSTED_PROXY_COUNT), so that a forged header does not
# escape the lockout and, behind a proxy, one client does not lock out everyone.
AUTHENTICATION_BACKENDS = [
    "gongkai.core.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("GONGKAI_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("GONGKAI_SIGNIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "gongkai.core.middleware.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "workbench/locked_out.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0 level 3 over ASVS (decision 0024): complexity and no reuse of recent passwords.
    {
        "NAME": "gongkai.core.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": int(env("GONGKAI_PASSWORD_CLASSES", "3"))},
    },
    {
        "NAME": "gongkai.core.passwords.PasswordHistoryValidator",
        "OPTIONS": {"remember": int(env("GONGKAI_PASSWORD_HISTORY", "5"))},
    },
]
# Days after which staff must choose a new password (0: never). Off in the demonstration,
# whose published passwords would otherwise expire under its visitors.
GONGKAI_PASSWORD_MAX_AGE_DAYS = int(
    env("GONGKAI_PASSWORD_MAX_AGE_DAYS", "0" if DEMO_MODE else "90")
)

# --- Staff two-factor sign-in (docs/decisions/0026) ----------------------------------------
# Every member of staff enrols an authenticator app (TOTP) and gives its code after the
# password. Off only in demo mode (a system check refuses it off elsewhere), and off by
# default there, so that visitors can sign in with the demonstration's published passwords.
GONGKAI_STAFF_TWO_FACTOR = env_bool("GONGKAI_STAFF_TWO_FACTOR", default=not DEMO_MODE)
# How many backup codes (one use each) a member of staff receives at enrolment.
GONGKAI_TWO_FACTOR_BACKUP_CODES = int(env("GONGKAI_TWO_FACTOR_BACKUP_CODES", "10"))
# django-otp: a wrong code makes the device wait 1, 2, 4, 8 … seconds before the next try
# (its defaults, set here so that they are seen); the devices' secrets stay out of the admin.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- end of staff two-factor sign-in -------------------------------------------------------

LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "workbench:login"

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gongkai" / "locale"]
LANGUAGE_COOKIE_NAME = "gongkai_language"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("GONGKAI_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "gongkai" / "static"]
if not PRODUCTION:
    # WhiteNoise looks for STATIC_ROOT at start-up; in development the files come from the finders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env("GONGKAI_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With DEBUG off (production, `make demo-prod`): `collectstatic` writes each file under a
    # name holding its hash, with a gzip copy, and WhiteNoise serves the hashed names
    # with a cache lifetime of a year (they never change). With DEBUG on the files come as they
    # are, straight from the source folders, with no collectstatic.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "gongkai.core.staticfiles.StaticFilesStorage"
        )
    },
}

# --- Security ------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp, docs/decisions/0023): scripts, styles, fonts and images
# only from the site itself — no inline script, no inline style, no other site — and no
# framing. Views that serve uploaded files set a stricter policy of their own (sandbox).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The load balancer probes /health/ over plain HTTP inside the network (docs/deployment.md).
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- E-mail --------------------------------------------------------------------------------

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "gongkai@localhost")
# The SMTP server (the SMTP backend only). Without these, a mail server on this machine.
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")  # implicit TLS, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_TLS or DJANGO_EMAIL_USE_SSL, not both.")
# Seconds before a silent mail server counts as failed: mail is first tried right after the
# request's commit, so an unanswering server must not hold the response for long.
EMAIL_TIMEOUT = int(env("DJANGO_EMAIL_TIMEOUT", "10"))

# --- Logging -------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("GONGKAI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Axes logs every sign-in at INFO; its warnings (failures, lockouts) are enough.
        "axes": {"level": "WARNING"},
        # The task queue logs every job's start and end at INFO: in the web process (the
        # immediate backend, an index update per publication) its failures are enough; the
        # workers (`db_worker`) set their own level from --verbosity.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Gongkai --------------------------------------------------------------------------------

# Client address for the audit trail: REMOTE_ADDR unless the deployment names how many
# trusted proxies stand in front (then the address that many hops from the right of
# X-Forwarded-For). A forged header cannot move the address past the trusted proxies.
GONGKAI_TRUSTED_PROXY_COUNT = int(env("GONGKAI_TRUSTED_PROXY_COUNT", "0"))
# Requests per client address: "count/seconds" (gongkai.core.ratelimit; 0 switches a rule off).
GONGKAI_RATE_LIMITS = {
    "public_write": env("GONGKAI_RATE_PUBLIC_WRITE", "30/600"),
    "search": env("GONGKAI_RATE_SEARCH", "120/60"),
}

# --- Retention (issue 9, decision 0028) ---
# Days the audit trail is kept (at least 183: the Cybersecurity Law's six months, checked by
# a system check), and years after a case closed before its people's personal data is
# anonymised (manage.py prune_audit_trail / anonymise_personal_data, gongkai.core.retention).
GONGKAI_AUDIT_RETENTION_DAYS = int(env("GONGKAI_AUDIT_RETENTION_DAYS", "365"))
GONGKAI_PERSONAL_DATA_YEARS = int(env("GONGKAI_PERSONAL_DATA_YEARS", "5"))
# --- end of retention ---

# Largest attachment accepted on a document (bytes).
GONGKAI_ATTACHMENT_MAX_BYTES = int(env("GONGKAI_ATTACHMENT_MAX_BYTES", str(50 * 1024 * 1024)))

# How comments on a new consultation on a draft are shown unless its editor chooses otherwise:
# "before" (moderated before showing, 先审后发) or "at_once" (shown at once, 先发后审).
GONGKAI_CONSULTATION_MODERATION = env("GONGKAI_CONSULTATION_MODERATION", "before")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Surveys (docs/surveys.md): answers taken from one client address per survey in a window of
# seconds, whatever its cookies say; the key of the visitor hash (default: the secret key).
GONGKAI_SURVEY_ANSWERS_PER_ADDRESS = int(env("GONGKAI_SURVEY_ANSWERS_PER_ADDRESS", "20"))
GONGKAI_SURVEY_ADDRESS_WINDOW = int(env("GONGKAI_SURVEY_ADDRESS_WINDOW", str(60 * 60)))
GONGKAI_SURVEY_VISITOR_KEY = env("GONGKAI_SURVEY_VISITOR_KEY")

# Search: "tantivy" (embedded engine, the default), or "database" (FTS5 on SQLite, text search
# on PostgreSQL) for several application servers without a shared disk. The Tantivy index is
# derived data in its own directory, filled from the database (docs/operators-guide.md).
# The public address of the site, for links in e-mail (notices to applicants).
GONGKAI_SITE_URL = env("GONGKAI_SITE_URL", "http://127.0.0.1:8000")
# The key of the hash that recognises an applicant's identity document again (repeat requests,
# the monthly count of the per-application fee) without comparing the numbers themselves.
# Defaults to the secret key; set it separately so that rotating the secret key keeps it.
GONGKAI_ID_DIGEST_KEY = env("GONGKAI_ID_DIGEST_KEY")
# The TrueType font with Chinese characters embedded in PDF notices (decision 0013); empty:
# Debian's fonts-arphic-uming, which `make install` installs.
GONGKAI_NOTICE_FONT = env("GONGKAI_NOTICE_FONT")
GONGKAI_NOTICE_FONT_INDEX = int(env("GONGKAI_NOTICE_FONT_INDEX", "0"))

GONGKAI_SEARCH_BACKEND = env("GONGKAI_SEARCH_BACKEND", "tantivy")
# bench/throughput.py's minimal view (/bench/minimal), routed only when this is on (issue 10).
GONGKAI_BENCH_VIEWS = env_bool("GONGKAI_BENCH_VIEWS", default=False)
GONGKAI_SEARCH_INDEX_DIR = Path(
    env("GONGKAI_SEARCH_INDEX_DIR", str(BASE_DIR / "var" / "search-index"))
)

# --- Uploads (issue 9; gongkai.core.uploads, docs/decisions/0027) ---------------------------
# The largest file per kind of upload field, in bytes (documents and consultations keep
# GONGKAI_ATTACHMENT_MAX_BYTES above): files the public sends with letters, the files of an
# application's case, evidence of key tasks and hand scores, workbooks to import.
GONGKAI_UPLOAD_MAX_BYTES = {
    "citizen": int(env("GONGKAI_UPLOAD_MAX_BYTES_CITIZEN", str(10 * 1024 * 1024))),
    "case": int(env("GONGKAI_UPLOAD_MAX_BYTES_CASE", str(50 * 1024 * 1024))),
    "evidence": int(env("GONGKAI_UPLOAD_MAX_BYTES_EVIDENCE", str(20 * 1024 * 1024))),
    "workbook": int(env("GONGKAI_UPLOAD_MAX_BYTES_WORKBOOK", str(10 * 1024 * 1024))),
}
# An image with more pixels (all frames together) is refused before it is decoded.
GONGKAI_UPLOAD_MAX_PIXELS = int(env("GONGKAI_UPLOAD_MAX_PIXELS", str(50_000_000)))
# ClamAV: every upload is streamed to this clamd when set ("unix:/run/clamav/clamd.ctl" or
# "tcp:host:3310"); while it cannot be reached, uploads are refused ("try again later").
GONGKAI_CLAMAV = env("GONGKAI_CLAMAV")
if GONGKAI_CLAMAV and not (
    GONGKAI_CLAMAV.startswith("unix:/")
    or (GONGKAI_CLAMAV.startswith("tcp:") and GONGKAI_CLAMAV.rpartition(":")[2].isdigit())
):
    raise ImproperlyConfigured(
        f"GONGKAI_CLAMAV must be unix:/path/to/clamd.ctl or tcp:host:port, not {GONGKAI_CLAMAV!r}."
    )
GONGKAI_CLAMAV_TIMEOUT = float(env("GONGKAI_CLAMAV_TIMEOUT", "30"))  # seconds
# --- end of Uploads ---------------------------------------------------------------------------
# --- CAPTCHA (issue 9, "Web"; gongkai.core.captcha, decision 0029) --------------------------
# After this many public form submissions from one client address within the window (seconds,
# from the first), every public form asks for the characters of an image drawn on this server
# (0: on every submission; a negative number: never). Each image is answered once, within
# GONGKAI_CAPTCHA_MAX_AGE seconds. The font: a TrueType file (empty: AR PL UMing when
# installed, else Pillow's own).
GONGKAI_CAPTCHA_AFTER = int(env("GONGKAI_CAPTCHA_AFTER", "10"))
GONGKAI_CAPTCHA_WINDOW = int(env("GONGKAI_CAPTCHA_WINDOW", str(60 * 60)))
GONGKAI_CAPTCHA_MAX_AGE = int(env("GONGKAI_CAPTCHA_MAX_AGE", str(15 * 60)))
GONGKAI_CAPTCHA_FONT = env("GONGKAI_CAPTCHA_FONT")
# --- Search index status (issue 9, "Faults"; gongkai.search.status, decision 0030) ---------
# While the index is missing or stale, search answers from a slower query of the published
# records and the office is warned. Seconds a check of the index is trusted (it counts rows;
# the result is cached), and the grace period after which a publication still missing from
# the index makes it stale.
GONGKAI_SEARCH_STATUS_SECONDS = int(env("GONGKAI_SEARCH_STATUS_SECONDS", "60"))
GONGKAI_SEARCH_STALE_SECONDS = int(env("GONGKAI_SEARCH_STALE_SECONDS", "300"))
# --- end of the search index status ------------------------------------------------------
