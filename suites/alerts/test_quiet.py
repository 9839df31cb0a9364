"""The quiet case: the session's whole healthy SLA run, under production's own rules and
Alertmanager timings, pages nobody, while the Watchdog shows that the alert path was alive all
along (a silent pager proves nothing if the path to it was down).
"""
import itertools
import time

import pytest

from fixtures.judges import alerts
from fixtures.judges.check import Check
from fixtures.plugin.sla_session import record
from fixtures.stack.alert_drill import notifications
from fixtures.target.prom import Prometheus

pytestmark = [pytest.mark.alerts, pytest.mark.sla]

WATCHDOG_EVERY_S = 60  # alertmanager.yml: the Watchdog route's group_interval, when it repeats


def test_a_healthy_sla_run_pages_nobody(request, target, local_stack, sla_load):
    start, end = sla_load.first_request_at, sla_load.settled_at
    prom = Prometheus(target)
    pages = [n for n in notifications(local_stack)
             if n.receiver == "pager" and n.status == "firing" and start <= n.received_at <= end]
    active = {s.labels["alertname"] for s in prom.instant(
        f'max_over_time(ALERTS{{severity="page"}}[{int(end - start) + 1}s])', end)}
    check = Check.zero("alerts pages during the SLA run", len(pages) + len(active),
                       source="server",
                       detail=(f"Paged: {[n.alertnames for n in pages]}; pending or firing: "
                               f"{sorted(active)}." if pages or active else
                               f"No page was pending, firing or sent from {start:.0f} to "
                               f"{end:.0f} ({end - start:.0f} s)."))
    record(request.config, check)
    assert check.verdict == "pass", check.message()


def test_the_watchdog_shows_the_alert_path_alive_throughout(request, target, local_stack,
                                                            sla_load):
    """Its notifications, one a minute, bracket the run with no gap longer than one repeat
    (plus an evaluation and a delivery), and Prometheus failed no notification."""
    start, end = sla_load.first_request_at, sla_load.settled_at
    allowed_gap = WATCHDOG_EVERY_S + 1 + alerts.DELIVERY_S
    deadline = end + allowed_gap + 5
    beats: list[float] = []
    while time.time() < deadline:
        beats = sorted(n.received_at for n in notifications(local_stack)
                       if n.receiver == "watchdog" and "Watchdog" in n.alertnames)
        if beats and beats[-1] >= end:
            break
        time.sleep(1)
    # The beats around the run: the last before it (or its start, when the stack is younger
    # than one group_wait), those inside, and the first after it; no gap wider than allowed.
    before = [b for b in beats if b <= start][-1:] or [start]
    after = [b for b in beats if b >= end][:1] or [float("inf")]
    around = [*before, *[b for b in beats if start < b < end], *after]
    widest = max(b - a for a, b in itertools.pairwise(around))
    failed = Prometheus(target).value(
        "sum(increase(prometheus_notifications_errors_total[5m])) or vector(0)", end)
    check = Check.judge("alerts watchdog gap_s", measured=widest,
                        threshold=allowed_gap, unit="s", source="server",
                        provided=failed == 0,
                        detail=f"{len(beats)} Watchdog notifications; the widest gap around "
                               f"the run {widest:.1f} s (allowed "
                               f"{allowed_gap:g} s: one repeat, an evaluation, a "
                               f"delivery); Prometheus failed {failed:.0f} notifications.")
    record(request.config, check)
    assert check.verdict == "pass", check.message()
