"""A test-only endpoint of known latency, for proving that the suite measures latency exactly.

GET /calibration/latency/ sleeps a delay drawn from the distribution configured under
"calibration" in FAULT_FILE and answers with the delay it drew and the time it really slept:
    {"calibration": {"low_ms": 400, "high_ms": 600, "record": "/tmp/slept.log"}}
The delay is uniform between low_ms and high_ms, so every figure of it is known exactly. With
"record", each request also appends "<unix time> <slept ms>" to that file: the truth of every
single request, against which a measurement of the same requests can be compared.

Only settings with FAULT_INJECTION = True (config.settings.degraded) route it (config/urls.py),
and it answers 404 in any other: production has no such URL, whatever the environment holds.
"""
import json
import os
import random
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

MAX_DELAY_MS = 10_000  # well under gunicorn's 30 s timeout: a bad file cannot kill a worker


def configured() -> dict | None:
    """The "calibration" entry of FAULT_FILE, or None when there is none."""
    try:
        faults = json.loads(Path(settings.FAULT_FILE).read_text() or "{}")
    except FileNotFoundError:
        return None
    return faults.get("calibration")


@never_cache
@require_GET
def latency(request):
    if not getattr(settings, "FAULT_INJECTION", False):
        raise Http404("Calibration is off in these settings.")
    distribution = configured()
    if distribution is None:
        return JsonResponse({"detail": 'No latency distribution is configured: set "calibration" '
                             "in FAULT_FILE."}, status=503)
    low, high = float(distribution["low_ms"]), float(distribution["high_ms"])
    if not 0 <= low <= high <= MAX_DELAY_MS:
        return JsonResponse({"detail": f"The calibration needs 0 <= low_ms <= high_ms <= "
                             f"{MAX_DELAY_MS}; FAULT_FILE says {low} and {high}."}, status=503)
    delay_ms = random.uniform(low, high)  # noqa: S311 - a latency, not a secret
    started = time.perf_counter()
    time.sleep(delay_ms / 1000)
    slept_ms = (time.perf_counter() - started) * 1000
    if record := distribution.get("record"):
        # One write() with O_APPEND: lines from several workers never interleave.
        descriptor = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, f"{time.time():.6f} {slept_ms:.3f}\n".encode())
        finally:
            os.close(descriptor)
    return JsonResponse({"delay_ms": round(delay_ms, 3), "slept_ms": round(slept_ms, 3)})
