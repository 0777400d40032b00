"""Recovery Hub settings, read from the environment (see the table in README.md).

Defaults are for a developer's laptop with no services at all: SQLite in WAL mode and an
embedded, file-based Celery broker. Production sets DEBUG=false and must give a real SECRET_KEY.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from recovery_hub.queues import DEFAULT_QUEUE, task_queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_flag(name: str, default: bool) -> bool:
    """A true/false setting where an empty value (`SECURE_COOKIES=`) means the default, never
    false: a blank line in an .env or compose file must not switch a protection off."""
    if not env.str(name, default="").strip():
        return default
    return env.bool(name)


DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG=false) refuses to start without a real "
            "secret key: set SECRET_KEY to a long random value, or DEBUG=true on a laptop."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY looks like a development key. Production (DEBUG=false) needs a random "
        "value of at least 40 characters."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The Django admin, signed in to only through allauth (recovery_hub/admin_door.py).
    "recovery_hub.admin_apps.DoorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    # API tokens: hashed at rest, expiring, named (accounts.ApiToken swaps knox's model).
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_filters",
    # ours
    "recovery_hub",
    "core",
    "accounts",
    "audit",
    "patients",
    "networks",
    "coping",
    "reports",
    "resources",
    "events",
    "updates",
    "messaging",
    "notifications",
    "engagement",
    "joining",
    "interop",
    "calendars",
    "imports",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise, so static files keep their long cache; everything else is no-store.
    "recovery_hub.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /api/ paths without their final slash are served, not redirected (the body would be lost).
    "recovery_hub.errors.ApiSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.ClinicMiddleware",
    # Ends a session idle too long (staff sooner); after ClinicMiddleware, whose roles it reads.
    "accounts.sessions.IdleTimeoutMiddleware",
    # Staff (and supporters where the clinic asks) enrol a second factor before anything else.
    "accounts.second_factor.SecondFactorMiddleware",
    # A NUL (or lone surrogate) in a query string or form field: a 400 naming it, on any page.
    "recovery_hub.errors.UnstorableInputMiddleware",
    # Last: turns a locked account's sign-in into the page that says so (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "recovery_hub.urls"
WSGI_APPLICATION = "recovery_hub.wsgi.application"
ASGI_APPLICATION = "recovery_hub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.clinic",
            ],
            # Every template may write dates the one way ({{ when|day }}, |moment, |clock) and
            # place a confirmation next to the control that was used ({% feedback_at "place" %}).
            "builtins": ["accounts.templatetags.dates", "accounts.templatetags.feedback"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the Celery worker and beat share one file without locking out
    # each other; the test database is a file too, so a worker process can reach it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"{env.str('TEST_DATABASE_NAME', default='test-db')}.sqlite3")
    }
else:
    if env.str("TEST_DATABASE_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Shared by every web worker: sign-in throttles, used second-factor codes. Redis when there is
# one; otherwise a table in the database (created by a migration of recovery_hub). While Redis
# cannot be reached, the Redis cache answers from that table (recovery_hub/cache.py): a Redis
# outage must not stop people signing in.
CACHE_KEY_PREFIX = "rh-cache"
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "recovery_hub.cache.RedisOrDatabaseCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# One door: axes refuses a locked account before any password is hashed; allauth's backend is
# the only one that checks a password (and hashes a throw-away one for an unknown address, so
# every attempt costs the same). The Django admin has no sign-in form of its own.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "recovery_hub.allauth_adapter.ClinicAccountAdapter"
# A new password ends every session of the person, this one included (accounts.sessions).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
# Choosing a password from an emailed link (a staff invitation, a reset) signs the person in.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys: a person may add one after joining (Account security) and sign in with it.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # plain http://127.0.0.1 on a laptop only
MFA_TOTP_ISSUER = "Recovery Hub"
# A code from the authenticator's previous or next 30-second step is accepted too (RFC 6238's
# allowance for clock drift and a slow network); each code still works once, and wrong codes
# are limited per account (ACCOUNT_RATE_LIMITS below).
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "accounts.second_factor.ClinicMFAAdapter"

# --- Sign-in limits and lockout (one owner each) --------------------------------------------
# The account: django-axes counts failed sign-ins per email address in the database, which every
# worker shares and a restart keeps; after AXES_FAILURE_LIMIT failures the account is locked
# for AXES_COOLOFF_MINUTES (a page says so; the clinic admin can unlock it sooner).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "login"  # allauth's sign-in form
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# The address: allauth (on the shared cache) throttles failed sign-ins per address; successful
# sign-ins are never limited per address, so a whole clinic behind one NAT address can start a
# shift together. Per-account limits belong to axes above.
# allauth also counts wrong second-factor codes under "login_failed", keyed on the account: that
# per-account budget (three times the axes limit, over the same cool-off) stops code guessing;
# wrong passwords reach the axes lock long before it.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": (
        env.str("LOGIN_FAILED_RATE_LIMIT", default="20/m/ip")
        + f",{AXES_FAILURE_LIMIT * 3}/{int(AXES_COOLOFF_TIME.total_seconds())}s/key"
    ),
}
# Proxies in front of the app that append X-Forwarded-For (0: the peer address is the client).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# axes.W006 asks axes to lock addresses too; here allauth's "login_failed" limit stops guessing
# from an address, and an axes lock on an address would lock out a whole clinic behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# --- Sessions and API tokens ----------------------------------------------------------------
# A session ends after this long without activity (accounts.sessions.IdleTimeoutMiddleware):
# clinic admins and clinicians (and Django admin users) sooner, people in recovery and supporters
# later. A warning IDLE_WARNING_SECONDS before the end lets the person stay.
STAFF_IDLE_MINUTES = env.float("STAFF_IDLE_MINUTES", default=15)
MEMBER_IDLE_MINUTES = env.float("MEMBER_IDLE_MINUTES", default=8 * 60)
IDLE_WARNING_SECONDS = env.int("IDLE_WARNING_SECONDS", default=60)
# The session's own lifetime follows the longest idle limit (each activity renews it), with an
# hour to spare so that the middleware, not a silent expiry, ends it and says why.
SESSION_COOKIE_AGE = int(max(STAFF_IDLE_MINUTES, MEMBER_IDLE_MINUTES) * 60) + 60 * 60
# API tokens (django-rest-knox): only a digest is stored; each expires after API_TOKEN_DAYS.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105  (a model name, not a secret)
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
# knox's own token model is swapped out: without this, its migrations would still create its
# table, unused, whose foreign key to the users stops the test database from being flushed.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SESSION_COOKIE_HTTPONLY = True
# Database sessions; a cookie holding a NUL is no session, not a 500 (helper probe-data).
SESSION_ENGINE = "recovery_hub.session_store"
SESSION_COOKIE_SECURE = env_flag("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The language switch's cookie (accounts/languages.py): sent over HTTPS only where the session is,
# never read by scripts, and not sent with other sites' forms (Lax).
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# One date style per context, per language: recovery_hub/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["recovery_hub.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if EMAIL_CONFIG.get("EMAIL_FILE_PATH") and not EMAIL_CONFIG["EMAIL_FILE_PATH"].startswith("/"):
    # filemail:///var/mail means /var/mail (django-environ drops the leading slash).
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = "/" + EMAIL_CONFIG["EMAIL_FILE_PATH"]
vars().update(EMAIL_CONFIG)
# Seconds an SMTP connection waits for the server to answer: a server that accepts and then
# hangs must not hold a worker forever (the row is retried with backoff instead).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10)
# The address people use to reach the app; links in emails sent outside a request use it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Recovery Hub <no-reply@localhost>")

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": 3600,
        # A broker outage must not hold a web request: give up quickly, the outbox keeps the
        # message and the sweep sends it later.
        "socket_connect_timeout": 2,
        "max_retries": 1,
        "interval_start": 0,  # the one retry at once, not after kombu's default 2 s sleep
    }
else:
    # No server at all: kombu's filesystem transport works across the web, worker and beat
    # processes through one folder.
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A queue per channel and one for planning (recovery_hub/queues.py); a worker without -Q
# consumes them all.
CELERY_TASK_QUEUES = task_queues()
CELERY_TASK_ROUTES = ["recovery_hub.queues.route_task"]
CELERY_TASK_DEFAULT_QUEUE = DEFAULT_QUEUE
CELERY_TIMEZONE = "UTC"
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=60)
# Send outbox rows in the web process instead of through a worker (unit tests only).
NOTIFICATIONS_INLINE_DISPATCH = env.bool("NOTIFICATIONS_INLINE_DISPATCH", default=False)
# Text messages: notifications.sms.ConsoleBackend, FileBackend or HttpProviderBackend.
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.sms.ConsoleBackend")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=VAR_DIR / "sms.log")
# Web Push (notifications/push.py): the VAPID key pair, base64url (the public key as the
# browser's applicationServerKey, the private key raw; `make demo` writes a pair into .env),
# and the contact address push services see. Without the keys push is off (a system check
# warns in production). HTTP and loopback endpoints only for the tests' local push service.
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="mailto:privacy@recoveryhub.example")
WEB_PUSH_TTL_SECONDS = env.int("WEB_PUSH_TTL_SECONDS", default=12 * 60 * 60)
WEB_PUSH_ALLOW_HTTP_ENDPOINTS = False

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request then answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.second_factor.SecondFactorEnrolled",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api_classes.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "accounts.api_base.ApiAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API contract (accounts/api_base.py): JSON bodies whose text can be stored, one error
    # shape, OPTIONS that opens nothing, no `?format=` switch (an unknown parameter is a 400).
    "DEFAULT_PARSER_CLASSES": ["core.api_classes.StrictJSONParser"],
    "EXCEPTION_HANDLER": "accounts.api_base.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "core.api_classes.ApiMetadata",
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )
SPECTACULAR_SETTINGS = {
    "TITLE": "Recovery Hub API",
    "DESCRIPTION": (
        "Clinic-scoped API of Recovery Hub. Authenticate with the header "
        "`Authorization: Token <key>`. Each person makes and revokes their own keys on the API "
        f"tokens page (`/accounts/tokens/`); a key expires after {API_TOKEN_DAYS} days and "
        "ends when its owner signs out, changes their password or is deactivated."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PatientStatusEnum": "patients.models.PatientStatus",
        "AppointmentStatusEnum": "patients.models.AppointmentStatus",
        "AlertStatusEnum": "patients.models.AlertStatus",
        "SetbackKindEnum": "patients.models.SetbackKind",
        "MilestoneKindEnum": "patients.models.MilestoneKind",
        "AppointmentKindEnum": "patients.models.AppointmentKind",
        "AlertKindEnum": "patients.models.AlertKind",
        "ReactionKindEnum": "updates.models.ReactionKind",
    },
    # Every operation documents the errors it can answer, in the one error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api_base.add_error_responses",
    ],
}

# --- Forms and UI ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------
# Served over HTTPS unless DEBUG or SECURE_COOKIES=false (the test suite's plain-HTTP live
# servers): then cookies are HTTPS-only, plain HTTP is redirected and HSTS is sent. Behind a
# proxy, it must set X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
# A load balancer's health probe speaks plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS (sent on HTTPS answers only): a year unless DEBUG; 0 turns it off while trying HTTPS out.
_hsts_seconds = env.str("SECURE_HSTS_SECONDS", default="").strip()
SECURE_HSTS_SECONDS = int(_hsts_seconds) if _hsts_seconds else (0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The "preload" token only offers the domain to browsers' built-in HTTPS list; nothing happens
# until someone submits the domain (hstspreload.org). SECURE_HSTS_PRELOAD=false leaves it out.
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline code, no plugins, no framing. Bootstrap's form controls draw small SVG icons from
# data: URLs, hence img-src data:. Swagger UI (/api/docs/) loads its script from a URL too.
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
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Permissions-Policy (recovery_hub.security): features a page may use; an empty list denies it
# to every origin. Passkeys (WebAuthn) are used for sign-in, on our own origin only.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
