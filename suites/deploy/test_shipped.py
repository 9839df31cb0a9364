"""What ships in app/deploy passes each tool's own checker."""
import pytest

from fixtures.stack import shipped

pytestmark = pytest.mark.deploy


def test_nginx_accepts_the_shipped_config():
    passed, output = shipped.nginx_config_test()
    assert passed, output
    assert "syntax is ok" in output


@pytest.mark.parametrize("unit", ["gunicorn.service", "daphne.service"])
def test_systemd_finds_nothing_to_say_about_the_units(unit):
    passed, output = shipped.systemd_verify(unit)
    assert passed, output


def test_gunicorn_accepts_its_config():
    passed, output = shipped.gunicorn_check_config()
    assert passed, output


def test_django_deploy_checks_find_nothing_on_production_settings():
    passed, output = shipped.django_deploy_check()
    assert passed, output
    assert "no issues" in output
