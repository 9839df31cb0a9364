"""Production, deliberately degraded: for proving the SLA gates fail. Never deploy this.

It adds the fault-injection middleware (workorders.faults) right after the metrics middleware's
first half, so Django's latency histogram times the injected latency as a client would (and
Server-Timing, which comes first, counts the injected cost too). Injected errors answer before
the metrics middleware's second half, which counts requests and responses: like the 502s nginx
answers itself, only nginx's counters see them (suites/monitoring shows both: nginx's 5xx agree
with the client, and Django's request count falls short by exactly the injected errors).
"""
import os

from .production import *  # noqa: F403
from .production import MIDDLEWARE, mandatory

FAULT_INJECTION = True
FAULT_FILE = mandatory("FAULT_FILE")
_AFTER_METRICS = MIDDLEWARE.index("django_prometheus.middleware.PrometheusBeforeMiddleware") + 1
MIDDLEWARE = [*MIDDLEWARE[:_AFTER_METRICS], "workorders.faults.FaultInjectionMiddleware",
              *MIDDLEWARE[_AFTER_METRICS:]]

# A deliberately wrong histogram layout, for proving the monitoring checks notice it.
if buckets := os.environ.get("FAULT_LATENCY_BUCKETS"):
    PROMETHEUS_LATENCY_BUCKETS = (*(float(b) for b in buckets.split(",")), float("inf"))
