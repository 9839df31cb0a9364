"""The soak: what only time shows, on the local stack, each promise its own test.

The profile's mix runs at a steady rate for --sla-soak-minutes (default: the thresholds file's
soak.minutes), crossing gunicorn's max_requests recycles, while the stack's processes and
stores are read every soak.every_s seconds (fixtures.load.soak). A heap that grows within a
worker's life, files or connections never given back, a p95 that drifts, a request lost at a
recycle: each fails its own test. A soak too short to tell is an error, never a pass.
"""
import pytest

from fixtures.judges import sla, soak
from fixtures.plugin.sla_session import judged

pytestmark = pytest.mark.soak


@pytest.fixture(params=soak.check_names(), ids=soak.check_names())
def promise(request, soak_checks) -> sla.Check:
    return judged(request, soak_checks)


def test_promise_holds_through_the_soak(promise):
    assert promise.verdict == sla.PASS, promise.message()
