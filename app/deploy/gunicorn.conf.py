"""Gunicorn for the work-order system's HTTP API, as production runs it behind nginx.

Every value can be overridden from the environment (the systemd unit's EnvironmentFile, or the
test stack rendering it for a free port); the defaults are production's.
"""
import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The plan's 2 x cores + 1 sync workers: requests mostly wait on PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# sync or gthread (with `threads` each): `python -m bench.capacity --only workers` compares them.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Recycle workers now and then so a slow leak never grows. Workers share the load evenly, so
# with a jitter of 100 all of them reached 1000 within seconds of each other and restarted
# together: a jitter of half the limit spreads the restarts out.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 500))
# Load the app once in the master, so a recycled worker is a fork (milliseconds), not a fresh
# Django import (0.9 s of CPU, then a cold warm-up): at the plan's 100 users on two cores the
# imports' rounds ran the host 100 % busy and the client's p95 to 1,065 ms; forks, 89 % and
# 154 ms (docs/decisions.md, "Whether max_requests 1000 earns its keep"). The cost: a reload
# (HUP) forks the code the master loaded, so a new release needs a restart.
_preload = os.environ.get("GUNICORN_PRELOAD_APP", "true").lower()
if _preload not in ("true", "false"):  # a typo must not quietly bring the import rounds back
    raise ValueError(f"GUNICORN_PRELOAD_APP={_preload!r}: set it to true or false")
preload_app = _preload == "true"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 2))
wsgi_app = "config.wsgi:application"
chdir = os.environ.get("GUNICORN_CHDIR", str(Path(__file__).resolve().parents[1]))
proc_name = "workorders-gunicorn"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# %(M)s is the request time in milliseconds: the access log alone can answer "how slow?".
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Where Prometheus reads the workers' summed metrics: the master's own port (see when_ready).
metrics_bind = os.environ.get("GUNICORN_METRICS_BIND", "127.0.0.1:8002")
# The preloaded app creates its metric files as it is imported, before on_starting: the
# directory must exist by then (on_starting empties it; the master records nothing, and each
# worker opens files of its own pid after the fork).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)


def on_starting(server):
    """Start with an empty metrics directory: files of a previous run would be summed in."""
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not metrics_dir:
        server.log.warning("PROMETHEUS_MULTIPROC_DIR is not set: with several workers each "
                           "scrape of /metrics/ reads one worker's counters only.")
        return
    shutil.rmtree(metrics_dir, ignore_errors=True)
    os.makedirs(metrics_dir, exist_ok=True)


def child_exit(server, worker):
    """A dead worker's live gauges must stop counting; its counters stay in the sums."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """Serve the workers' summed metrics from the master, which serves no requests. On the app's
    port a scrape waits in line behind the requests, and under load Prometheus's timeout marked
    the app down while every request succeeded (seen here: `scrape targets up` failing in SLA
    runs): monitoring blind exactly when it matters."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    host, _, port = metrics_bind.rpartition(":")
    try:
        start_http_server(int(port), addr=host, registry=registry)
    except OSError as error:  # the app still serves; Prometheus will say the target is down
        server.log.error("metrics not served on %s: %s", metrics_bind, error)
