"""The alert path, drilled end to end: each alert that matters fires from the real stack, reaches
the receiver its severity names, and resolves when the fault goes.

On a stack of its own (the degraded app, so faults can be switched on), running the shipped
rules and Alertmanager config with every duration scaled by one factor (alert_drills.FACTOR),
under a steady trickle of API reads: each drill injects a real fault, follows the alert from
pending to the receiver, removes the fault, and follows it to the resolved notification. The
time to detect is held between the bounds the rule implies (fixtures/judges/alerts.py: Bounds).
"""
import os
import signal
import subprocess

import allure
import pytest

from fixtures import paths
from fixtures.judges import alerts
from fixtures.plugin.sla_session import record
from fixtures.reporting import report
from fixtures.stack import exporters

pytestmark = pytest.mark.alerts

BURN = 14.4  # the fast-burn factor of alerts.yml, times each promise's budget
LATENCY_MS = 1500


def run(request, drill, alert, receiver, inject, remove, *, condition_s, clearing_s):
    bounds = alerts.Bounds(for_s=drill.rule_for_s(alert), condition_s=condition_s,
                           clearing_s=clearing_s, timing=drill.path.timing)
    assert drill.path.quiet(alert, timeout=120), f"{alert} was still active before its drill"
    with allure.step(f"{alert}: fault in, until {receiver} is notified; fault out, until "
                     f"resolved"):
        line = drill.path.drill(alert, receiver, inject, remove, bounds)
    report.attach_json({"alert": alert, "receiver": receiver, "timeline_s": line.rows(),
                        "routed_to": line.routed_to, "bounds": bounds.formula(),
                        "fixed costs": drill.path.timing.describe()}, f"{alert} timeline")
    detect, resolve = alerts.judge(line, bounds)
    for check in (detect, resolve):
        record(request.config, check)
    assert detect.verdict == "pass", detect.message()
    assert resolve.verdict == "pass", resolve.message()


def test_an_error_budget_burn_pages(request, alert_drill):
    share = 0.5
    run(request, alert_drill, "ErrorBudgetBurning", "pager",
        lambda: alert_drill.faults.set({"error_share": share}),
        lambda: alert_drill.faults.set({}),
        condition_s=BURN * 0.001 / share * alert_drill.window_s("ErrorBudgetBurning", "long"),
        clearing_s=alert_drill.window_s("ErrorBudgetBurning", "short"))


def test_a_latency_budget_burn_pages(request, alert_drill):
    run(request, alert_drill, "LatencyBudgetBurning", "pager",
        lambda: alert_drill.faults.set({"latency_ms": LATENCY_MS, "latency_share": 1.0}),
        lambda: alert_drill.faults.set({}),
        condition_s=BURN * 0.05 * alert_drill.window_s("LatencyBudgetBurning", "long"),
        clearing_s=alert_drill.window_s("LatencyBudgetBurning", "short") + LATENCY_MS / 1000)


def test_a_target_down_pages(request, alert_drill):
    """The Redis exporter stopped (SIGSTOP: its scrapes time out), then let go on."""
    exporter = next(s for s in alert_drill.stack.services
                    if isinstance(s, exporters.Exporter) and s.name == "redis")
    run(request, alert_drill, "TargetDown", "pager",
        lambda: os.killpg(exporter.pid, signal.SIGSTOP),
        lambda: os.killpg(exporter.pid, signal.SIGCONT),
        condition_s=alert_drill.path.timing.scrape_s, clearing_s=alert_drill.path.timing.scrape_s)


def test_the_apps_metrics_gone_altogether_pages(request, alert_drill):
    """The app's scrape job taken out of Prometheus's config: no target left to be down, so
    only absent() can tell silence from health. A job taken away leaves no staleness marker:
    its series count as present until the lookback has passed (production: 5 min, then the
    rule's 5 min `for:`)."""
    prometheus, rules = alert_drill.stack.service("prometheus"), [alert_drill.rules_file]
    run(request, alert_drill, "AppMetricsMissing", "pager",
        lambda: prometheus.reconfigure(rule_files=rules, drop_jobs=("workorders-http",)),
        lambda: prometheus.reconfigure(rule_files=rules),
        condition_s=alert_drill.path.timing.lookback_s,
        clearing_s=2 * alert_drill.path.timing.scrape_s)


def test_a_failed_backup_is_a_ticket_by_email(request, alert_drill, tmp_path):
    """The real backup.sh, pointed at a database that refuses it, then run again as it should
    be: its textfile metric is what the rule reads."""
    metrics = alert_drill.stack.textfile_dir / "workorders_backup.prom"

    def backup(database_url: str) -> int:
        env = {**os.environ, "BACKUP_DATABASE_URL": database_url,
               "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_LOG": str(tmp_path / "backup.log"),
               "BACKUP_MEDIA_DIR": str(tmp_path / "media"), "BACKUP_METRICS_FILE": str(metrics)}
        return subprocess.run([str(paths.DEPLOY / "scripts" / "backup.sh")], env=env,
                              capture_output=True, timeout=300).returncode

    good = alert_drill.target.database_url
    refused = good.rsplit("/", 1)[0] + "/no_such_database"
    assert backup(good) == 0, (tmp_path / "backup.log").read_text()[-2000:]
    run(request, alert_drill, "BackupFailed", "tickets",
        lambda: backup(refused), lambda: backup(good),
        condition_s=alert_drill.path.timing.scrape_s,
        clearing_s=alert_drill.path.timing.scrape_s)
