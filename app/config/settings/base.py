"""Settings shared by every environment; the environment modules import this first."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

INSTALLED_APPS = [
    "daphne",  # first: its runserver serves WebSockets too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "channels",
    "workorders",
    "health",
]

# PrometheusBefore/After wrap everything else so the latency histogram sees the whole request.
MIDDLEWARE = [
    "workorders.middleware.ServerTimingMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workorders.middleware.DatabaseUnavailableMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Bodies above 1 MiB are refused by Django itself (nginx refuses them earlier in production).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workorders.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "workorders.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "workorders.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "workorders.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Work orders API",
    "DESCRIPTION": "Makers draft work orders, supervisors approve and assign them, "
    "operators carry out their tasks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Work orders and tasks both have a "status": name the two enums in the schema.
    "ENUM_NAME_OVERRIDES": {
        "WorkOrderStatusEnum": "workorders.models.WorkOrderStatus",
        "TaskStatusEnum": "workorders.models.TaskStatus",
    },
}

# The SLA thresholds (0.5 s average, 1 s p95) must be bucket edges, or Prometheus can only
# interpolate whether a request met them.
PROMETHEUS_LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, float("inf"),
)
PROMETHEUS_EXPORT_MIGRATIONS = False

# How long Redis keeps a finished list or detail answer (workorders/readcache.py); 0 turns the
# cache off. Entries are retired by the data generation, not by this: it only bounds memory.
READ_CACHE_SECONDS = int(os.environ.get("WORKORDERS_READ_CACHE_SECONDS", "60"))

# A channel layer group lives as long as nginx keeps a WebSocket open (7 days), so a client
# connected for days still receives what is sent to its groups.
WEBSOCKET_LIFETIME_SECONDS = 7 * 24 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}


def database_from_url(url: str) -> dict:
    """A DATABASES entry for a PostgreSQL URL, with the options every environment wants."""
    import dj_database_url

    # Persistent connections, without Django's health check: it is a `SELECT 1` round trip
    # before every request's first query, measured (py-spy, list endpoint under load) at 17 %
    # of the workers' time. What it buys is one 503 fewer per worker after PostgreSQL restarts:
    # a dead connection fails its request fast (503, DatabaseUnavailableMiddleware) and Django
    # discards it, so the next request reconnects (suites/resilience measures the recovery).
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=False)
    # A dead database must fail a request quickly (503), not hang it past gunicorn's timeout.
    config.setdefault("OPTIONS", {})["connect_timeout"] = 3
    return config


def redis_settings(url: str) -> tuple[dict, dict]:
    """CACHES and CHANNEL_LAYERS for one Redis URL."""
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    channel_layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # Each consumer waits on Redis in 5 s blocking reads (channels-redis'
                # brpop_timeout); redis-py's default socket timeout is also 5 s, and when it
                # wins the read fails and daphne closes the idle socket. Outlast the read.
                "hosts": [{"address": url, "socket_timeout": 30, "socket_connect_timeout": 2}],
                "group_expiry": WEBSOCKET_LIFETIME_SECONDS,
            },
        }
    }
    return caches, channel_layers
