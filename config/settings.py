"""Tutela settings: one file, read from the environment, fails loudly on bad values."""

import base64
import binascii
import datetime as dt
import ipaddress
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


DEBUG = env_bool("TUTELA_DEBUG", False)
# pytest sets TESTING itself so a bare `pytest` works; the environment can force it either way.
TESTING = env_bool("TUTELA_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("TUTELA_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"
    else:
        raise ImproperlyConfigured(
            "TUTELA_SECRET_KEY is not set. Set it, or set TUTELA_DEBUG=true for a local demo."
        )

# --- Field encryption (ADR 0009)
# Confidential free text (journal, referral narrative, assessments, social reports, proposal and closure
# reasons, timeline notes) is encrypted at rest with Fernet keys kept apart from SECRET_KEY: never derived from
# it, so leaking one leaks nothing of the other. TUTELA_FIELD_KEYS is a comma-separated list of keys
# (urlsafe base64 of 32 random bytes); the FIRST encrypts, every one decrypts. Rotation: put a new key first,
# run `manage.py rotate_field_keys`, then drop the old key. Losing every key loses those texts: back them up
# apart from the database.
# !!! DEVELOPMENT KEY, PUBLIC IN THIS FILE: whatever it encrypts is NOT protected. Only DEBUG and the tests
# !!! use it, and it is refused anywhere else even when set explicitly.
TUTELA_DEV_FIELD_KEY = "dHV0ZWxhLUlOU0VDVVJFLWRldi1maWVsZC1rZXktMDA="  # b"tutela-INSECURE-dev-field-key-00"
TUTELA_FIELD_KEYS = [k.strip() for k in os.environ.get("TUTELA_FIELD_KEYS", "").split(",") if k.strip()]
if not TUTELA_FIELD_KEYS:
    if DEBUG or TESTING:
        TUTELA_FIELD_KEYS = [TUTELA_DEV_FIELD_KEY]
    else:
        raise ImproperlyConfigured(
            "TUTELA_FIELD_KEYS is not set: confidential fields cannot be encrypted. Generate a key with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
        )
for _position, _key in enumerate(TUTELA_FIELD_KEYS, start=1):
    try:
        _valid = len(base64.b64decode(_key, altchars=b"-_", validate=True)) == 32
    except (binascii.Error, ValueError):
        _valid = False
    if not _valid:  # never echo the key: settings errors end up in logs
        raise ImproperlyConfigured(
            f"TUTELA_FIELD_KEYS: key number {_position} is not urlsafe base64 of 32 bytes (a Fernet key)."
        )
    if _key == TUTELA_DEV_FIELD_KEY and not (DEBUG or TESTING):
        raise ImproperlyConfigured("TUTELA_FIELD_KEYS holds the public development key: generate a real one.")

# --- Returns to the State (ADR 0012)
# The SINBA flow names each child by a pseudonym, HMAC-SHA256 of the person's id under TUTELA_RETURNS_KEY
# (urlsafe base64 of 32 random bytes), never derived from SECRET_KEY or the field keys. The key must never change
# (INPS links the yearly records of a child by the pseudonym): back it up with the database.
# !!! DEVELOPMENT KEY, PUBLIC IN THIS FILE: only DEBUG and the tests use it; it is refused anywhere else.
TUTELA_DEV_RETURNS_KEY = "dHV0ZWxhLUlOU0VDVVJFLWRldi1yZXR1cm5zLWtleTA="  # b"tutela-INSECURE-dev-returns-key0"
# Unset, SINBA exports refuse to run and `manage.py check --deploy` reports it (returns.E001); a malformed key
# stops here.
TUTELA_RETURNS_KEY = os.environ.get("TUTELA_RETURNS_KEY", "").strip()
if not TUTELA_RETURNS_KEY and (DEBUG or TESTING):
    TUTELA_RETURNS_KEY = TUTELA_DEV_RETURNS_KEY
if TUTELA_RETURNS_KEY:
    try:
        _returns_key_valid = len(base64.b64decode(TUTELA_RETURNS_KEY, altchars=b"-_", validate=True)) == 32
    except (binascii.Error, ValueError):
        _returns_key_valid = False
    if not _returns_key_valid:  # never echo the key
        raise ImproperlyConfigured("TUTELA_RETURNS_KEY is not urlsafe base64 of 32 bytes.")
if TUTELA_RETURNS_KEY == TUTELA_DEV_RETURNS_KEY and not (DEBUG or TESTING):
    raise ImproperlyConfigured("TUTELA_RETURNS_KEY holds the public development key: generate a real one.")
# The official INPS schemas the exports are validated against (not shipped with Tutela: see docs/returns/).
TUTELA_INPS_XSD_DIR = Path(
    os.environ.get("TUTELA_INPS_XSD_DIR", "").strip() or BASE_DIR.parent / "shared" / "domain" / "inps"
)
# How the web pages run an export: "thread" (in the web process, after the request; the demo) or "command"
# (left queued for `manage.py run_return_batch --pending`, run by cron or a worker).
TUTELA_RETURNS_RUNNER = os.environ.get("TUTELA_RETURNS_RUNNER", "thread").strip() or "thread"
if TUTELA_RETURNS_RUNNER not in {"thread", "command"}:
    raise ImproperlyConfigured("TUTELA_RETURNS_RUNNER must be 'thread' or 'command'.")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("TUTELA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TUTELA_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "tutela.core",
    "tutela.audit",
    "tutela.reference",
    "tutela.accounts",
    "tutela.people",
    "tutela.documents",
    "tutela.protocol",
    "tutela.cases",
    "tutela.intake",
    "tutela.assessments",
    "tutela.services",
    "tutela.deadlines",
    "tutela.notifications",
    "tutela.worklists",
    "tutela.meetings",
    "tutela.returns",
    "tutela.court",
    "tutela.indicators",
    "tutela.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tutela.core.middleware.SecurityHeadersMiddleware",
    # Bidirectional controls in an HTML page shown as "[U+202E]" (ADR 0010): outside every middleware that
    # may answer itself (CSRF failure, login redirect, lockout page), so it sees the final body of each.
    "tutela.core.middleware.BidiControlMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tutela.audit.middleware.AuditContextMiddleware",
    # Authentication and sessions (ADR 0006): after messages and the audit context; axes last, as it asks.
    "tutela.accounts.sessions.SessionTimeoutMiddleware",
    "tutela.accounts.twofactor.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tutela.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default (WAL, IMMEDIATE transactions so writers queue instead of failing);
# DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = Path(os.environ.get("TUTELA_SQLITE_PATH", BASE_DIR / "var" / "tutela.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL or SQLite.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "worklists:home"
LOGOUT_REDIRECT_URL = "login"

# --- Authentication and sessions (ADR 0006) -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "tutela.accounts.passwords.ItalianMinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tutela.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Argon2id; the PBKDF2 hashers stay to read older hashes, which are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# axes first: it refuses a locked-out user name or address before any backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Two-factor authentication (TOTP + backup codes) for every user. Only an explicit false turns it off, as the
# local demo does (`make run`); never off by default.
TUTELA_REQUIRE_2FA = env_bool("TUTELA_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "Tutela"
# The admin may delete a lost device, never read its secret or the backup codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True


def _env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for raw in (part.strip() for part in os.environ.get(name, "").split(",")):
        if raw:
            try:
                networks.append(ipaddress.ip_network(raw))
            except ValueError as exc:
                raise ImproperlyConfigured(f"{name}: {raw!r} is not a network in CIDR form ({exc})") from exc
    return tuple(networks)


# Lockout (ADR 0006): two locks with their own thresholds, counted by tutela.accounts.lockout.LockoutHandler;
# django-axes refuses the login before any password is checked and shows the page (429).
# - A user name: every TUTELA_LOCKOUT_FAILURES failures in a row delay it, TUTELA_LOCKOUT_FIRST_MINUTES the
#   first time, then twice as long each time, up to TUTELA_LOCKOUT_MINUTES; a success, or a day without
#   failures, starts again from the first delay. The user and the system administrators get an e-mail.
# - An address: TUTELA_LOCKOUT_ADDRESS_FAILURES failures within TUTELA_LOCKOUT_MINUTES lock it for
#   TUTELA_LOCKOUT_MINUTES, except in TUTELA_LOCKOUT_TRUSTED_NETWORKS (comma-separated CIDRs: the offices
#   behind one NAT address, whose user names are still delayed one by one).
# `manage.py axes_reset_username <name>` / `axes_reset_ip <address>` unlock early.
TUTELA_LOCKOUT_FAILURES = env_int("TUTELA_LOCKOUT_FAILURES", 5)
TUTELA_LOCKOUT_FIRST_DELAY = dt.timedelta(minutes=env_int("TUTELA_LOCKOUT_FIRST_MINUTES", 1))
TUTELA_LOCKOUT_MAX_DELAY = dt.timedelta(minutes=env_int("TUTELA_LOCKOUT_MINUTES", 30))
TUTELA_LOCKOUT_ADDRESS_FAILURES = env_int("TUTELA_LOCKOUT_ADDRESS_FAILURES", 50)
TUTELA_LOCKOUT_TRUSTED_NETWORKS = _env_networks("TUTELA_LOCKOUT_TRUSTED_NETWORKS")
if min(TUTELA_LOCKOUT_FAILURES, TUTELA_LOCKOUT_ADDRESS_FAILURES) < 1:
    raise ImproperlyConfigured(
        "TUTELA_LOCKOUT_FAILURES and TUTELA_LOCKOUT_ADDRESS_FAILURES must be at least 1"
    )
if not dt.timedelta(0) < TUTELA_LOCKOUT_FIRST_DELAY <= TUTELA_LOCKOUT_MAX_DELAY:
    raise ImproperlyConfigured(
        "TUTELA_LOCKOUT_FIRST_MINUTES must be at least 1 and at most TUTELA_LOCKOUT_MINUTES"
    )
AXES_HANDLER = "tutela.accounts.lockout.LockoutHandler"
# What axes' own log lines name, and how long it keeps its attempts table (the handler does not fill it).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = TUTELA_LOCKOUT_MAX_DELAY
# A success resets the user name's count (the handler's reset_user_attempts), not the address's.
AXES_RESET_ON_SUCCESS = True
# A refused login is flagged on the request (so the middleware shows the page) and counts nothing: a locked-out
# client retrying does not push the end of the lock further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "tutela.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "tutela.accounts.lockout.client_ip"
# Behind reverse proxies, how many of them append to X-Forwarded-For (0: the client is REMOTE_ADDR).
TUTELA_TRUSTED_PROXY_COUNT = env_int("TUTELA_TRUSTED_PROXY_COUNT", 0)

# Sessions: logged out after TUTELA_SESSION_IDLE_MINUTES without a request and, in any case,
# TUTELA_SESSION_MAX_HOURS after login (tutela.accounts.sessions). The cookie lives no longer than that.
TUTELA_SESSION_IDLE_SECONDS = env_int("TUTELA_SESSION_IDLE_MINUTES", 30) * 60
TUTELA_SESSION_MAX_SECONDS = env_int("TUTELA_SESSION_MAX_HOURS", 10) * 60 * 60
SESSION_COOKIE_AGE = TUTELA_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Single sign-on with the organisation's OpenID Connect provider: on when TUTELA_OIDC_CLIENT_ID is set.
# Users are matched to existing Tutela users (TUTELA_OIDC_USERNAME_CLAIM against the user name, else the
# e-mail) and never created. TUTELA_OIDC_TRUSTS_MFA=true lets the provider's login stand for the second factor.
TUTELA_OIDC_ENABLED = bool(os.environ.get("TUTELA_OIDC_CLIENT_ID", "").strip())
TUTELA_OIDC_TRUSTS_MFA = env_bool("TUTELA_OIDC_TRUSTS_MFA", False)
TUTELA_OIDC_USERNAME_CLAIM = os.environ.get("TUTELA_OIDC_USERNAME_CLAIM", "").strip()
# When set, the ID token's "iss" must be exactly this (its "aud" must always name TUTELA_OIDC_CLIENT_ID).
TUTELA_OIDC_ISSUER = os.environ.get("TUTELA_OIDC_ISSUER", "").strip()
if TUTELA_OIDC_ENABLED:
    _oidc_missing = [
        name
        for name in (
            "TUTELA_OIDC_CLIENT_SECRET",
            "TUTELA_OIDC_AUTHORIZATION_ENDPOINT",
            "TUTELA_OIDC_TOKEN_ENDPOINT",
            "TUTELA_OIDC_USERINFO_ENDPOINT",
            # The provider's public keys, for RS*/ES* signatures (HS* ones use the client secret).
            *(
                ()
                if os.environ.get("TUTELA_OIDC_SIGN_ALGO", "RS256").startswith("HS")
                else ("TUTELA_OIDC_JWKS_ENDPOINT",)
            ),
        )
        if not os.environ.get(name, "").strip()
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            f"TUTELA_OIDC_CLIENT_ID is set but these are not: {', '.join(_oidc_missing)}"
        )
    OIDC_RP_CLIENT_ID = os.environ["TUTELA_OIDC_CLIENT_ID"].strip()
    OIDC_RP_CLIENT_SECRET = os.environ["TUTELA_OIDC_CLIENT_SECRET"].strip()
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["TUTELA_OIDC_AUTHORIZATION_ENDPOINT"].strip()
    OIDC_OP_TOKEN_ENDPOINT = os.environ["TUTELA_OIDC_TOKEN_ENDPOINT"].strip()
    OIDC_OP_USER_ENDPOINT = os.environ["TUTELA_OIDC_USERINFO_ENDPOINT"].strip()
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("TUTELA_OIDC_JWKS_ENDPOINT", "").strip() or None
    AUTHENTICATION_BACKENDS.append("tutela.accounts.oidc.TutelaOIDCBackend")
OIDC_RP_SCOPES = os.environ.get("TUTELA_OIDC_SCOPES", "openid email profile").strip()
OIDC_RP_SIGN_ALGO = os.environ.get("TUTELA_OIDC_SIGN_ALGO", "RS256").strip()
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# --- end of authentication and sessions ------------------------------------------------------------------------

LANGUAGE_CODE = "it"
LANGUAGES = [("it", "Italiano"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("TUTELA_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Documents are never served from MEDIA_URL: downloads go through the access helper.
MEDIA_URL = "/no-direct-media/"

TUTELA_UPLOAD_MAX_BYTES = env_int("TUTELA_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TUTELA_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Past TUTELA_UPLOAD_MAX_BYTES a file is counted but no longer stored (DATA_UPLOAD_MAX_MEMORY_SIZE skips files).
FILE_UPLOAD_HANDLERS = [
    "tutela.documents.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Without an SMTP relay configured (TUTELA_SMTP_HOST), letters land as .eml files under var/mail.
TUTELA_SMTP_HOST = os.environ.get("TUTELA_SMTP_HOST", "")
if TUTELA_SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": TUTELA_SMTP_HOST,
                "port": env_int("TUTELA_SMTP_PORT", 587),
                "username": os.environ.get("TUTELA_SMTP_USER", ""),
                "password": os.environ.get("TUTELA_SMTP_PASSWORD", ""),
                "use_tls": env_bool("TUTELA_SMTP_TLS", True),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {
                "file_path": str(os.environ.get("TUTELA_EMAIL_FILE_PATH", BASE_DIR / "var" / "mail"))
            },
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("TUTELA_DEFAULT_FROM_EMAIL", "tutela-minori@example.invalid")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Production (neither DEBUG nor TESTING) is HTTPS only, behind a TLS reverse proxy (ADR 0010). The local demo
# on http://127.0.0.1 (`make run`) turns these off explicitly through the environment.
_HTTPS_ONLY = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("TUTELA_SECURE_SSL_REDIRECT", _HTTPS_ONLY)
SESSION_COOKIE_SECURE = env_bool("TUTELA_SECURE_COOKIES", _HTTPS_ONLY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("TUTELA_HSTS_SECONDS", 365 * 24 * 60 * 60 if _HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TUTELA_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TUTELA_HSTS_PRELOAD", True)
# The header the proxy sets on every request (and strips from the client's), e.g. X-Forwarded-Proto: https.
# Only set it when the proxy really does so: otherwise a client could claim HTTPS itself.
_PROXY_SSL_HEADER = os.environ.get("TUTELA_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
# Permissions-Policy on every page; Cache-Control: no-store on every answer to a logged-in user.
TUTELA_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=(), xr-spatial-tracking=()"
)

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TUTELA_LOG_LEVEL", "WARNING")},
}

# Demo accounts share this password; only seed_demo reads it.
TUTELA_DEMO_PASSWORD = os.environ.get("TUTELA_DEMO_PASSWORD", "tutela-demo")
# Take-in-charge time (referral received -> case assigned) when a territory sets none (seed 004: 10 days).
TUTELA_DEFAULT_TAKE_IN_CHARGE_DAYS = env_int("TUTELA_DEFAULT_TAKE_IN_CHARGE_DAYS", 10)
# Break-the-glass (ADR 0007): how long an emergency access to a case outside the scope lasts.
TUTELA_BREAK_GLASS_MINUTES = env_int("TUTELA_BREAK_GLASS_MINUTES", 60)
if not 1 <= TUTELA_BREAK_GLASS_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("TUTELA_BREAK_GLASS_MINUTES must be between 1 and 1440 (one day).")
