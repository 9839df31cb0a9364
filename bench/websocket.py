"""Notifications with many clients connected: a targeted event's latency, and a broadcast's.

`clients - 1` supervisor sockets and one operator socket stay open. Targeted: a supervisor
re-assigns a work order to the operator (an event for the operator's user group alone), timed
from the request to the operator's message. Broadcast: a maker submits a work order (an event
for the supervisor role group), timed from the request until every supervisor socket has it.
All from 127.0.0.1, the load generator's address, which nginx exempts from its per-address
connection limit.
"""
import asyncio
import json
import math
import time

import httpx
from websockets.asyncio.client import connect

from fixtures.load import percentile
from fixtures.target import api

TARGETED_ROUNDS, BROADCAST_ROUNDS = 40, 5


class Sockets:
    """Open sockets, each with a reader that stamps every work-order event's arrival."""

    def __init__(self):
        self.arrivals: dict = {}  # (type, work order id) -> [arrival times]
        self.sockets, self.readers = [], []

    async def open(self, target, token: str, count: int):
        headers = {"Authorization": f"Token {token}"}
        for _ in range(count):
            sock = await connect(target.ws_url, ssl=target.ssl_context(), open_timeout=20,
                                 additional_headers=headers, ping_interval=None, max_queue=None)
            await sock.recv()  # hello
            self.sockets.append(sock)
            self.readers.append(asyncio.create_task(self._read(sock)))

    async def _read(self, sock):
        async for raw in sock:
            event = json.loads(raw)
            if event.get("work_order"):
                key = (event["type"], event["work_order"]["id"])
                self.arrivals.setdefault(key, []).append(time.perf_counter())

    async def close(self):
        for reader in self.readers:
            reader.cancel()
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)

    async def wait(self, key, count: int, timeout: float = 10) -> list[float]:
        deadline = time.perf_counter() + timeout
        while len(self.arrivals.get(key, [])) < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        return self.arrivals.get(key, [])


async def _measure(target, clients: int) -> dict:
    supervisors, operator = Sockets(), Sockets()
    await supervisors.open(target, api.login(target, "supervisor"), clients - 1)
    await operator.open(target, api.login(target, "operator"), 1)
    maker = api.client_for(target, "maker", timeout=30)
    supervisor = api.client_for(target, "supervisor", timeout=30)
    operator_name = target.credentials("operator").username
    try:
        def create_and_submit() -> tuple[int, float]:
            created = maker.post("/api/work-orders/", json={
                "title": "Benchmark fan-out", "new_tasks": [{"title": "Step"}]}).json()["id"]
            sent = time.perf_counter()
            maker.post(f"/api/work-orders/{created}/submit/").raise_for_status()
            return created, sent

        broadcast = []
        for _ in range(BROADCAST_ROUNDS):
            work_order, sent = await asyncio.to_thread(create_and_submit)
            arrived = await supervisors.wait(("work_order.submit", work_order), clients - 1)
            broadcast.append({"delivered": len(arrived),
                              "all_ms": (max(arrived) - sent) * 1000 if arrived else math.inf})
        approved = work_order  # the last one submitted: approved once, then re-assigned
        await asyncio.to_thread(
            lambda: supervisor.post(f"/api/work-orders/{approved}/approve/").raise_for_status())

        targeted = []
        for _ in range(TARGETED_ROUNDS):
            def assign():
                sent = time.perf_counter()
                supervisor.post(f"/api/work-orders/{approved}/assign/",
                                json={"assignee": operator_name}).raise_for_status()
                return sent
            key = ("work_order.assign", approved)
            before = len(operator.arrivals.get(key, []))
            sent = await asyncio.to_thread(assign)
            arrived = await operator.wait(key, before + 1)
            targeted.append((arrived[before] - sent) * 1000 if len(arrived) > before
                            else math.inf)
    finally:
        maker.close()
        supervisor.close()
        await supervisors.close()
        await operator.close()
    ordered = sorted(targeted)
    return {"clients": clients, "targeted_p95_ms": percentile(ordered, 95),
            "targeted_p50_ms": percentile(ordered, 50),
            "broadcast_all_ms": max(b["all_ms"] for b in broadcast),
            "broadcast_delivered_min": min(b["delivered"] for b in broadcast),
            "broadcast_rounds": broadcast}


def measure(target, clients: int = 500) -> dict:
    try:
        result = asyncio.run(_measure(target, clients))
    except (OSError, httpx.HTTPError) as error:
        return {"clients": clients, "error": f"{type(error).__name__}: {error}",
                "targeted_p95_ms": math.nan, "broadcast_all_ms": math.nan}
    print(f"  targeted p95 {result['targeted_p95_ms']:.1f} ms; broadcast to "
          f"{clients - 1}: all within {result['broadcast_all_ms']:.0f} ms", flush=True)
    return result
