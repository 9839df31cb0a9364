"""The notification socket through nginx: refused without a valid token or from a foreign web
page; accepted with a token, in the header or the query string, and from the site itself."""
import asyncio
import json
from urllib.parse import urlsplit

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from fixtures.target import api

pytestmark = pytest.mark.security
UNKNOWN_KEY = "0123456789abcdef0123456789abcdef01234567"
FOREIGN_ORIGIN = "https://attacker.example.invalid"


def handshake(target, *, token: str | None = None, in_query: bool = False,
              origin: str | None = None) -> int | str:
    """The HTTP status the handshake was refused with, or the first message's type."""
    url, headers = target.ws_url, {}
    if token is not None and in_query:
        url = f"{url}?token={token}"
    elif token is not None:
        headers["Authorization"] = f"Token {token}"

    async def attempt():
        try:
            async with connect(url, ssl=target.ssl_context(), open_timeout=10,
                               additional_headers=headers, origin=origin) as sock:
                return json.loads(await asyncio.wait_for(sock.recv(), timeout=10))["type"]
        except InvalidStatus as refused:
            return refused.response.status_code

    return asyncio.run(attempt())


@pytest.fixture(scope="module")
def token(target):
    return api.login(target, "operator")


def own_origin(target) -> str:
    parts = urlsplit(target.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def test_without_a_token_the_socket_is_refused(target):
    assert handshake(target) == 403


@pytest.mark.parametrize("in_query", [False, True], ids=["header", "query string"])
def test_with_a_token_that_is_not_one_the_socket_is_refused(target, in_query):
    assert handshake(target, token=UNKNOWN_KEY, in_query=in_query) == 403


def test_from_a_foreign_web_page_the_socket_is_refused_even_with_a_valid_token(target, token):
    assert handshake(target, token=token, origin=FOREIGN_ORIGIN) == 403


@pytest.mark.parametrize("in_query", [False, True], ids=["header", "query string"])
def test_with_a_valid_token_the_socket_is_accepted(target, token, in_query):
    """The control for the refusals above: the same handshake with the real token works."""
    assert handshake(target, token=token, in_query=in_query) == "hello"


def test_from_the_site_itself_the_socket_is_accepted(target, token):
    assert handshake(target, token=token, origin=own_origin(target)) == "hello"
