"""Fault injection exists for the gate tests only: production settings can never enable it."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.production import PRODUCTION_ENV

APP_DIR = Path(__file__).resolve().parents[1]


def middleware_of(settings_module: str, fault_file: Path) -> list[str]:
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": settings_module,
           "FAULT_FILE": str(fault_file), "FAULT_INJECTION": "True"}
    code = "import django; django.setup(); from django.conf import settings; " \
           "print(','.join(settings.MIDDLEWARE), getattr(settings, 'FAULT_INJECTION', False))"
    result = subprocess.run([sys.executable, "-c", code], cwd=APP_DIR, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return result.stdout.split()


def test_production_settings_have_no_fault_injection_even_when_asked(tmp_path):
    middleware, enabled = middleware_of("config.settings.production", tmp_path / "faults.json")
    assert "FaultInjectionMiddleware" not in middleware
    assert enabled == "False"


def test_degraded_settings_install_it_after_the_metrics_middleware(tmp_path):
    middleware, enabled = middleware_of("config.settings.degraded", tmp_path / "faults.json")
    names = middleware.split(",")
    fault = names.index("workorders.faults.FaultInjectionMiddleware")
    assert names[fault - 1].endswith("PrometheusBeforeMiddleware")
    assert names.index("workorders.middleware.ServerTimingMiddleware") < fault
    assert enabled == "True"


@pytest.mark.django_db
def test_the_middleware_refuses_to_run_without_the_setting(tmp_path):
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"error_share": 1.0}))
    stack = ["workorders.faults.FaultInjectionMiddleware",
             "django.middleware.common.CommonMiddleware"]
    with override_settings(MIDDLEWARE=stack, FAULT_FILE=str(fault_file)):
        assert Client().get("/api/").status_code != 503  # a new client loads the middleware
    with override_settings(MIDDLEWARE=stack, FAULT_FILE=str(fault_file), FAULT_INJECTION=True):
        assert Client().get("/api/").status_code == 503


@pytest.mark.django_db
def test_a_slowdown_makes_each_request_that_much_more_costly(tmp_path, monkeypatch):
    from workorders import faults

    burnt, slept = [], []
    monkeypatch.setattr(faults, "burn", burnt.append)
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"slowdown": 0.3, "path_prefix": "/health/"}))
    stack = ["workorders.faults.FaultInjectionMiddleware"]
    with override_settings(MIDDLEWARE=stack, FAULT_FILE=str(fault_file), FAULT_INJECTION=True):
        assert Client().get("/health/live/").status_code == 200
        assert Client().get("/api/").status_code != 503  # outside the prefix: untouched
    assert len(burnt) == 1  # 30 % of the request's CPU time, spent again
    assert 0 < burnt[0] < 1
    assert len(slept) == 1  # and 30 % of its waiting, waited again
    assert 0 <= slept[0] < 1


def test_burn_spends_cpu_time():
    from workorders import faults

    started = time.thread_time()
    faults.burn(0.02)
    assert time.thread_time() - started >= 0.02


@pytest.mark.django_db
def test_a_faults_file_replaced_within_one_clock_tick_is_read_again(tmp_path):
    """File times tick coarsely: a new file with the old one's time and size must still be
    read (the harness replaces the file by a rename, so its inode is new)."""
    from django.test import RequestFactory

    from workorders.faults import FaultInjectionMiddleware

    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"error_share": 0.0}))
    with override_settings(FAULT_FILE=str(fault_file), FAULT_INJECTION=True):
        middleware = FaultInjectionMiddleware(lambda request: "served")
    request = RequestFactory().get("/api/")
    assert middleware(request) == "served"
    tick = fault_file.stat().st_mtime_ns
    staged = tmp_path / "faults.staged"
    staged.write_text(json.dumps({"error_share": 1.0}))
    assert staged.stat().st_size == fault_file.stat().st_size
    os.utime(staged, ns=(tick, tick))  # the same time as the file it replaces
    os.replace(staged, fault_file)
    assert middleware(request).status_code == 503


@pytest.mark.django_db
def test_a_leak_keeps_memory_alive_for_each_request(tmp_path):
    from workorders import faults

    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"leak_kb": 4, "path_prefix": "/health/"}))
    stack = ["workorders.faults.FaultInjectionMiddleware"]
    kept = len(faults.LEAKED)
    with override_settings(MIDDLEWARE=stack, FAULT_FILE=str(fault_file), FAULT_INJECTION=True):
        client = Client()
        for _ in range(3):
            assert client.get("/health/live/").status_code == 200
        assert client.get("/api/").status_code != 503  # outside the prefix: nothing kept
    assert [len(b) for b in faults.LEAKED[kept:]] == [4096] * 3
    del faults.LEAKED[kept:]


@pytest.mark.django_db
def test_a_drift_makes_each_request_wait_longer_the_longer_it_runs(tmp_path, monkeypatch):
    from workorders import faults

    slept = []
    monkeypatch.setattr(faults.time, "sleep", slept.append)
    fault_file = tmp_path / "faults.json"
    fault_file.write_text(json.dumps({"drift_ms_per_min": 60, "drift_since": time.time() - 120,
                                      "path_prefix": "/health/"}))
    stack = ["workorders.faults.FaultInjectionMiddleware"]
    with override_settings(MIDDLEWARE=stack, FAULT_FILE=str(fault_file), FAULT_INJECTION=True):
        assert Client().get("/health/live/").status_code == 200
    assert len(slept) == 1
    assert 0.119 <= slept[0] <= 0.125  # two minutes in: 120 ms
