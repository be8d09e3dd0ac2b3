"""Newsroom settings: one module, driven by the environment (see README)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A checkout's .env (written by `make run`: DEBUG on, a key of its own) is read when it
# exists; variables already set win. NEWSROOM_ENV_FILE names another file, or none ("":
# `make test`, the bench). Production has no .env: its settings come from the environment.
ENV_FILE = os.environ.get("NEWSROOM_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    load_dotenv(ENV_FILE, override=False)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name) or default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "articles.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "django_prose_editor",
    "reversion",
    "taggit",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_q",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise and the page cache, which answer without calling what follows
    # them: static files and cached pages carry these headers too.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "articles.platform.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.platform.routers.PrimaryPinMiddleware",
    "articles.caching.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "articles.caching.pages.StaffCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "articles.caching.invalidation.InvalidationReportMiddleware",
    "articles.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.public.context_processors.site",
            ],
        },
    },
]

# Databases: SQLite in the repo unless DATABASE_URL names another; an optional
# read replica takes public reads (articles.platform.routers.ReplicaRouter).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    ),
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["articles.platform.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every app server), files on this
# machine otherwise. A Redis outage degrades to uncached pages, never to an error.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Without Redis, a cache on disk: shared by every process of this machine (the dev
    # server, gunicorn's workers, a management command), so a write made by one is seen
    # by the others at once. A per-process memory cache would keep serving pages that
    # another process's import or edit has made stale.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
            # Django's default of 300 entries is outgrown by a hundred publications'
            # change records and the pages they touch: culling then evicted logged-in
            # sessions (an extra query on every admin page).
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Sessions live in the database (shared by every app server) and are read through the
# cache, so a logged-in page costs no session query while Redis is up. The store is
# Django's cached_db, taking only session ids of the shape Django makes.
SESSION_ENGINE = "articles.accounts.sessions"

# django-axes refuses a locked-out login before Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_UNHASHED")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: safe defaults when DEBUG is off; TLS is terminated by the proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Mail (invitations to new staff): the console by default, so a checkout needs no mail
# server; SMTP once EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # port 465; otherwise STARTTLS unless turned off
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# A set-password link in an invitation works once, and for this long.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("NEWSROOM_INVITATION_SECONDS", str(3 * 24 * 3600)))

# Content-Security-Policy (django-csp) and Permissions-Policy (django-permissions-policy);
# docs/SECURITY.md ("Headers") explains each directive. Public pages hold no inline
# script or style, so their policy allows none and never carries a nonce: a nonce in a cached page
# would be shared by every reader. The admin (never cached) has its own policy, which
# also runs an inline script or style of ours that carries request.csp_nonce.
# Serving static files or uploads from another origin (a CDN) means adding it here.
_PUBLIC_CSP_DIRECTIVES = {
    "default-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
    "report-uri": reverse_lazy("csp-report"),
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _PUBLIC_CSP_DIRECTIVES}
NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_PUBLIC_CSP_DIRECTIVES,
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
    }
}
# Powerful browser features the site never uses, denied to it and to anything it embeds.
# Only features Chromium knows: it warns about every other one on every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}

# Newsroom itself.
NEWSROOM_NAME = os.environ.get("NEWSROOM_NAME", "Newsroom")
NEWSROOM_LANGUAGE = os.environ.get("NEWSROOM_LANGUAGE", "en")
NEWSROOM_IMPORT_MAX_BYTES = int(os.environ.get("NEWSROOM_IMPORT_MAX_BYTES", str(1024 * 1024)))
# Pushes a minute each agency key may make to POST /api/v1/ingest/ (articles.api.ingest).
NEWSROOM_INGEST_RATE = int(os.environ.get("NEWSROOM_INGEST_RATE", "60"))
# The agency the plain-text wire files come from: their articles' source (the format
# names none).
NEWSROOM_WIRE_SOURCE = os.environ.get("NEWSROOM_WIRE_SOURCE", "Wire")
NEWSROOM_PAGE_SIZE = 20
# Anonymous full-page cache (articles.caching); off only to measure uncached pages.
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", default=True)
NEWSROOM_PAGE_SHARED_MAX_AGE = int(os.environ.get("NEWSROOM_PAGE_SHARED_MAX_AGE", "10"))
# Writes invalidate cached pages at once, by key; what a page shows that changes with
# the clock alone says when (a related list, the home page's thirty days, a coverage
# chart's months: articles.caching.dependencies.record_until). This bounds the rest.
NEWSROOM_PAGE_CACHE_TIMEOUT = int(os.environ.get("NEWSROOM_PAGE_CACHE_TIMEOUT", "3600"))
# A worker that misses a page another worker is rendering waits this long for its copy
# (articles.caching.pages) before rendering the page itself.
NEWSROOM_PAGE_RENDER_WAIT_SECONDS = float(os.environ.get("NEWSROOM_PAGE_RENDER_WAIT_SECONDS",
                                                         "2"))
# An article's "related" list: an edit of one it lists shows at once; a newer article
# joins it within this time (publishing one does not make every article page stale).
NEWSROOM_RELATED_SECONDS = int(os.environ.get("NEWSROOM_RELATED_SECONDS", "600"))
# A cache call slower than this makes a process leave the cache alone for a few seconds.
NEWSROOM_CACHE_SLOW_SECONDS = float(os.environ.get("NEWSROOM_CACHE_SLOW_SECONDS", "0.2"))
# The query parameters public pages read (pages, sitemap pages, search and its filters):
# any other never changes a page, so it shares the page's cached copy.
NEWSROOM_PAGE_QUERY_PARAMS = ["page", "p", "q", "country", "minister", "policy", "from", "to",
                              # The read API's (articles/api): see docs/API.md.
                              "author", "cursor", "limit", "updated_since", "format"]
# Representations a page offers in place of its usual one on request (Accept): each
# is cached apart (an API article as IPTC ninjs; the response says Vary: Accept).
NEWSROOM_PAGE_ACCEPT_VARIANTS = ["application/ninjs+json"]
# Where credentials (an API token, a session cookie) open more than readers see (staff
# drafts through the API): requests carrying them there are private, never cached.
NEWSROOM_CREDENTIALED_PREFIXES = ["/api/"]
# How long a proxy may serve a page while it fetches a new copy.
NEWSROOM_PAGE_STALE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_STALE_SECONDS", "30"))
# How long a proxy may keep a 404 or 410 (a withdrawn story's page replaces its copy).
NEWSROOM_GONE_SHARED_MAX_AGE = int(os.environ.get("NEWSROOM_GONE_SHARED_MAX_AGE", "10"))
# A page's last good copy, served when the database fails, is kept this long.
NEWSROOM_LAST_GOOD_SECONDS = int(os.environ.get("NEWSROOM_LAST_GOOD_SECONDS", "86400"))
# With a read replica, nothing rendered this soon after a write is cached.
NEWSROOM_REPLICA_LAG_SECONDS = int(os.environ.get("NEWSROOM_REPLICA_LAG_SECONDS", "5"))
# The public address of the site (scheme and host), e.g. https://news.example.org.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "")
# nginx servers (docs/nginx.conf) asked to fetch a withdrawn page afresh, e.g.
# http://10.0.0.5 (comma-separated); their cache then holds the 410, not the story.
NEWSROOM_PROXY_REFRESH_URLS = env_list("NEWSROOM_PROXY_REFRESH_URLS", "")
# The shared secret nginx checks before letting a refresh bypass its copy (docs/nginx.conf).
NEWSROOM_PROXY_REFRESH_TOKEN = os.environ.get("NEWSROOM_PROXY_REFRESH_TOKEN", "")
# Edge caches that purge by key (Varnish with deploy/varnish/default.vcl), e.g.
# http://10.0.0.7:6081 (comma-separated): each write's keys are purged there by the
# background worker.
NEWSROOM_EDGE_PURGE_URLS = env_list("EDGE_PURGE_URLS", "")

# The background worker (django-q2, `python manage.py qcluster`): edge purges and the
# purge at the moment a scheduled story goes live. Its queue is Redis when REDIS_URL is
# set, else the database (make run needs no Redis). NEWSROOM_TASKS_SYNC runs each task
# in the process that queues it (the test suite: no worker there).
Q_CLUSTER = {
    "name": "newsroom",
    "workers": int(os.environ.get("NEWSROOM_WORKERS", "1")),
    "timeout": 60,
    "retry": 90,  # a task a dead worker had taken is run again after this
    "max_attempts": 3,
    "ack_failures": True,
    "catch_up": False,  # a missed purge schedule runs once, not once per missed slot
    "save_limit": 200,
    "label": "Background tasks",
    "sync": env_bool("NEWSROOM_TASKS_SYNC"),
    **({"django_redis": "default"} if REDIS_URL else {"orm": "default"}),
}

# Staff logins (articles.accounts): lockouts by django-axes, two-factor by django-otp.
# An account is locked from an address after NEWSROOM_LOGIN_FAILURE_LIMIT failures from
# there within the cool-off (so guessing elsewhere cannot keep its owner out), an address
# (a whole office may share one) after NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT on any accounts.
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT", "20")
)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Tries made while locked out do not push the end of the lockout further away, so the
# lockout page can say when to try again and an attacker cannot keep a colleague out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "articles.accounts.logins.LoginAttemptHandler"
AXES_CLIENT_IP_CALLABLE = "articles.accounts.logins.client_ip"
AXES_USERNAME_CALLABLE = "articles.accounts.logins.attempted_username"
AXES_LOCKOUT_CALLABLE = "articles.accounts.logins.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # articles.accounts.admin registers lists written for editors
# Behind nginx (and perhaps a CDN), the number of proxies that append to X-Forwarded-For;
# 0 trusts only the connection's own address (a client can forge the header).
NEWSROOM_TRUSTED_PROXY_COUNT = int(os.environ.get("NEWSROOM_TRUSTED_PROXY_COUNT", "0"))
# Roles (group names) whose members must use two-factor authentication; superusers too
# whenever any role must. Empty only for the local demo.
REQUIRE_2FA_FOR = [
    name.strip()
    for name in os.environ.get("REQUIRE_2FA_FOR", "Editor").split(",")
    if name.strip()
]
OTP_TOTP_ISSUER = NEWSROOM_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session unused for this long is ended at its next request.
NEWSROOM_STAFF_IDLE_SECONDS = int(os.environ.get("NEWSROOM_STAFF_IDLE_SECONDS", str(8 * 3600)))

# django-redis reports each failed call; during an outage that is one traceback per
# request, so its reports (and our own "Redis is slow") pass as one line per minute per
# process (OncePerMinute). Other cache warnings (an invalidation kept) all pass.
DJANGO_REDIS_LOGGER = "newsroom.cache.redis"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_per_minute": {"()": "articles.caching.state.OncePerMinute"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "cache_outage": {"class": "logging.StreamHandler", "filters": ["once_per_minute"]},
    },
    "loggers": {
        "newsroom.cache.redis": {"handlers": ["cache_outage"], "propagate": False},
        # One line per login, lockout, two-factor step and session ended
        # (articles.accounts).
        "newsroom.security": {"level": "INFO"},
        "axes": {"level": "ERROR"},  # its own lines repeat newsroom.security's
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
