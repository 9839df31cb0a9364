"""The alert path, drilled end to end: each alert that matters fires from the real stack, reaches
the receiver its severity names, and resolves when the fault goes.

On a stack of its own (the degraded app, so faults can be switched on), running the shipped
rules and Alertmanager config with every duration scaled by one factor
(fixtures/stack/alert_drill.py), under a steady trickle of API reads: each drill injects a real
fault, follows the alert from pending to the receiver, removes the fault, and follows it to the
resolved notification. The time to detect is held between the bounds the rule implies
(fixtures/judges/alerts.py: Bounds); each stage's time is in the report's timeline.
"""
import allure
import pytest

from fixtures.judges import alerts
from fixtures.plugin.sla_session import record
from fixtures.reporting import report

pytestmark = pytest.mark.alerts


def judged(request, drill, outcome) -> None:
    line, bounds = outcome
    report.attach_json({"alert": line.alert, "receiver": line.receiver,
                        "seconds after the fault": dict(line.rows()),
                        "routed to": line.routed_to, "bounds": bounds.formula(),
                        "fixed costs": drill.path.timing.describe()}, f"{line.alert} timeline")
    detect, resolve = alerts.judge(line, bounds)
    for check in (detect, resolve):
        record(request.config, check)
    assert detect.verdict == "pass", detect.message()
    assert resolve.verdict == "pass", resolve.message()


@pytest.mark.parametrize(("alert", "receiver", "drill_name"), [
    ("ErrorBudgetBurning", "pager", "error_burn"),
    ("LatencyBudgetBurning", "pager", "latency_burn"),
    ("TargetDown", "pager", "target_down"),
    ("AppMetricsMissing", "pager", "metrics_gone"),
    ("BackupFailed", "tickets", "backup_failed"),
])
def test_the_alert_reaches_its_receiver_and_resolves(request, alert_drill, alert, receiver,
                                                     drill_name):
    with allure.step(f"{alert}: fault in, until {receiver} is notified; fault out, until "
                     f"resolved"):
        outcome = getattr(alert_drill, drill_name)()
    assert (outcome[0].alert, outcome[0].receiver) == (alert, receiver)
    judged(request, alert_drill, outcome)
    if receiver == "tickets":
        ticket_mail_says_what_to_do(alert_drill, alert)


def ticket_mail_says_what_to_do(drill, alert) -> None:
    """The ticket as a person reads it: the subject names the alert, the body gives its summary
    and the runbook line of alerts.yml."""
    rule = drill.rules[alert]
    mail = next(m for m in drill.stack.service("mail-receiver").mails()
                if m.subject == f"[FIRING] {alert}")
    assert rule["annotations"]["summary"] in mail.text, mail.text
    assert f"Runbook: {rule['annotations']['runbook']}" in mail.text, mail.text
