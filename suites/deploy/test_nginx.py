"""The shipped nginx.conf, by behaviour: TLS only, HTTP redirected, security headers on every
answer, per-address request and connection limits, WebSockets proxied, static files cached.

Limits are checked from loopback addresses other than the load generator's (which is exempt),
so these tests need a loopback target and skip, saying so, on any other.
"""
import asyncio
import json
import ssl
import time
import warnings

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from fixtures.judges import resilience
from fixtures.target import api, client

pytestmark = pytest.mark.deploy
HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains; preload",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}


@pytest.fixture
def loopback(target):
    if not client.can_choose_address(target):
        pytest.skip("Per-address limits are checked from chosen loopback addresses: the target "
                    "must be on loopback.")
    return target


def assert_security_headers(response):
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.status_code, name,
                                                     response.headers.get(name))
    assert "default-src" in response.headers.get("content-security-policy", "")
    assert len(response.headers.get_list("x-frame-options")) == 1  # nginx alone sets them


def test_plain_http_is_redirected_to_https(target):
    if not target.http_url:
        pytest.skip("Set SLA_HTTP_URL (nginx's plain-HTTP address) to check the redirect.")
    import httpx

    response = httpx.get(f"{target.http_url}/api/work-orders/?page=2", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"{target.base_url}/api/work-orders/?page=2"


@pytest.mark.parametrize("version", ["TLSv1", "TLSv1_1"])
def test_old_tls_versions_are_refused_by_the_server(target, version):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        outcome = client.tls_handshake(target, getattr(ssl.TLSVersion, version))
    assert outcome.startswith("refused"), outcome
    # The server's own refusal, not this client's: it answered with a protocol-version alert.
    assert "PROTOCOL_VERSION" in outcome.upper() or "UNSUPPORTED_PROTOCOL" in outcome.upper()


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_tls_1_2_and_1_3_are_accepted(target, version):
    outcome = client.tls_handshake(target, getattr(ssl.TLSVersion, version))
    assert outcome == version.replace("_", "."), outcome


@pytest.mark.parametrize("path", ["/health/live/", "/no-such-page/", "/api/work-orders/"])
def test_security_headers_on_every_answer(target, path):
    with target.http(timeout=10) as http:
        response = http.get(path)
    assert response.status_code in (200, 401, 404)
    assert_security_headers(response)


def test_security_headers_on_a_5xx_answer(target, local_stack):
    # nginx's own 502 while daphne is down: the headers must not depend on an upstream answer.
    with resilience.stopped(local_stack, "daphne"), target.http(timeout=10) as http:
        response = http.get("/ws/notifications/")
    assert response.status_code == 502
    assert_security_headers(response)


def test_a_burst_beyond_10_per_second_plus_20_gets_429_then_service_resumes(loopback):
    with client.http_from(loopback, "127.0.0.2", timeout=10) as http:
        started = time.monotonic()
        codes = [http.get("/health/live/").status_code for _ in range(45)]
        elapsed = time.monotonic() - started
        refused = [c for c in codes if c == 429]
        limited = http.get("/health/live/")
        time.sleep(2.5)  # 10 r/s refills the bucket
        resumed = http.get("/health/live/")
    allowed = 21 + int(10 * elapsed) + 1  # the first, the burst of 20, and the rate meanwhile
    assert refused, f"45 requests in {elapsed:.2f} s and none refused: {codes}"
    assert codes.count(200) <= allowed, codes
    assert set(codes) <= {200, 429}
    if limited.status_code == 429:
        assert_security_headers(limited)
    assert resumed.status_code == 200


def test_connections_beyond_20_per_address_are_refused(loopback):
    token = api.login(loopback, "operator")
    headers = {"Authorization": f"Token {token}"}

    async def open_sockets(count):
        sockets, outcome = [], None
        try:
            for _ in range(count):
                try:
                    sockets.append(await connect(
                        loopback.ws_url, ssl=loopback.ssl_context(), additional_headers=headers,
                        sock=client.socket_from(loopback, "127.0.0.3"), open_timeout=10,
                        server_hostname="127.0.0.1"))
                except InvalidStatus as refused:
                    outcome = refused.response.status_code
                    break
                await asyncio.sleep(0.15)  # under the request rate: only connections count
            return len(sockets), outcome
        finally:
            for sock in sockets:
                await sock.close()

    opened, refused_with = asyncio.run(open_sockets(21))
    assert (opened, refused_with) == (20, 429)


def test_a_websocket_through_nginx_survives_an_idle_minute(target):
    """A minute and more without an application message (past nginx's default 60 s read
    timeout; daphne's own pings still flow, as they do in production): still usable."""
    token = api.login(target, "supervisor")

    async def idle_then_notified():
        async with connect(target.ws_url, ssl=target.ssl_context(), open_timeout=10,
                           additional_headers={"Authorization": f"Token {token}"}) as sock:
            assert json.loads(await sock.recv())["type"] == "hello"
            await asyncio.sleep(65)
            await sock.send(json.dumps({"type": "ping"}))
            return json.loads(await asyncio.wait_for(sock.recv(), timeout=10))

    assert asyncio.run(idle_then_notified())["type"] == "pong"


def test_static_files_are_served_by_nginx_with_caching_headers(target):
    with target.http(timeout=10) as http:
        response = http.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert "max-age=2592000" in response.headers["cache-control"]  # expires 30d
    assert "expires" in response.headers
    assert response.headers["content-type"].startswith("text/css")
