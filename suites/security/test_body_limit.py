"""Oversized bodies are refused by nginx with 413 before they reach the app; a body of exactly
the limit passes nginx and is answered by the app.

The limit is the shipped nginx.conf's client_max_body_size (nginx's default, 1 MiB, if unset).
Over the limit the request is sent without credentials: the app would answer 401, so a 413
can only be nginx's.
"""
import json

import pytest

from fixtures.stack import shipped
from fixtures.target import api

pytestmark = pytest.mark.security
LIMIT = shipped.nginx_body_limit()
CREATE = "/api/work-orders/"


def work_order_of(size: int) -> bytes:
    """A JSON work order of exactly `size` bytes, padded in its description."""
    empty = json.dumps({"title": "Security suite: body limit", "description": ""})
    body = json.dumps({"title": "Security suite: body limit",
                       "description": "x" * (size - len(empty))}).encode()
    assert len(body) == size
    return body


def chunks(body: bytes, size: int = 64 * 1024):
    for start in range(0, len(body), size):
        yield body[start:start + size]


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_just_over_the_limit_gets_413_from_nginx(target, framing):
    body = work_order_of(LIMIT + 1)
    with target.http(timeout=30) as anonymous:
        response = anonymous.post(CREATE, headers={"Content-Type": "application/json"},
                                  content=body if framing == "content-length" else chunks(body))
    assert response.status_code == 413, response.text[:300]
    assert "413 Request Entity Too Large" in response.text  # nginx's page, not the app's JSON


def test_a_body_of_exactly_the_limit_passes_nginx(target):
    with api.client_for(target, "maker", timeout=30) as maker:
        response = maker.post(CREATE, headers={"Content-Type": "application/json"},
                              content=work_order_of(LIMIT))
    # The app parsed it: its own answer names the field over its length (and nothing is made).
    assert response.status_code == 400, response.text[:300]
    assert response.headers["content-type"] == "application/json", (
        f"Not the API's answer on the field but a refusal of the size: {response.text[:300]}")
    assert "description" in response.json()
