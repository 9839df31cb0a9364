"""The Allure report of the last run, opened in headless Chromium as QA opens it: every outcome
of the run's results is there as it was; after a run of the SLA suite, every SLA check that is a
test case of its own is there with the verdict reports/sla-summary.json gives it, and the
overview shows the verdict, the categories of what went wrong, and the earlier runs' trend."""
import json

import pytest

from fixtures.plugin.sla_session import reports_dir
from fixtures.reporting import report, report_browser

pytestmark = pytest.mark.report


@pytest.fixture(scope="module")
def view() -> report_browser.ReportView:
    """The built report, opened once for every check of this module."""
    return report_browser.open_report(report.REPORTS / "allure-report")


RESULTS = report.REPORTS / "allure-results"  # what `make report` builds the report from


@pytest.fixture(scope="module")
def results() -> list[dict]:
    """The run's results, read once for every check of this module."""
    return report_browser.run_results(RESULTS)


def test_the_report_shows_every_outcome_of_the_run(results, view):
    outcomes = report_browser.outcomes_of(results)
    if not outcomes:
        pytest.fail(f"No test results in {RESULTS}: run a suite (make sla), then make report.")
    problems = report_browser.unshown(outcomes, view)
    assert not problems, "\n".join(problems)


def test_the_report_shows_each_promise_with_the_verdict_of_the_summary(request, results, view):
    if not report_browser.holds_sla_tests(results):
        pytest.skip(f"The run in {RESULTS} held no SLA test: its outcomes are checked above, "
                    "and the promises after a run of the SLA suite (make sla).")
    summary_path = reports_dir(request.config) / "sla-summary.json"
    if not summary_path.is_file():
        pytest.fail(f"No {summary_path}: run the SLA suite (make sla), then make report.")
    summary = json.loads(summary_path.read_text())
    problems = report_browser.disagreements(summary, view)
    assert not problems, "\n".join(problems)


def test_the_trend_shows_the_earlier_runs(view):
    """The history the results were given (from the report before) is the trend's past."""
    history = RESULTS / "history"
    problems = report_browser.trend_problems(history, view)
    assert not problems, "\n".join(problems)
