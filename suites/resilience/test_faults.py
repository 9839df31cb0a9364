"""Faults that happen in real deployments, each under a steady, bounded load: the system
survives them, and the errors and the recovery time are measured against the thresholds file.
Local stack only: nothing here is ever done to staging.
"""
import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from fixtures.judges import resilience
from fixtures.judges.check import Check
from fixtures.plugin.sla_session import record
from fixtures.target import api

pytestmark = pytest.mark.resilience


@pytest.fixture
def limits(sla_thresholds):
    return sla_thresholds["resilience"]


def report(request, fault: str, outcome, limits) -> None:
    """The measured recovery and errors, in the summary beside the SLA figures."""
    record(request.config, Check.judge(
        f"resilience {fault} recovery_s", measured=outcome.recovery_s,
        threshold=limits["max_recovery_s"], unit="s", source="client",
        detail=outcome.describe()))


def test_a_killed_gunicorn_worker_is_replaced_and_costs_at_most_its_request(
        request, target, local_stack, limits):
    workers = len(resilience.gunicorn_workers(local_stack))
    outcome = resilience.under_load(target, lambda: resilience.kill_a_gunicorn_worker(local_stack))
    report(request, "gunicorn worker killed", outcome, limits)
    assert len(outcome.errors) <= 1, outcome.describe()  # only a request it was serving
    assert len(resilience.gunicorn_workers(local_stack)) == workers  # the master replaced it
    assert outcome.recovery_s < limits["max_recovery_s"], outcome.describe()


def test_an_nginx_reload_under_load_fails_nothing(request, target, local_stack, limits):
    outcome = resilience.under_load(target, lambda: resilience.reload_nginx(local_stack))
    report(request, "nginx reload", outcome, limits)
    assert outcome.errors == [], outcome.describe()


def owed_through(target, local_stack, service: str, limits):
    """A restart of the service under load, with a maker and a supervisor listening throughout:
    (the load's outcome, the two listeners, each one's submissions never heard)."""
    with resilience.Listener(target, "maker") as maker, \
            resilience.Listener(target, "supervisor") as supervisor:
        outcome = resilience.under_load(
            target, lambda: resilience.restart(local_stack, service), writes=True)
        missing = {listener.persona: listener.wait_for("work_order.submit", outcome.submitted,
                                                       timeout=limits["max_recovery_s"])
                   for listener in (maker, supervisor)}
    return outcome, (maker, supervisor), missing


def test_a_daphne_restart_drops_sockets_but_loses_no_notification(
        request, target, local_stack, limits):
    # The maker hears its own submissions (its user group), a supervisor every one (its role
    # group); both reconnect with the last seq they saw, and are owed each submission.
    outcome, listeners, missing = owed_through(target, local_stack, "daphne", limits)
    reconnect_s = max((s for listener in listeners for s in listener.outages), default=0.0)
    replayed = sum(how == "replayed" for listener in listeners for how in listener.heard.values())
    lost = sum(len(ids) for ids in missing.values())
    record(request.config, Check.judge(
        "resilience daphne restart reconnect_s", measured=reconnect_s,
        threshold=limits["max_recovery_s"], unit="s", source="client",
        detail=f"{len(outcome.submitted)} submissions owed to each of 2 clients; {replayed} came "
               f"by replay after reconnecting, {lost} never came"))
    record(request.config, Check.zero(
        "resilience daphne restart notifications_lost", lost, source="client",
        detail=f"missing per client (work order ids): {missing}"))

    assert outcome.errors == [], outcome.describe()  # HTTP is gunicorn's: untouched
    assert outcome.submitted, "no submission was acknowledged: nothing was owed"
    assert all(listener.outages for listener in listeners), \
        "no socket dropped: was daphne restarted?"
    assert reconnect_s < limits["max_recovery_s"]
    assert not any(missing.values()), (
        f"notifications owed but never delivered, live or replayed: {missing}")


def test_a_redis_restart_keeps_the_api_serving_and_notifications_resume(
        request, target, local_stack, limits):
    # Two clients through the restart, each owed every submission made around it. Redis
    # forgets the groups, and every socket's channel read fails with its connection, so daphne
    # closes the sockets; a client that reconnects with the last seq it saw is replayed the rest.
    outcome, listeners, missing = owed_through(target, local_stack, "redis", limits)
    report(request, "redis restart", outcome, limits)
    replayed = sum(how == "replayed" for listener in listeners for how in listener.heard.values())
    record(request.config, Check.zero(
        "resilience redis restart notifications_lost",
        sum(len(ids) for ids in missing.values()), source="client",
        detail=f"{len(outcome.submitted)} submissions owed to each of 2 clients; sockets "
               f"dropped and reconnected after {[s.outages for s in listeners]} s; {replayed} "
               f"came by replay; missing per client (work order ids): {missing}"))
    assert outcome.errors == [], outcome.describe()  # notifications delayed, requests not
    assert outcome.acknowledged
    assert outcome.submitted, "no submission was acknowledged: nothing was owed"
    reconnect_s = max((s for listener in listeners for s in listener.outages), default=0.0)
    assert reconnect_s < limits["max_recovery_s"]
    assert not any(missing.values()), (
        f"notifications owed but never delivered, live or replayed: {missing}")

    # Clients reconnect, as browsers do: within a few seconds one is notified again. (The first
    # handshakes may meet daphne's pooled Redis connections still dead: 502 from nginx.)
    token = api.login(target, "supervisor")

    async def connect_again(deadline_s=15):
        started = time.monotonic()
        while True:
            try:
                return await connect(target.ws_url, ssl=target.ssl_context(), open_timeout=10,
                                     additional_headers={"Authorization": f"Token {token}"})
            except InvalidStatus:
                if time.monotonic() - started > deadline_s:
                    raise
                await asyncio.sleep(1)

    async def notified_after_restart():
        async with await connect_again() as sock:
            assert json.loads(await sock.recv())["type"] == "hello"
            with api.client_for(target, "maker") as maker:
                created = await asyncio.to_thread(maker.post, "/api/work-orders/", json={
                    "title": "After the Redis restart", "new_tasks": [{"title": "Step"}]})
                await asyncio.to_thread(maker.post,
                                        f"/api/work-orders/{created.json()['id']}/submit/")
            while True:
                event = json.loads(await asyncio.wait_for(sock.recv(), timeout=10))
                if event.get("work_order", {}).get("id") == created.json()["id"]:
                    return event

    assert asyncio.run(notified_after_restart())["type"] == "work_order.submit"


def test_a_postgres_restart_fails_fast_with_503_recovers_and_loses_no_write(
        request, target, local_stack, limits):
    outcome = resilience.under_load(
        target, lambda: resilience.restart(local_stack, "postgres", down_s=3),
        writes=True, after_s=15)
    report(request, "postgres restart", outcome, limits)
    assert outcome.errors, "PostgreSQL was down for 3 s and nothing failed: was it restarted?"
    assert {status for _, status, _ in outcome.errors} == {503}, outcome.describe()
    assert outcome.slowest_error_s < limits["max_failure_s"], outcome.describe()
    assert outcome.recovery_s < limits["max_recovery_s"], outcome.describe()
    time.sleep(1)
    with api.client_for(target, "maker") as maker:
        lost = [wo for wo in outcome.acknowledged
                if maker.get(f"/api/work-orders/{wo}/").status_code != 200]
    assert not lost, f"{len(lost)} of {len(outcome.acknowledged)} acknowledged writes lost"
