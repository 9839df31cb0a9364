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

from fixtures import api, resilience, sla
from fixtures.sla_session import record

pytestmark = pytest.mark.resilience


@pytest.fixture
def limits(sla_thresholds):
    return sla_thresholds["resilience"]


def report(request, fault: str, outcome, limits) -> None:
    """The measured recovery and errors, in the summary beside the SLA figures."""
    recovery = outcome.recovery_s
    record(request.config, sla.Check(
        f"resilience {fault} recovery_s", limits["max_recovery_s"], recovery, "s", "client",
        sla.PASS if recovery < limits["max_recovery_s"] else sla.FAIL, outcome.describe()))


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


def test_a_daphne_restart_drops_sockets_but_loses_no_notification(
        request, target, local_stack, limits):
    # The maker hears its own submissions (its user group), a supervisor every one (its role
    # group); both reconnect with the last seq they saw, and are owed each submission.
    with resilience.Listener(target, "maker") as maker, \
            resilience.Listener(target, "supervisor") as supervisor:
        outcome = resilience.under_load(
            target, lambda: resilience.restart(local_stack, "Daphne"), writes=True)
        missing = {listener.persona: listener.wait_for("work_order.submit", outcome.submitted,
                                                       timeout=limits["max_recovery_s"])
                   for listener in (maker, supervisor)}
    listeners = (maker, supervisor)
    reconnect_s = max((s for listener in listeners for s in listener.outages), default=0.0)
    replayed = sum(how == "replayed" for listener in listeners for how in listener.heard.values())
    lost = sum(len(ids) for ids in missing.values())
    record(request.config, sla.Check(
        "resilience daphne restart reconnect_s", limits["max_recovery_s"], reconnect_s, "s",
        "client", sla.PASS if reconnect_s < limits["max_recovery_s"] else sla.FAIL,
        f"{len(outcome.submitted)} submissions owed to each of 2 clients; {replayed} came by "
        f"replay after reconnecting, {lost} never came"))
    record(request.config, sla.Check(
        "resilience daphne restart notifications_lost", 0, lost, "count", "client",
        sla.PASS if lost == 0 else sla.FAIL, f"missing per client (work order ids): {missing}",
        better="equal"))

    assert outcome.errors == [], outcome.describe()  # HTTP is gunicorn's: untouched
    assert outcome.submitted, "no submission was acknowledged: nothing was owed"
    assert all(listener.outages for listener in listeners), \
        "no socket dropped: was daphne restarted?"
    assert reconnect_s < limits["max_recovery_s"]
    assert not any(missing.values()), (
        f"notifications owed but never delivered, live or replayed: {missing}")


def test_a_redis_restart_keeps_the_api_serving_and_notifications_resume(
        request, target, local_stack, limits):
    outcome = resilience.under_load(
        target, lambda: resilience.restart(local_stack, "ThrowawayRedis"), writes=True)
    report(request, "redis restart", outcome, limits)
    assert outcome.errors == [], outcome.describe()  # notifications lost, requests not
    assert outcome.acknowledged

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
        target, lambda: resilience.restart(local_stack, "ThrowawayPostgres", down_s=3),
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
