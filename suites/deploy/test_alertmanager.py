"""Alertmanager's shipped config: amtool accepts it as production renders it, and every alert of
alerts.yml reaches the receiver its severity names."""
import pytest
import yaml

from fixtures import paths
from fixtures.stack import alertmanager, shipped

pytestmark = pytest.mark.deploy

# alerts.yml's severity label -> the receiver alertmanager.yml must route it to.
RECEIVER_BY_SEVERITY = {"page": "pager", "ticket": "tickets", "none": "watchdog"}


def shipped_alerts() -> list[tuple[str, str | None]]:
    """(alert, its severity label or None) for every alerting rule of alerts.yml."""
    groups = yaml.safe_load((paths.DEPLOY / "alerts.yml").read_text())["groups"]
    return [(rule["alert"], (rule.get("labels") or {}).get("severity"))
            for group in groups for rule in group["rules"] if "alert" in rule]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """alertmanager.yml filled with the example production values."""
    path = tmp_path_factory.mktemp("alertmanager") / "alertmanager.yml"
    path.write_text(alertmanager.render(alertmanager.TEMPLATE.read_text(),
                                        shipped.ALERTMANAGER_EXAMPLE_ENV))
    return path


def test_amtool_accepts_the_shipped_config(rendered):
    passed, output = shipped.amtool_check_config(rendered)
    assert passed, output
    assert "SUCCESS" in output


@pytest.mark.parametrize(("alert", "severity"), shipped_alerts(),
                         ids=[alert for alert, _ in shipped_alerts()])
def test_each_alert_reaches_the_receiver_its_severity_names(rendered, alert, severity):
    receiver = RECEIVER_BY_SEVERITY.get(severity)
    assert receiver, (f"{alert} in alerts.yml has severity {severity!r}: give it one of "
                      f"{sorted(RECEIVER_BY_SEVERITY)} (labels: {{severity: page}}), or it "
                      "falls to the ticket queue whatever it means.")
    passed, output = shipped.amtool_routes_test(rendered, receiver,
                                                {"alertname": alert, "severity": severity})
    assert passed, (f"{alert} (severity={severity}) should reach {receiver}, but "
                    f"alertmanager.yml routes it to: {output.strip()}")


def test_a_page_that_lost_its_severity_becomes_a_ticket_not_silence(rendered):
    pages = [alert for alert, severity in shipped_alerts() if severity == "page"]
    assert pages, "alerts.yml has no severity=page alert to drill with"
    passed, output = shipped.amtool_routes_test(rendered, "tickets", {"alertname": pages[0]})
    assert passed, (f"{pages[0]} without its severity label should fall to the root route's "
                    f"receiver, tickets, but reaches: {output.strip()}")


def test_the_drop_in_renders_exactly_what_the_stack_renders():
    """The ExecStartPre lines of render.conf, run as systemd would, leave the Go templates'
    own $ alone and substitute every placeholder: the same file as render(), passed by amtool."""
    passed, output, config = shipped.alertmanager_render_as_systemd(
        shipped.ALERTMANAGER_EXAMPLE_ENV)
    assert passed, output
    assert config == alertmanager.render(alertmanager.TEMPLATE.read_text(),
                                         shipped.ALERTMANAGER_EXAMPLE_ENV)


def test_the_drop_in_refuses_to_start_naming_a_variable_not_set():
    env = dict(shipped.ALERTMANAGER_EXAMPLE_ENV)
    del env["ALERTMANAGER_TICKET_EMAIL"]
    passed, output, _ = shipped.alertmanager_render_as_systemd(env)
    assert not passed
    assert "ALERTMANAGER_TICKET_EMAIL is not set" in output
    assert "/etc/workorders/alertmanager.env" in output


def test_systemd_finds_nothing_to_say_about_the_drop_in():
    passed, output = shipped.systemd_verify_drop_in(
        shipped.ALERTMANAGER_DROP_IN, shipped.ALERTMANAGER_UNIT, "prometheus-alertmanager")
    assert passed, output

