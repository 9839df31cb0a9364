"""Production settings for the tests that run the app the way production does."""
import os

# Every variable production settings insist on, with values that pass `check --deploy`.
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "q8-Zr!v2#mLk0@tW7^yXe4&pNs9*bHd1(cJf6)gUa3_oRi5+lQ",
    "DJANGO_ALLOWED_HOSTS": "workorders.example.com",
    "DATABASE_URL": "postgresql://app:pw@db.internal:5432/workorders",
    "REDIS_URL": "redis://cache.internal:6379/0",
}


def server_env(settings, database: str = "postgres") -> dict[str, str]:
    """Production settings pointed at the tests' own PostgreSQL (that database) and Redis, for
    gunicorn or daphne started on loopback."""
    db = settings.DATABASES["default"]
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": os.urandom(32).hex(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{database}",
        "REDIS_URL": settings.REDIS_URL,
    }
