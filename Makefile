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

run: $(VENV)/.runtime
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py setup_demo
	DEBUG=1 REQUIRE_2FA_FOR= $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs with production-like settings (DEBUG off), over plain HTTP.
test: $(VENV)/.test
	SECRET_KEY=test-only-secret-key SECURE_SSL_REDIRECT=0 STATIC_UNHASHED=1 \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .

bench: $(VENV)/.test
	bash bench/run.sh
