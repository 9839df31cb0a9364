"""A developer's machine: debug on; local PostgreSQL and Redis unless the environment says."""
import os

from .base import *  # noqa: F403
from .base import database_from_url, redis_settings

DEBUG = True
SECRET_KEY = "local-development-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/workorders")
    )
}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES, CHANNEL_LAYERS = redis_settings(REDIS_URL)

# The seed command's password for the role users when SEED_PASSWORD is not set.
SEED_DEFAULT_PASSWORD = "testpass123"  # noqa: S105
