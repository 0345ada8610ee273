# 勤快办 — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# Two workers (one per core), each test file on one worker: the suite takes half the time.
PYTEST_ARGS ?= -n 2 --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help run test lint messages static migrate demo backup bench-quick clean

help:
	@echo "make run   - set up and serve the platform on http://$(HOST):$(PORT) (SQLite, demo data)"
	@echo "make test  - set up and run the whole test suite"
	@echo "make lint  - ruff, mypy and the migrations check"

RUN_PACKAGES := gettext fonts-wqy-zenhei
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

messages: $(VENV)/.installed
	@scripts/system_packages.sh $(RUN_PACKAGES)
	@$(PY) scripts/compile_messages.py

migrate: $(VENV)/.installed messages
	$(PY) manage.py migrate --noinput

static: $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0

demo: migrate
	$(PY) manage.py seed_demo --url http://$(HOST):$(PORT)/

# Serves with gunicorn (production-grade WSGI server, static files by WhiteNoise) and runs the
# background task worker beside it; Ctrl-C stops both. Plain http on localhost, so QKB_HTTPS=0.
run: demo static
	@QKB_HTTPS=$${QKB_HTTPS:-0} HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) scripts/serve.sh

test: $(VENV)/.installed-dev messages
	@scripts/system_packages.sh $(TEST_PACKAGES)
	QKB_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy qinkuaiban
	QKB_TESTING=1 $(PY) manage.py makemigrations --check --dry-run

# Smoke runs of the benchmarks (the PostgreSQL server of benchmarks/README.md; CI runs them).
bench-quick: $(VENV)/.installed-dev
	$(PY) benchmarks/clock.py --quick
	$(PY) benchmarks/scale.py --quick
	$(PY) benchmarks/peak_day.py --quick

backup: $(VENV)/.installed
	$(PY) manage.py backup

clean:
	rm -rf $(VENV) var/static
