"""The CI workflow that runs the SLA suite (.github/workflows/load-test.yml): valid, and doing
what the README promises CI does."""
import pytest

from fixtures.stack import workflows

pytestmark = pytest.mark.deploy


def test_the_workflow_matches_github_actions_schema():
    passed, output = workflows.schema_check()
    assert passed, output


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    # Proof the check above can fail: a job without runs-on, and a misspelt key.
    broken = workflows.LOAD_TEST.read_text().replace("    runs-on: ubuntu-24.04\n", "", 1)
    broken = broken.replace("timeout-minutes: 45", "timeout_minutes: 45")
    (tmp_path / "broken.yml").write_text(broken)
    passed, output = workflows.schema_check(tmp_path / "broken.yml")
    assert not passed, output


@pytest.mark.skipif(workflows.actionlint_binary() is None,
                    reason="actionlint is not on PATH (a Go binary on neither PyPI nor Debian 12;"
                           " the workflow's lint-workflows job runs it on GitHub)")
def test_actionlint_finds_nothing():
    passed, output = workflows.actionlint()
    assert passed, output


def test_the_workflow_runs_the_sla_suite_on_push_and_pull_request_and_keeps_the_reports():
    workflow = workflows.load()
    assert {"push", "pull_request"} <= set(workflow["on"])
    job = workflow["jobs"]["sla"]
    assert set(job["services"]) == {"postgres", "redis"}
    assert {"STACK_DATABASE_URL", "STACK_REDIS_URL"} <= set(job["env"])
    assert "make sla" in workflows.commands(job)  # pytest -m sla, as the README documents
    upload = next(step for step in job["steps"]
                  if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "reports/"
    assert "cancelled()" in upload["if"]  # uploaded when the verdict fails, too
