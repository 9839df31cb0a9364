"""Deliberate faults for proving that the SLA gates fail when a promise is broken.

Only config.settings.degraded installs this middleware, and it refuses to run unless those
settings say FAULT_INJECTION = True: production settings cannot enable it, whatever the
environment holds. The faults are read from a JSON file (FAULT_FILE) on each request, so one
running stack can be healthy, slow or failing in turn (replace the file whole, by a rename: a
worker reading it half-written would keep an empty set of faults):
    {"latency_ms": 1500, "latency_share": 0.1, "error_share": 0.02, "path_prefix": "/api/"}
`slowdown` makes every matching request that much more costly than the app made it (0.3: 30 %
more CPU and 30 % more waiting), as a regression in the code would. `freeze_s` with
`freeze_every_s` freezes the service: during the first freeze_s seconds of every freeze_every_s
(wall clock, so every worker agrees), each matching request waits until the freeze ends.
`leak_kb` keeps that many kB alive per matching request for the rest of the worker's life, a
leak that a max_requests recycle bounds; `drift_ms_per_min` makes each matching request wait
that much longer for every minute since `drift_since` (epoch seconds), as a growing table
would: each request costs a little more than the last, in every worker alike.
"""
import json
import random
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import JsonResponse

LEAKED: list[bytes] = []  # what leak_kb keeps alive, for the worker's life


class FaultInjectionMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "FAULT_INJECTION", False):
            raise MiddlewareNotUsed("fault injection is off in these settings")
        self.get_response = get_response
        self.path = Path(settings.FAULT_FILE)
        self._stamp, self._faults = None, {}

    def faults(self) -> dict:
        # The inode too: file times tick at the kernel's clock granularity, and a file replaced
        # within one tick keeps its time, so a worker would keep the faults it read before.
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        if stamp != self._stamp:
            self._stamp, self._faults = stamp, json.loads(self.path.read_text() or "{}")
        return self._faults

    def __call__(self, request):
        faults = self.faults()
        if faults and request.path.startswith(faults.get("path_prefix", "/api/")):
            if faults.get("freeze_s"):
                into = time.time() % faults["freeze_every_s"]
                if into < faults["freeze_s"]:
                    time.sleep(faults["freeze_s"] - into)
            draw = random.random()  # noqa: S311 - a fault's share, not a secret
            if draw < faults.get("error_share", 0):
                return JsonResponse({"detail": "Injected fault."}, status=503)
            if draw < faults.get("error_share", 0) + faults.get("latency_share", 0):
                time.sleep(faults.get("latency_ms", 0) / 1000)
            if faults.get("leak_kb"):  # written, so that the pages count in the heap
                LEAKED.append(b"\xa5" * int(faults["leak_kb"] * 1024))
            if faults.get("drift_ms_per_min"):
                minutes = max(0.0, time.time() - faults.get("drift_since", time.time())) / 60
                time.sleep(faults["drift_ms_per_min"] * minutes / 1000)
            if faults.get("slowdown"):
                return self.slowed(request, faults["slowdown"])
        return self.get_response(request)

    def slowed(self, request, share: float):
        """The request made `share` more costly, as a code regression would: its CPU time spent
        again (burnt, so a busy host feels it) and its waiting (database, Redis) waited again."""
        wall, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        cpu = time.thread_time() - cpu
        waited = max(0.0, time.perf_counter() - wall - cpu)
        burn(cpu * share)
        time.sleep(waited * share)
        return response


def burn(seconds: float) -> None:
    """Spend that much CPU time, not wall time: on a busy host the cost is felt."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass
