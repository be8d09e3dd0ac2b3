# Newsroom: `make run` serves a demo newsroom, `make test` runs the whole suite.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTHON ?= python3

.PHONY: run test lint bench install

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.txt
	$(PY) -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.runtime

# This checkout's own settings for the demo, written once (git ignores it): DEBUG on, a
# secret key of its own, no two-factor for the printed accounts. Settings read .env when
# it exists; production has none, so its safe defaults hold there.
.env:
	$(PYTHON) -c "import secrets; print('DEBUG=1'); print('SECRET_KEY=' + secrets.token_urlsafe(50)); print('REQUIRE_2FA_FOR=')" > $@

# The background worker (django-q2: edge purges, purges at publication time) runs
# beside the server and stops with it.
run: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py qcluster & trap 'kill $$!' EXIT INT TERM; \
		$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs with production-like settings (DEBUG off, .env ignored), over plain HTTP;
# background tasks run in the process that queues them (no worker in tests). It runs in
# TEST_WORKERS processes (pytest-xdist; one a core, at most 8), each with a test database
# and a cache of its own (tests/isolation.py); TEST_WORKERS=0 runs it in this one.
TEST_WORKERS ?= auto
test: $(VENV)/.test
	NEWSROOM_ENV_FILE= SECRET_KEY=test-only-secret-key SECURE_SSL_REDIRECT=0 STATIC_UNHASHED=1 \
		NEWSROOM_TASKS_SYNC=1 $(PY) -m pytest -n $(TEST_WORKERS) --maxprocesses 8 $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

bench: $(VENV)/.test
	bash bench/run.sh
