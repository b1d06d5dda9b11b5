"""Settings shared by every environment.

SQLite is the default database so that ``make run`` needs nothing else; set ``DATABASE_URL``
(``postgres://user@host:5432/name``) to run on PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
REPOSITORY_DIR = PACKAGE_DIR.parent
# Everything the running system writes (the SQLite file, uploaded attachments) lives here.
DATA_DIR = Path(os.environ.get("FUGONG_DATA_DIR", REPOSITORY_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before django_tasks_db: its ``db_worker`` command replaces django-tasks-db's (recovery of
    # the jobs of a worker that died). In the layers it sits right above accounts.
    "fugong.jobs",
    "django_tasks",
    "django_tasks_db",
    "fugong.core",
    "fugong.accounts",
    "fugong.audit",
    "fugong.enterprises",
    "fugong.guide",
    "fugong.resumption",
    "fugong.workforce",
    "fugong.screening",
    "fugong.handover",
    "fugong.gate",
    "fugong.retention",
    "fugong.supplies",
    "fugong.rooms",
    "fugong.cases",
    "fugong.reports",
    "fugong.inspections",
    "fugong.training",
    "fugong.duty",
    "fugong.bulletins",
    "fugong.overview",
    "fugong.demo",
]

MIDDLEWARE = [
    # The request id (X-Request-ID from nginx, or a new one) and the JSON access log line.
    "fugong.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The client's address (and, set by the API's authentication, the token) for audit rows.
    "fugong.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "fugong.core.locale.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # ``request.user.is_verified()``: whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # Sends a signed-in session to the code page or the enrolment until it may go on.
    "fugong.accounts.middleware.TwoFactorMiddleware",
    # Sends a session whose password someone else chose to the change-password page.
    "fugong.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy: see "Security headers" below.
    "csp.middleware.CSPMiddleware",
    "fugong.core.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fugong.core.middleware.ApplicationErrorMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fugong.urls"
WSGI_APPLICATION = "fugong.wsgi.application"

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
                "fugong.core.context_processors.navigation",
                "fugong.duty.context_processors.duty",
            ],
        },
    },
]

SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy timeout
    # instead of failing with "database is locked" when one upgrades a read lock.
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=30000;"
        "PRAGMA cache_size=-65536;"
        "PRAGMA temp_store=MEMORY;"
    ),
}


def database_from_environment(url: str | None = None) -> dict[str, Any]:
    """The default database: ``DATABASE_URL`` if set, else SQLite in the data directory (or the
    database at ``url``)."""
    url = os.environ.get("DATABASE_URL", "").strip() if url is None else url
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config["OPTIONS"] = dict(SQLITE_OPTIONS)
        elif config["ENGINE"] == "django.db.backends.postgresql":
            # PostgreSQL's JIT compiles a query plan for seconds when the planner expects many
            # rows; the dashboard's queries on half a million workers spent 2.9 s of 4.6 s
            # compiling (bench/dashboard.py). Our queries are short: no JIT.
            options = config.setdefault("OPTIONS", {})
            options["options"] = (options.get("options", "") + " -c jit=off").strip()
        return dict(config)  # a plain dict, as the SQLite default below
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "fugong.sqlite3",
        "OPTIONS": dict(SQLITE_OPTIONS),
        # Kept open between requests: opening SQLite and running the PRAGMAs costs more than a
        # gate check's queries.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": database_from_environment()}

# A PostgreSQL standby for the dashboard, the reports and their exports (fugong.core.replica):
# reads that may lag by the replication delay go there; writes and everything else stay on the
# primary. In tests it mirrors the primary's test database (on the standby's host and port).
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    _replica = database_from_environment(_replica_url)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["fugong.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def trusted_proxy_count(value: str) -> int:
    """``FUGONG_BEHIND_PROXY`` as a number of reverse proxies in front of the application:
    unset, ``0`` or ``false`` → none; ``1``, ``true`` or ``yes`` → one; a number → that many."""
    value = (value or "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return 0
    if value in ("true", "yes", "on"):
        return 1
    if value.isdigit():
        return int(value)
    raise ImproperlyConfigured(
        f"FUGONG_BEHIND_PROXY must be true/false or a number of proxies, not {value!r}."
    )


# How many reverse proxies (nginx…) stand in front of the application. The client's address is
# then read from X-Forwarded-For as those proxies wrote it; without one the header is ignored
# (see fugong.core.addresses). The login lockout and the audit trail use the same address.
FUGONG_TRUSTED_PROXIES = trusted_proxy_count(os.environ.get("FUGONG_BEHIND_PROXY", ""))

# Login lockout: five failures for one user name from one address lock that pair for 30 minutes.
# The pair, not the user name alone: someone guessing from many addresses must not be able to
# lock a user out everywhere (each address gets its five tries, and the password rules make five
# tries worthless); nor the address alone: colleagues behind one office NAT must not lock each
# other out. Wrong current passwords on "Change password" count as failures too.
# Two-factor sign-in (TOTP, django-otp): required in production for the command post and for every
# role that can reveal or export full ID or phone numbers (fugong.accounts.two_factor); optional in
# development and the tests, so that `make run`'s demo logins sign in with a password alone.
FUGONG_REQUIRE_TWO_FACTOR = True
OTP_TOTP_ISSUER = "Fugong"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "fugong.core.addresses.client_address"
# Axes keeps the failed request's form fields; these are masked there ("password" always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "current_password", "confirm"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-free meta tag instead.

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files are never served from a public URL: a view checks the caller's scope first.
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: attachments are checked by content and size in fugong.core.files.
FUGONG_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Images are decoded to strip their metadata: 50 megapixels (a 48 MP phone photo) is 150 MB decoded.
FUGONG_ATTACHMENT_MAX_PIXELS = 50_000_000
FUGONG_IMPORT_MAX_BYTES = 30 * 1024 * 1024
# What an import file may hold once unpacked (fugong.core.tabular refuses more before reading it):
# a 100,000-row roster written the way Excel writes it is 6.5 MB packed and 48.6 MB unpacked
# (measured with bench/roster_import.py), so 200 MB leaves room for 200,000 rows with inline text.
FUGONG_IMPORT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
FUGONG_IMPORT_MAX_ROWS = 200_000  # below the header
# The widest template has 22 columns. calamine lays a sheet out as a dense grid (32 bytes a cell),
# so the worst file these limits accept (cells at A1 and AX200050) costs 480 MB while it is read
# (measured), less than a real 100,000-row import (640 MB, the whole benchmark).
FUGONG_IMPORT_MAX_COLUMNS = 50
FUGONG_IMPORT_MAX_LINE_CHARS = 32_768  # csv
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# The city the park is in (division code prefix): returning workers from outside it need a
# return date before they can be cleared.
# The address people open the system at, printed on the login letters of new accounts
# (``https://fugong.example.gov.cn/``). Empty: the address the command post's request came in by.
FUGONG_SITE_URL = os.environ.get("FUGONG_SITE_URL", "")
FUGONG_PARK_CITY_PREFIX = os.environ.get("FUGONG_PARK_CITY_PREFIX", "4306")

# The gate kiosk's offline verdicts are trusted when its offline copy (the snapshot, refreshed
# every 5 minutes while online) was younger than this, in seconds, at the check's time: 12 hours
# carry a gate through a shift without network on a copy that still knows that day's clearances,
# passes and thresholds. Checks decided from an older (or unverified) copy are judged again by the
# server and flagged where it disagrees (see fugong/gate/offline.py).
FUGONG_GATE_OFFLINE_MAX_AGE = int(os.environ.get("FUGONG_GATE_OFFLINE_MAX_AGE", 12 * 60 * 60))

# Personal data at rest (see fugong.core.crypto): "id:base64key,..." (the first encrypts) and the
# separate key of the lookup digests. Development has fixed keys; production reads the environment.
FUGONG_DATA_KEYS = os.environ.get("FUGONG_DATA_KEYS", "")
FUGONG_LOOKUP_KEY = os.environ.get("FUGONG_LOOKUP_KEY", "")

# Looks at full ID and phone numbers (fugong.workforce.reveals), per user, counted from the audit
# trail (so every server process sees the same count). A person looks at a number to use it:
# phone a worker, compare an ID card, which takes a minute or more each time. 30 in 10 minutes
# (one every 20 seconds, kept up for 10 minutes) is beyond that pace, and 200 a day is a liaison
# phoning the staff of several workshops after a fever case; lists of people for a district go
# through the handover export, which is audited on its own. A script harvesting numbers gets 30
# per 10 minutes and 200 a day at most, and sets off the alert below within the first hour.
# Each entry: (period, most looks in it).
# Security headers. No inline script or style anywhere (scripts and styles are static files,
# behaviour hangs on data attributes in fugong/static/fugong/app.js), so the policy needs no
# 'unsafe-inline'. QR codes are inline SVG elements, charts draw on canvas.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# The browser features pages may use: the camera for this site only (the gate kiosk scans QR
# codes with it), nothing else.
FUGONG_PERMISSIONS_POLICY = {
    "camera": ["self"],
    "geolocation": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
}

# Rate limits, as (requests, seconds) per key in a fixed window, counted in the database so
# that they hold across server processes (fugong.core.ratelimit). Over a limit: 429 with
# Retry-After.
FUGONG_RATE_LIMITS = {
    # Per API token: ten a second on average is more than any script of ours needs.
    "api_token": (600, 60),
    # Per gate device: a gate rush is about 1,000 checks in 30 minutes, in bursts; a batch
    # counts once. Ten times the rush's average rate.
    "gate_device": (300, 60),
    # Per user, the "My account" password form (wrong current passwords also count for axes).
    "password_change": (10, 3600),
    # Per client address, the pass page (/passes/<token>/): a worker shows it a few times a
    # day; many workers may share one address (a factory's Wi-Fi), so generous.
    "pass_page": (120, 60),
    # Per client address, the daily health declaration page (/passes/<token>/follow-up/): looks
    # and declarations together; a factory's Wi-Fi may carry a shift's workers at once.
    "follow_up_page": (120, 60),
}

FUGONG_REVEAL_LIMITS = [(timedelta(minutes=10), 30), (timedelta(days=1), 200)]
# Within the limits, this many looks by one user in one period is unusual enough for the command
# post to ask why: an alert on its home page (and in the audit trail) and a warning in the log.
# 50 in an hour is more than a whole workshop's phone round, and can only be reached by keeping
# close to the short limit for most of the hour.
FUGONG_REVEAL_ALERT = (timedelta(hours=1), 50)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Background jobs (imports, exports, re-screening): Django's tasks interface with its database
# backend, so SQLite needs no other server; `fugong db_worker` runs a worker (`make run` starts
# one, production runs them as systemd units: docs/deployment.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# fugong.jobs: results (reports, files) are kept this many days after a job ends, then deleted
# by the worker (hourly) or `fugong apply_retention`.
FUGONG_JOB_RESULT_DAYS = int(os.environ.get("FUGONG_JOB_RESULT_DAYS", 7))
# Progress is written at most this often (seconds) while a job runs.
FUGONG_JOB_PROGRESS_INTERVAL = 0.5
# A running job writes a heartbeat this often (seconds, from a thread); one whose heartbeat is
# older than the stale limit is taken for one whose worker died. The limit allows for a long
# write transaction on SQLite, during which the heartbeat waits for the lock (a 100,000-row
# roster writes for about 6 s).
FUGONG_JOB_HEARTBEAT_SECONDS = 10
FUGONG_JOB_STALE_SECONDS = int(os.environ.get("FUGONG_JOB_STALE_SECONDS", 120))
# How often (seconds) a worker looks for stale jobs and expired results, besides at its start.
FUGONG_JOB_SWEEP_SECONDS = 30
# A job interrupted by a dead worker runs again until it has been started this many times.
FUGONG_JOB_MAX_ATTEMPTS = 2
# Imports of larger files run as background jobs; smaller ones answer at once (bytes: a
# 2,000-row roster is about 130 kB as xlsx, 200 kB as csv).
FUGONG_IMPORT_INLINE_MAX_BYTES = int(os.environ.get("FUGONG_IMPORT_INLINE_MAX_BYTES", 200 * 1024))

# The readiness check (GET /api/v1/health) calls the job queue degraded when the oldest job
# ready to run has waited longer than this (seconds): no worker is taking jobs.
FUGONG_HEALTH_QUEUE_MAX_WAIT = int(os.environ.get("FUGONG_HEALTH_QUEUE_MAX_WAIT", 300))

# Work over these sizes runs as a background job (measured to take about a second or more on the
# reference machine; see docs/architecture.md, "Large exports and re-screenings as background
# jobs"): re-screening more workers than this after a rule change; an xlsx export of more rows
# (the daily report's enterprises, a handover list's people); a bulletin .docx of more
# paragraphs (non-empty lines of its text).
FUGONG_RESCREEN_INLINE_MAX_WORKERS = int(
    os.environ.get("FUGONG_RESCREEN_INLINE_MAX_WORKERS", 20_000)
)
FUGONG_EXPORT_INLINE_MAX_ROWS = int(os.environ.get("FUGONG_EXPORT_INLINE_MAX_ROWS", 5_000))
FUGONG_DOCX_INLINE_MAX_PARAGRAPHS = int(os.environ.get("FUGONG_DOCX_INLINE_MAX_PARAGRAPHS", 1_500))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "bare": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # The access log: one JSON object a line on standard output (the journal under systemd).
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "bare",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Never log request bodies or query strings: they may carry personal data.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One JSON line per request (fugong.core.requestlog); FUGONG_ACCESS_LOG=0 turns it off.
        "fugong.access": {
            "handlers": ["access"],
            "level": "INFO" if os.environ.get("FUGONG_ACCESS_LOG", "1") == "1" else "WARNING",
            "propagate": False,
        },
    },
}

# Prevention supplies: the N of the dashboard's "enterprises under N days of masks".
FUGONG_SUPPLIES_MASK_DAYS = int(os.environ.get("FUGONG_SUPPLIES_MASK_DAYS", 7))
