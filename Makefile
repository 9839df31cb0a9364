# The project's two commands, `make sla` and `make test`, and what they build on.
# Each does its own set-up on a fresh Debian/Ubuntu machine: system packages, then a venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# command=package pairs: the programs the tests start, and the Debian packages that bring them.
SYSTEM_PACKAGES := redis-server=redis-server initdb=postgresql pg_dump=postgresql-client \
	nginx=nginx prometheus=prometheus promtool=prometheus \
	prometheus-node-exporter=prometheus-node-exporter \
	prometheus-postgres-exporter=prometheus-postgres-exporter \
	prometheus-redis-exporter=prometheus-redis-exporter \
	prometheus-nginx-exporter=prometheus-nginx-exporter mtail=mtail \
	prometheus-alertmanager=prometheus-alertmanager amtool=prometheus-alertmanager \
	envsubst=gettext-base \
	java=openjdk-17-jre-headless npm=npm chromium=chromium chromedriver=chromium-driver
PYTEST_WORKERS ?= 2
# The soak's short form in `make test`: long enough to cross two max_requests recycles of every
# gunicorn worker at the soak's load (pytest -m soak alone runs the thresholds file's 10 minutes).
SOAK_MINUTES ?= 6

.PHONY: setup test lint app-tests harness-tests suites sla report bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-test.txt scripts/system-packages.sh
	scripts/system-packages.sh $(SYSTEM_PACKAGES)
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), sys.version' 2>/dev/null || \
	  { echo "error: Python 3.11 or newer is needed as $(PYTHON); set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
	  { echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu run: sudo apt-get install -y python3-venv" >&2; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

lint: setup
	$(BIN)/ruff check .
	promtool check rules app/deploy/alerts.yml
	promtool test rules app/deploy/alerts_test.yml

app-tests: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) app/tests

# -raP: the gates print their figures, pass or fail (the promises judged on each scenario).
harness-tests: setup
	$(BIN)/pytest -raP fixtures/tests

# The suites share one stack and must not load it concurrently: one process, no xdist.
suites: setup
	$(BIN)/pytest suites --sla-soak-minutes=$(SOAK_MINUTES)

# Every test of the project: lint, the app's tests, the harness's, and every suite.
test: lint
	rm -rf reports/allure-results
	$(MAKE) app-tests harness-tests suites report

# The SLA verification on the embedded local stack (pytest -m sla: the load and every promise).
sla: setup
	rm -rf reports/allure-results
	$(BIN)/pytest -m sla suites

# The HTML report of the last run, built with the pinned Allure tool (scripts/allure.sh installs
# it into .tools/), then opened in headless Chromium and compared with reports/sla-summary.json.
# scripts/allure-report.sh carries the previous report's history over, for the Trend widget.
# --alluredir= : the check's own result stays out of the results the report was built from.
report: setup
	@test -d reports/allure-results || \
	  { echo "error: no reports/allure-results to build a report from: run make sla first" >&2; exit 1; }
	scripts/allure-report.sh reports/allure-results reports/allure-report
	$(BIN)/pytest --alluredir= -m report suites/report

# The capacity benchmark (bench/capacity.py): figures beside the goals of issue 9, printed and
# written to reports/bench/capacity.json. Not part of `make test`: it saturates the machine.
bench: setup
	scripts/system-packages.sh wrk=wrk
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench.capacity $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache reports/allure-results reports/sla-summary.json \
	  reports/allure-report .tools
