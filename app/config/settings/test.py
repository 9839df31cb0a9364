"""The app's own tests: real PostgreSQL and Redis, addresses filled in by the test harness.

fixtures/plugin/app_services.py starts throwaway servers (or takes TEST_DATABASE_URL /
TEST_REDIS_URL) and points these settings at them before any connection opens.
"""
from .base import *  # noqa: F403
from .base import database_from_url, redis_settings

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Until the harness fills it in, a port nothing listens on: a test that escapes the harness
# fails loudly instead of touching a developer's database.
DATABASES = {"default": database_from_url("postgresql://postgres@127.0.0.1:9/workorders")}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # tests create and drop databases; keep no connection
REDIS_URL = "redis://127.0.0.1:9/0"
CACHES, CHANNEL_LAYERS = redis_settings(REDIS_URL)

# Hashing passwords slowly is a production defence, and only slows every test that logs in.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED_DEFAULT_PASSWORD = "testpass123"  # noqa: S105
