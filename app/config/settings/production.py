"""Production: every secret and address comes from the environment, and nothing has a default.

A missing variable stops the process at start-up with ImproperlyConfigured naming it, rather
than letting it serve with a guessed value.
"""
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_from_url, redis_settings


def mandatory(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is not set. Production settings read every secret "
            f"and address from the environment: set {name} (for systemd, in the unit's "
            f"EnvironmentFile) and start again."
        )
    return value


DEBUG = False
SECRET_KEY = mandatory("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in mandatory("DJANGO_ALLOWED_HOSTS").split(",")]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
DATABASES = {"default": database_from_url(mandatory("DATABASE_URL"))}
REDIS_URL = mandatory("REDIS_URL")
CACHES, CHANNEL_LAYERS = redis_settings(REDIS_URL)

# nginx terminates TLS and says so in X-Forwarded-Proto; health and metrics are also asked for
# over plain HTTP on loopback (load balancer probes, Prometheus), so they are not redirected.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics/"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"

STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405

# No default password for the seeded role users here: SEED_PASSWORD must be given.
SEED_DEFAULT_PASSWORD = None
