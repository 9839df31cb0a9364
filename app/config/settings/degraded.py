"""Production, deliberately degraded: for proving the SLA gates fail. Never deploy this.

It adds the fault-injection middleware (workorders.faults) right after the metrics middleware,
so Prometheus sees the injected latency and errors as a client would.
"""
from .production import *  # noqa: F403
from .production import MIDDLEWARE, mandatory

FAULT_INJECTION = True
FAULT_FILE = mandatory("FAULT_FILE")
MIDDLEWARE = [MIDDLEWARE[0], "workorders.faults.FaultInjectionMiddleware", *MIDDLEWARE[1:]]
