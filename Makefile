# e-Vize — the two commands: `make run` and `make test`. Both are safe to run again.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Embedded defaults for `make run`: plain HTTP on loopback, everything under ./data.
RUN_ENV := EVIZE_INSECURE_HTTP=true

.PHONY: run test setup deps-run deps-test messages migrate demo worker lint format clean-data otp

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

deps-run:
	scripts/system-deps.sh run

deps-test:
	scripts/system-deps.sh test

messages: $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: deps-run $(VENV)/.installed node_modules/.installed messages

migrate: setup
	$(RUN_ENV) $(MANAGE) migrate --noinput

demo: migrate
	$(RUN_ENV) $(MANAGE) load_demo
	$(RUN_ENV) $(MANAGE) demo_pki
	$(RUN_ENV) $(MANAGE) load_demo_applications

## make run: set up, migrate, load reference data and the demo, serve on http://127.0.0.1:8000
# The outbox and payment sweepers run beside the server, so e-mail retries and bank
# reconciliation happen without Celery too.
run: demo
	@$(RUN_ENV) $(MANAGE) flush_outbox --every 60 >> data/sweepers.log 2>&1 & outbox=$$!; \
	$(RUN_ENV) $(MANAGE) reconcile_payments --every 300 >> data/sweepers.log 2>&1 & bank=$$!; \
	trap 'kill $$outbox $$bank 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(MANAGE) runserver $(HOST):$(PORT)

## make test: install what the tests need and run the whole suite (PYTEST_ARGS to pass options)
test: deps-test setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

## make worker: a Celery worker (needs REDIS_URL)
worker: setup
	$(VENV)/bin/celery -A evize worker --beat -l info

## make otp USER=katip: the current two-factor code of a demo staff user
otp: setup
	$(RUN_ENV) $(MANAGE) demo_otp $(USER)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-data:
	rm -rf data
