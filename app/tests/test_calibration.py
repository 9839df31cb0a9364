"""The calibration endpoint exists for the exactness test only: production never routes it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory, override_settings

from tests.production import PRODUCTION_ENV
from workorders import calibration

APP_DIR = Path(__file__).resolve().parents[1]


def get_calibration(settings_module: str, fault_file: Path) -> tuple[int, str]:
    """GET /calibration/latency/ through the whole middleware stack of those settings, asking
    for fault injection in every way the environment could."""
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": settings_module,
           "FAULT_FILE": str(fault_file), "FAULT_INJECTION": "True"}
    code = ("import django; django.setup(); from django.test import Client; "
            "r = Client().get('/calibration/latency/', secure=True, "
            "HTTP_HOST='workorders.example.com'); print(r.status_code, r.content.decode())")
    result = subprocess.run([sys.executable, "-c", code], cwd=APP_DIR, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    status, body = result.stdout.split(" ", 1)
    return int(status), body


@pytest.fixture
def fault_file(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"calibration": {"low_ms": 1, "high_ms": 2}}))
    return path


def test_production_settings_have_no_calibration_endpoint_even_when_asked(fault_file):
    status, _ = get_calibration("config.settings.production", fault_file)
    assert status == 404


def test_degraded_settings_serve_it_with_the_delay_slept(fault_file):
    status, body = get_calibration("config.settings.degraded", fault_file)
    assert status == 200, body
    assert 1 <= json.loads(body)["delay_ms"] <= 2


def test_the_view_refuses_to_run_without_the_setting(fault_file):
    request = RequestFactory().get("/calibration/latency/")
    with override_settings(FAULT_FILE=str(fault_file)), pytest.raises(Http404):
        calibration.latency(request)


def test_it_sleeps_a_delay_from_the_configured_range_and_records_it(tmp_path):
    record = tmp_path / "slept.log"
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"calibration": {"low_ms": 20, "high_ms": 30,
                                                      "record": str(record)}}))
    request = RequestFactory().get("/calibration/latency/")
    with override_settings(FAULT_INJECTION=True, FAULT_FILE=str(fault_file)):
        answers = [json.loads(calibration.latency(request).content) for _ in range(3)]
    assert all(20 <= a["delay_ms"] <= 30 for a in answers)
    assert all(a["slept_ms"] >= a["delay_ms"] for a in answers)
    recorded = [float(line.split()[1]) for line in record.read_text().splitlines()]
    assert recorded == pytest.approx([a["slept_ms"] for a in answers], abs=0.001)


@pytest.mark.parametrize("faults", [{}, {"calibration": {"low_ms": 30, "high_ms": 20}},
                                    {"calibration": {"low_ms": 0, "high_ms": 60_000}}])
def test_a_missing_or_impossible_distribution_is_refused_with_why(tmp_path, faults):
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps(faults))
    request = RequestFactory().get("/calibration/latency/")
    with override_settings(FAULT_INJECTION=True, FAULT_FILE=str(fault_file)):
        response = calibration.latency(request)
    assert response.status_code == 503
    assert "calibration" in json.loads(response.content)["detail"]
