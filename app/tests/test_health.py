"""Liveness and readiness: readiness checks the real PostgreSQL and Redis and names what is down."""
import pytest

pytestmark = pytest.mark.django_db


def test_liveness_answers(client):
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_is_ok_when_database_and_redis_answer(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "redis": "ok"}


def test_readiness_is_503_and_names_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    response = client.get("/health/ready/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "ok"
    assert checks["redis"]["status"] == "error"
    assert "ConnectionError" in checks["redis"]["error"]


def test_health_answers_are_never_cached(client):
    response = client.get("/health/ready/")
    assert "no-cache" in response["Cache-Control"]


def test_a_database_outage_is_a_quick_503_with_retry_after(rf):
    from django.db import OperationalError

    from workorders.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(rf.get("/api/work-orders/"),
                                            OperationalError("connection refused"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None  # stays 500
