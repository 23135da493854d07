"""Settings, read from the environment.

Embedded default: SQLite, a file cache and SqliteHuey under ``var/``, mail to the console.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` moves cache, rate limits and the Huey
queue to Redis, ``EMAIL_URL`` sends mail over SMTP, and ``DJANGO_ENV=production`` turns on the
production hardening (and insists on a secret key, allowed hosts and encryption keys).
"""

import secrets
from decimal import Decimal
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"
VAR_DIR = Path(env.str("SNSHELPER_VAR_DIR", default=str(BASE_DIR / "var")))
# The test suite runs in parallel processes (pytest-xdist): each keeps its own files and Redis
# database, as two hosts would, so one process's cache.clear() or queue never touches another's.
TEST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")  # "gw0", "gw1", ... ; "" outside tests
if TEST_WORKER:
    VAR_DIR = VAR_DIR / TEST_WORKER
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret(name: str, make) -> str:
    """A secret kept in var/ for development and the demo; production must set it."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default=_local_secret("secret.key", lambda: secrets.token_urlsafe(50))
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
    # Several keys, newest first: data encrypted with an older key still opens, and
    # `manage.py rotate_field_keys` re-encrypts everything with the first one.
    FIELD_ENCRYPTION_KEYS = env.list(
        "FIELD_ENCRYPTION_KEYS",
        default=[_local_secret("field-encryption.key", lambda: Fernet.generate_key().decode())],
    )
DEBUG = env.bool("DJANGO_DEBUG", default=False) and not PRODUCTION

INSTALLED_APPS = [
    "snshelper.staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Ours before allauth's, so our templates (layouts, emails) override its own.
    "snshelper.core",
    "snshelper.privacy",
    "snshelper.accounts",
    # Before staff: the roles (synced after migrate) name their permissions.
    "snshelper.pages",
    "snshelper.maintenance",
    "snshelper.web",
    "snshelper.catalog",
    "snshelper.wallet",
    "snshelper.orders",
    "snshelper.staff",
    "snshelper.providers",
    "snshelper.api",
    "snshelper.notifications",
    "snshelper.support",
    "snshelper.privacy_rights",
    "snshelper.backoffice",
    "snshelper.demo",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.line",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    # Outermost, so it sees every response: a cookie not declared in privacy.cookies never leaves (P13).
    "snshelper.privacy.cookies.DeclaredCookiesOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "snshelper.core.security_headers.SecurityHeadersMiddleware",
    # Above everything that writes the body; static files come precompressed from whitenoise.
    "snshelper.core.compression.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a body, the APIs included: one over the declared size is refused unread (413).
    "snshelper.web.body_limit.RequestSizeLimitMiddleware",
    # API v2 and JSON API v1 answer here: the HTML-only middleware below never runs for them.
    "snshelper.api.middleware.MachineApiMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # As early as it can be: it must know who is signed in (staff pass), and a closed site does
    # nothing more than read the state.
    "snshelper.maintenance.middleware.MaintenanceMiddleware",
    "snshelper.privacy.cookies.CookieChoiceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "snshelper.staff.middleware.StaffMFAMiddleware",
    "snshelper.staff.access.StaffAccessMiddleware",
    "snshelper.core.public_forms.PublicFormRateLimitMiddleware",
]

ROOT_URLCONF = "snshelper.urls"
WSGI_APPLICATION = "snshelper.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # The design system's filters (money, rate, when, duration) in every template.
            "builtins": ["snshelper.core.templatetags.design"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "snshelper.web.context_processors.site",
                "snshelper.pages.context_processors.footer",
                "snshelper.maintenance.context_processors.maintenance",
                "snshelper.privacy_rights.policy.context_processors.policy_notice",
                "snshelper.notifications.context_processors.unread",
                "snshelper.privacy.cookies.cookie_context",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'snshelper.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker share the file; secure_delete
    # overwrites deleted content with zeros as it goes (remnants, docs/privacy.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # No `SELECT 1` before each request's first query: Django checks a connection after an error
    # (and drops it when unusable) at the request's end, which is when a check can find anything.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits and the queue --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and TEST_WORKER:
    _base, _slash, _db = REDIS_URL.rpartition("/")
    REDIS_URL = f"{_base}/{int(_db or 0) + int(TEST_WORKER.removeprefix('gw'))}"
if REDIS_URL:
    # Redis down: reads miss and writes are skipped (core.cache), never a 500.
    CACHES = {"default": {"BACKEND": "snshelper.core.cache.TolerantRedisCache", "LOCATION": REDIS_URL}}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "snshelper",
        "url": REDIS_URL,
        "immediate": env.bool("HUEY_IMMEDIATE", default=False),
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    # A file cache is shared by every web and worker process on the host, so rate limits hold.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "snshelper",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env.bool("HUEY_IMMEDIATE", default=False),
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }

# /healthz and the staff dashboard say "degraded" when a watched job has not finished a run (or the
# worker has not run its heartbeat) for longer than this (issue 16: work that resumes by itself).
HEALTH_MAX_JOB_AGE_MINUTES = env.int("HEALTH_MAX_JOB_AGE_MINUTES", default=10)
# How long the provider sync's and forwarding pass's leases last without renewal (renewed after each
# batch): a worker killed mid-run delays the next run by at most this.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=600)
# The leases (core.leases) whose last successful run /healthz watches.
HEALTH_WATCHED_JOBS = ("providers-sync", "providers-forward-due")

# --- Money -------------------------------------------------------------------------------------
CURRENCY = env.str("CURRENCY", default="THB")
# Our bank accounts members transfer to (JSON list of {key, bank, name, number}).
TOPUP_BANK_ACCOUNTS = env.json(
    "TOPUP_BANK_ACCOUNTS",
    default=[
        {
            "key": "kbank",
            "bank": gettext_lazy("Kasikornbank (KBank)"),
            "name": "SNS Helper Co., Ltd.",
            "number": "012-3-45678-9",
        },
        {
            "key": "scb",
            "bank": gettext_lazy("Siam Commercial Bank (SCB)"),
            "name": "SNS Helper Co., Ltd.",
            "number": "123-456789-0",
        },
    ],
)
PROMPTPAY_ID = env.str("PROMPTPAY_ID", default="0812345678")  # phone number or 13-digit tax ID
TOPUP_MIN_AMOUNT = Decimal(env.str("TOPUP_MIN_AMOUNT", default="50"))
TOPUP_MAX_AMOUNT = Decimal(env.str("TOPUP_MAX_AMOUNT", default="500000"))
PROMPTPAY_EXPIRY_MINUTES = env.int("PROMPTPAY_EXPIRY_MINUTES", default=30)
SLIP_MAX_BYTES = env.int("SLIP_MAX_BYTES", default=5 * 1024 * 1024)
# Uploads are scanned by ClamAV's daemon when a socket or host is set (off otherwise). When it is
# set but clamd cannot answer, uploads are refused ("try again"): scanning fails closed.
CLAMD_SOCKET = env.str("CLAMD_SOCKET", default="")
CLAMD_HOST = env.str("CLAMD_HOST", default="")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=15.0)  # seconds, for connecting and for the verdict

# --- Maintenance mode -------------------------------------------------------------------------
# The state lives in the database (manage.py maintenance on|off, or the back office); every web
# process reads it at most once per this many seconds. Retry-After when no end is given (or it passed).
MAINTENANCE_CACHE_SECONDS = env.int("MAINTENANCE_CACHE_SECONDS", default=5)
MAINTENANCE_RETRY_AFTER = env.int("MAINTENANCE_RETRY_AFTER", default=300)

# --- Members and sign-in ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Member"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"

ACCOUNT_ADAPTER = "snshelper.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_DISPLAY = "snshelper.accounts.models.member_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "snshelper.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SNS Helper] "
# Failed sign-ins: 5 per address in 15 minutes, then that address is locked out for the rest of
# the window; 20 per IP address a minute. Counted in the cache (Redis when configured).
# Wrong MFA codes (the sign-in step, re-authentication and the TOTP set-up) count against
# "login_failed" too, keyed by the member: 5 wrong codes in 15 minutes lock the second step.
# Every other visitor's POST is limited per address by PublicFormRateLimitMiddleware.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="20/m/ip,5/15m/key"),
    "signup": "20/m/ip,100/h/ip",
    "reset_password": "20/m/ip,5/m/key,10/h/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    "manage_email": "10/m/user",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- APIs ----------------------------------------------------------------------------------------
# Requests per key ("count/seconds"), and failed key attempts per IP address before even a right
# key is refused for the rest of the window (guessing keys is slowed to a crawl).
API_KEY_RATE = env.str("API_KEY_RATE", default="600/60")
API_KEY_FAILURE_RATE = env.str("API_KEY_FAILURE_RATE", default="20/600")
# Bodies over these sizes (bytes, as declared by Content-Length) are refused with 413 before they
# are read: the APIs take no files; pages take at most 3 attachments of 5 MB (support) or a slip.
API_REQUEST_MAX_BYTES = env.int("API_REQUEST_MAX_BYTES", default=2_621_440)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=20 * 1024 * 1024)
# Upstream providers: how long forwarding waits, how often it retries a connection that failed
# before anything was sent, and how many orders one multiple-status call asks about.
PROVIDER_MAX_SEND_ATTEMPTS = env.int("PROVIDER_MAX_SEND_ATTEMPTS", default=8)
PROVIDER_STATUS_BATCH = 100
MFA_ADAPTER = "snshelper.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SNS Helper"
MFA_TRUST_ENABLED = False  # its cookie is not one the policy allows
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}  # WebAuthn is not offered; kept tight regardless

# --- Languages and time ----------------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "snshelper" / "locale"]
LANGUAGE_COOKIE_NAME = "snshelper_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Bangkok"  # what people see; the database stores UTC (USE_TZ)
USE_TZ = True

# --- Cookies: session, CSRF, the cookie choice, language and popup are the only ones (P13) ------
SESSION_COOKIE_NAME = "sessionid"
# Read from the cache (Redis, or the file cache) and written through to the database, which is
# read only when the cache lost it: a signed-in page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
POPUP_COOKIE_NAME = "snshelper_popup"
POPUP_COOKIE_AGE = 365 * 24 * 3600

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root; never served directly
# With brotli installed, collectstatic writes a .br (and a .gz) beside every text file, and
# whitenoise serves the smallest one the browser accepts.
STORAGES = {
    # Every stored file (payment slips, consultation attachments) is encrypted with the field keys.
    "default": {"BACKEND": "snshelper.core.encrypted_files.EncryptedFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Mail --------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SNS Helper <no-reply@snshelper.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers --------------------------------------------------------------------------
# Everything from our own host, nothing inline: no template has a <script> body, a <style> block,
# a style="" or an on*="" attribute (tests/test_security_headers.py scans them). htmx is told not
# to inject its indicator style or to eval (meta htmx-config in web/base.html). img-src stays
# 'self' without data: because no page needs data: images (QR codes are inline <svg> markup);
# only the Swagger page of API v1 adds data: for its stylesheet's icons (snshelper/api/v1.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "font-src": [SELF],
        "img-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # no other site may embed our responses
# Browser features no page uses, denied to us and to anything embedded (feature -> allowed origins).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# Visitors' POSTs outside allauth's own limits ("count/seconds" per IP address); the APIs have theirs.
PUBLIC_FORM_RATE = env.str("PUBLIC_FORM_RATE", default="30/60")
PUBLIC_FORM_RATE_EXEMPT_PATHS = ["/api/v1/", "/api/v2"]
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])

# --- The business (shown on pages; the privacy policy names the officer) ---------------------
SITE_NAME = env.str("SITE_NAME", default="SNS Helper")
# Links in mails and notices start with it; unset, it follows PORT (`PORT=8300 scripts/demo`).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
LINE_OFFICIAL_ACCOUNT_URL = env.str("LINE_OFFICIAL_ACCOUNT_URL", default="https://line.me/R/ti/p/@snshelper")
# LINE Messaging API (notices by LINE push to members who linked their LINE account). Empty token:
# no LINE notices. The base URL is a setting so tests and demos point it at a local recorder.
LINE_CHANNEL_ACCESS_TOKEN = env.str("LINE_CHANNEL_ACCESS_TOKEN", default="")
LINE_API_BASE_URL = env.str("LINE_API_BASE_URL", default="https://api.line.me")
LINE_PUSH_TIMEOUT = env.float("LINE_PUSH_TIMEOUT", default=10.0)
# LINE Login (allauth), used only to link an existing member's LINE account (opt-in), never to
# sign up: it brings no data beyond the LINE user ID that a push needs.
LINE_LOGIN_CHANNEL_ID = env.str("LINE_LOGIN_CHANNEL_ID", default="")
LINE_LOGIN_CHANNEL_SECRET = env.str("LINE_LOGIN_CHANNEL_SECRET", default="")
SOCIALACCOUNT_ADAPTER = "snshelper.notifications.line_login.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_PROVIDERS = {
    "line": {
        "SCOPE": ["profile", "openid"],
        "APPS": [{"client_id": LINE_LOGIN_CHANNEL_ID, "secret": LINE_LOGIN_CHANNEL_SECRET, "key": ""}]
        if LINE_LOGIN_CHANNEL_ID
        else [],
    }
}
# Notices: a delivery that fails is tried again after these many minutes, then given up.
NOTICE_RETRY_MINUTES = [1, 5, 30, 120, 720]
PRIVACY_OFFICER_NAME = env.str("PRIVACY_OFFICER_NAME", default="SNS Helper Privacy Officer")
PRIVACY_OFFICER_EMAIL = env.str("PRIVACY_OFFICER_EMAIL", default="privacy@snshelper.local")
# Retention periods are settings whose defaults are the policy's own numbers (months).
RETENTION_MONTHS = {
    "login_records": env.int("RETENTION_LOGIN_RECORDS_MONTHS", default=6),
    "contract": env.int("RETENTION_CONTRACT_MONTHS", default=60),
    "payment": env.int("RETENTION_PAYMENT_MONTHS", default=60),
    "complaint": env.int("RETENTION_COMPLAINT_MONTHS", default=60),
    "withdrawn_member": env.int("RETENTION_WITHDRAWN_MEMBER_MONTHS", default=60),
    "staff_audit": env.int("RETENTION_STAFF_AUDIT_MONTHS", default=24),
    "staff_records": env.int("RETENTION_STAFF_RECORDS_MONTHS", default=36),  # counted from leaving
    "data_requests": env.int("RETENTION_DATA_REQUESTS_MONTHS", default=36),
    "privacy_questions": env.int("RETENTION_PRIVACY_QUESTIONS_MONTHS", default=12),
    "legal_holds": env.int("RETENTION_LEGAL_HOLDS_MONTHS", default=24),  # counted from the release
    "breaches": env.int("RETENTION_BREACHES_MONTHS", default=60),  # counted from the incident's close
    "consultations": env.int("RETENTION_CONSULTATIONS_MONTHS", default=12),  # counted from the closing
    "notices": env.int("RETENTION_NOTICES_MONTHS", default=12),
}
# Things whose purpose ends quickly are destroyed after days, not years.
RETENTION_DAYS = {
    "unpaid_top_ups": env.int("RETENTION_UNPAID_TOP_UPS_DAYS", default=30),
    "rejected_slips": env.int("RETENTION_REJECTED_SLIPS_DAYS", default=90),
    "identity_checks": env.int("RETENTION_IDENTITY_CHECKS_DAYS", default=1),
    "exports": env.int("RETENTION_EXPORTS_DAYS", default=0),  # counted from the link's expiry
    "email_confirmations": env.int("RETENTION_EMAIL_CONFIRMATIONS_DAYS", default=3),  # allauth's link expiry
}
# Data-subject requests and questions to the privacy officer are answered within this many days.
PRIVACY_ANSWER_DAYS = env.int("PRIVACY_ANSWER_DAYS", default=10)
PRIVACY_EXPORT_DAYS = env.int("PRIVACY_EXPORT_DAYS", default=7)  # a "view" export's link lives this long
# A new policy version is published at least this many days before it takes effect.
POLICY_NOTICE_DAYS = env.int("POLICY_NOTICE_DAYS", default=7)
# Keys the hashes that match a new sign-up with a withdrawn member (never the clear data).
PRIVACY_MATCH_KEY = env.str("PRIVACY_MATCH_KEY", default="") or f"match:{SECRET_KEY}"

# --- Deletions survive a restore (P21) ----------------------------------------------------------
# The deletion journal: its own SQLite file, outside the main database (and outside its backups),
# append-only, holding keyed hashes of what was destroyed, never the data. Put it on a disk the
# database restore does not touch. Entries younger than DELETION_JOURNAL_KEEP_DAYS (keep it at
# least as long as the oldest backup you may restore) cannot be deleted.
DELETION_JOURNAL_PATH = Path(
    env.str("DELETION_JOURNAL_PATH", default=str(VAR_DIR / "deletion-journal.sqlite3"))
)
DELETION_JOURNAL_KEY = env.str("DELETION_JOURNAL_KEY", default="") or f"journal:{SECRET_KEY}"
DELETION_JOURNAL_KEEP_DAYS = env.int("DELETION_JOURNAL_KEEP_DAYS", default=400)
# Where `manage.py backup` writes its encrypted archives when no path is given.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))

# --- Privacy promises with no way around them (issue 15) ---------------------------------------
# Production does not start without a virus scanner (P15) or a real privacy officer (P8): the
# defaults above are placeholders. An operator who scans uploads elsewhere says so with
# CLAMAV_DISABLED=1, which every process logs when it starts.
CLAMAV_DISABLED = env.bool("CLAMAV_DISABLED", default=False)
if PRODUCTION:
    if not (CLAMD_SOCKET or CLAMD_HOST or CLAMAV_DISABLED):
        raise ImproperlyConfigured(
            "Set CLAMD_SOCKET or CLAMD_HOST (ClamAV scans every upload), or CLAMAV_DISABLED=1 if "
            "uploads are scanned elsewhere."
        )
    for _name in ("PRIVACY_OFFICER_NAME", "PRIVACY_OFFICER_EMAIL"):
        if not env.str(_name, default="").strip():
            raise ImproperlyConfigured(f"Set {_name}: the privacy policy names the privacy officer.")
    if "@" not in PRIVACY_OFFICER_EMAIL:
        raise ImproperlyConfigured("PRIVACY_OFFICER_EMAIL must be an email address.")
# The privacy officer is alerted (desk and mail) on these days after a request or question is
# received, when it is still unanswered (answers are due within PRIVACY_ANSWER_DAYS).
PRIVACY_DEADLINE_ALERT_DAYS = [7, 9]

CSRF_FAILURE_VIEW = "snshelper.web.errors.csrf_failure"

# LOG_LEVEL sets every logger; unset, the site logs at INFO and the job queue's per-job lines
# ("Executing …") only from WARNING, so a console (the demo's) shows mail and problems, not jobs.
LOG_LEVEL = env.str("LOG_LEVEL", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_403": {"()": "snshelper.core.log_filters.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL or "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["one_line_403"]},
        "huey": {"level": LOG_LEVEL or "WARNING"},
    },
}
