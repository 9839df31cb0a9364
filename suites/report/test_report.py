"""The Allure report of the last run, opened in headless Chromium as QA opens it: every SLA check
that is a test case of its own is there with the verdict reports/sla-summary.json gives it, and
the overview shows the verdict and the categories of what went wrong."""
import json

import pytest

from fixtures import report, report_browser
from fixtures.sla_session import reports_dir

pytestmark = pytest.mark.report


def test_the_report_shows_each_promise_with_the_verdict_of_the_summary(request):
    summary_path = reports_dir(request.config) / "sla-summary.json"
    if not summary_path.is_file():
        pytest.fail(f"No {summary_path}: run the SLA suite (make sla), then make report.")
    summary = json.loads(summary_path.read_text())
    view = report_browser.open_report(report.REPORTS / "allure-report")
    problems = report_browser.disagreements(summary, view)
    assert not problems, "\n".join(problems)
