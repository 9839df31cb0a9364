"""Production settings: every secret from the environment, and Django's deploy checks clean."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.production import PRODUCTION_ENV

APP_DIR = Path(__file__).resolve().parents[1]


def manage(*args: str, drop: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update({k: v for k, v in PRODUCTION_ENV.items() if k != drop})
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    return subprocess.run([sys.executable, "manage.py", *args], cwd=APP_DIR, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("variable", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_each_variable_and_names_it(variable):
    result = manage("check", drop=variable)
    assert result.returncode != 0
    assert f"The environment variable {variable} is not set" in result.stderr


def test_deploy_checks_report_nothing_on_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
