"""Drift against an accepted run (reports/baseline.json): each figure of the baseline is a test
case, flagged as a warning or a failure (thresholds file, `regression.on_regression`) when it
is worse by more than its tolerance. A missing or incomparable baseline skips, saying why.
"""
import pytest

from fixtures import baseline as baselines

pytestmark = pytest.mark.sla


def pytest_generate_tests(metafunc):
    if "figure" in metafunc.fixturenames:
        accepted = baselines.load(baselines.path_for(metafunc.config))
        names = baselines.comparable_names(accepted) or ["(no baseline)"]
        metafunc.parametrize("figure", names, ids=names)


@pytest.fixture
def rules(sla_thresholds) -> dict:
    rules = sla_thresholds["regression"]
    if rules["on_regression"] not in ("warn", "fail"):
        raise pytest.UsageError(f"regression.on_regression is {rules['on_regression']!r} in "
                                "the thresholds file; use warn or fail.")
    return rules


# current_figures first: a run without a baseline still measures, so it can be accepted.
def test_figure_has_not_regressed(request, figure, current_figures, baseline, rules):
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
    request.config._sla_regressions[figure] = comparison
    baselines.verdict(comparison, rules)
