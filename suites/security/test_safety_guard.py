"""The production safety guard refuses a target it may not test before a single name lookup or
connection is made. Needs no target of its own: it runs whatever the run's target is.

Nothing can leak while it runs: inside fixtures.target.safety.no_network() every lookup and
non-loopback connection is stopped before it happens, and listed.
"""
import re
import socket

import pytest

from fixtures import plugin
from fixtures.target import Target, safety
from fixtures.target.seed import ensure_seeded

pytestmark = pytest.mark.security


def start_a_run(target: Target) -> None:
    """What a run does first with a staging target: the guard, then seeding it."""
    plugin.guard(target)
    ensure_seeded(target)


def staging(host: str) -> Target:
    return Target.from_env({"SLA_BASE_URL": f"https://{host}",
                            "SLA_WS_URL": f"wss://{host}/ws/notifications/",
                            "SLA_USER_PASSWORD": "unused"})


@pytest.mark.parametrize(("host", "allowed", "refusal_names"), [
    ("staging.example.invalid", "qa.example.invalid",
     "SLA_ALLOW_HOSTS=qa.example.invalid,staging.example.invalid"),
    ("prod.example.invalid", "prod.example.invalid", "SLA_ALLOW_PRODUCTION=prod.example.invalid"),
], ids=["host not allowed", "production-looking host"])
def test_a_target_that_may_not_be_tested_is_refused_before_anything_is_sent(
        monkeypatch, host, allowed, refusal_names):
    monkeypatch.setenv("SLA_ALLOW_HOSTS", allowed)
    monkeypatch.delenv("SLA_ALLOW_PRODUCTION", raising=False)
    monkeypatch.delenv("SLA_PRODUCTION_PATTERN", raising=False)

    with safety.no_network() as sent:
        target = staging(host)
        with pytest.raises(safety.TargetRefused, match=re.escape(refusal_names)):
            start_a_run(target)

    assert sent == []


def test_the_proof_sees_a_lookup_and_a_connection_and_stops_both():
    """The control: were anything sent, the test above would see it (and nothing leaves)."""
    with safety.no_network() as sent:
        with pytest.raises(safety.NetworkBlocked):
            socket.getaddrinfo("staging.example.invalid", 443)
        with socket.socket() as raw, pytest.raises(safety.NetworkBlocked):
            raw.connect(("192.0.2.1", 443))
        socket.getaddrinfo("127.0.0.1", 443)  # loopback stays on the host: allowed
    assert sent == ["lookup staging.example.invalid", "connect ('192.0.2.1', 443)"]
