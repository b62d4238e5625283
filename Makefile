# GridGov — everyday commands.
#
#   make run        embedded demo: SQLite + filesystem broker under var/, web + worker + beat
#   make test       the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
#   make migrate | seed | messages | vendor | clean
#
# Needs only Python 3.11+ on PATH (no root): the first run creates .venv and installs the
# pinned dependencies from pyproject.toml; later runs reinstall only when pyproject.toml
# changes. Settings come from the environment (see .env.example); `make` does not read .env.

PYTHON ?= python3
VENV := .venv
PORT ?= 8000
PYTEST_ARGS ?=

# Venv binaries first, so recipes and the Procfile's processes (honcho inherits PATH) use them.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PORT
export PYTHONUNBUFFERED := 1
unexport PYTHONHOME

# set -e semantics for every recipe line, pipelines included.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

STAMP := $(VENV)/.installed

.PHONY: run test migrate seed messages vendor clean install help

help:
	@echo "make run       start the embedded demo on http://127.0.0.1:$(PORT)/ (PORT=… to change)"
	@echo "make test      run the tests (PYTEST_ARGS='…' to pass options)"
	@echo "make migrate   apply migrations"
	@echo "make seed      load the demo county if the database has no areas"
	@echo "make messages  compile locale/*/LC_MESSAGES/*.po to .mo"
	@echo "make vendor    refresh static/vendor/ from package.json (needs npm)"
	@echo "make clean     empty var/ (database, queue, beat schedule); keeps .venv"

# --- Virtualenv -------------------------------------------------------------------------
$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "GridGov needs Python 3.11 or newer; this is " + sys.version.split()[0] + " (set PYTHON=python3.11)")'
	@echo "==> creating $(VENV) with $(PYTHON)"
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV). On Debian/Ubuntu the venv module is a separate package (python3-venv)." >&2; exit 1; }

# Reinstall only when pyproject.toml is newer than the stamp: re-runs stay fast.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	@echo "==> installing dependencies (pyproject.toml changed or first run)"
	$(VENV)/bin/python -m pip install --disable-pip-version-check --quiet -e ".[test]"
	@touch $@

install: $(STAMP)

# --- Embedded mode ------------------------------------------------------------------------
# The embedded mode is a demo: DEBUG on unless the environment says otherwise.
run migrate seed: export DEBUG ?= true

run: $(STAMP)
	python scripts/compile_messages.py
	python manage.py migrate --noinput
	python manage.py seed_demo --if-empty
	@echo
	@echo "GridGov is starting on http://127.0.0.1:$(PORT)/   (Ctrl-C stops web, worker and beat)"
	@echo
	exec honcho --env /dev/null -f Procfile start

migrate: $(STAMP)
	python manage.py migrate --noinput

seed: $(STAMP)
	python manage.py seed_demo --if-empty

# --- Tests --------------------------------------------------------------------------------
# Tests run with DEBUG off like production; SECRET_KEY gets a throwaway default so a bare
# `make test` works (settings refuse to start with DEBUG off and no key).
test: export DEBUG ?= false
test: export SECRET_KEY ?= insecure-test-only-key-not-for-deployment
test: $(STAMP)
	python -m pytest $(PYTEST_ARGS)

# --- Assets and housekeeping -------------------------------------------------------------
messages: $(STAMP)
	python scripts/compile_messages.py

vendor:
	bash scripts/vendor.sh

# Only ./var (not a VAR_DIR from the environment, which could point anywhere).
clean:
	@if [ -d var ]; then find var -mindepth 1 -delete; fi
	@echo "var/ emptied (.venv kept)"
