"""Drift against accepted runs of this run's environment (fixtures/judges/baseline.py): each
figure is a test case, compared with its median over the environment's last accepted runs (or
with the fixed --sla-baseline file) and flagged as a warning or a failure (thresholds file,
`regression.on_regression`) when it is worse by more than its tolerance. An environment's first
run is recorded and skips; an incomparable fixed baseline skips, saying why.
"""
import pytest

from fixtures.judges import baseline as baselines
from fixtures.plugin.regression import known_figures

pytestmark = pytest.mark.sla


def pytest_generate_tests(metafunc):
    # The suites sharing the run are known only once collection ends: parametrize by every
    # name this environment might have, and let the `baseline` fixture pick.
    if "figure" in metafunc.fixturenames:
        names = known_figures(metafunc.config) or [baselines.NO_BASELINE]
        metafunc.parametrize("figure", names, ids=names)


@pytest.fixture
def rules(sla_thresholds) -> dict:
    rules = sla_thresholds["regression"]
    if rules["on_regression"] not in ("warn", "fail"):
        raise pytest.UsageError(f"regression.on_regression is {rules['on_regression']!r} in "
                                "the thresholds file; use warn or fail.")
    return rules


# current_figures first: a run without a baseline still measures, so it can be accepted.
def test_figure_has_not_regressed(record_comparison, figure, current_figures, baseline, rules):
    if figure not in baseline["figures"]:
        pytest.skip(f"{figure}: no accepted run of this environment has it.")
    if figure not in current_figures:
        pytest.skip(f"{figure} was not measured in this run (no such endpoint, no drill, or "
                    "too few answers to the service-time probe: see the run's context lines).")
    endpoint, kind = figure.rsplit(" ", 1)
    requests = f"{endpoint} requests"  # under the load; the probe's figures are medians
    if kind in ("avg_ms", "p95_ms") and rules["min_samples"] > min(
            baseline["figures"].get(requests, 1e9), current_figures.get(requests, 1e9)):
        pytest.skip(f"{figure}: too few requests to compare (regression.min_samples, "
                    f"{rules['min_samples']}): its run-to-run noise is larger than the tolerance.")
    comparison = baselines.compare(figure, baseline, current_figures, rules)
    record_comparison(comparison)
    baselines.verdict(comparison, rules)
