"""The SLA: every threshold of the thresholds file, judged on one load run, as its own test.

A promise broken is a failure that says by how much; a run that cannot support a verdict
(saturated generator, too few requests, no samples) is an error, never a pass.
"""
import pytest

from fixtures.judges import sla
from fixtures.plugin.sla_session import judged, thresholds_for

pytestmark = pytest.mark.sla


def pytest_generate_tests(metafunc):
    if "promise" in metafunc.fixturenames:
        names = sla.check_names(thresholds_for(metafunc.config))
        metafunc.parametrize("promise", names, ids=names, indirect=True)


@pytest.fixture
def promise(request, sla_checks) -> sla.Check:
    return judged(request, sla_checks)


def test_promise_holds(promise):
    assert promise.verdict == sla.PASS, promise.message()
