# Two commands matter: `make run` (the demo site with a worker) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379
# Two checkouts testing at once need their own broker and cache databases too.
TEST_BROKER_DB ?= 14
TEST_CACHE_DB ?= 13
# One test database per checkout, so a developer's run and CI's never collide.
TEST_DATABASE_NAME ?= test_portal_$(shell echo "$(CURDIR)" | md5sum | cut -c1-8)

# The demo runs with debug on; the settings then make a random secret key once in var/secret-key
# (git-ignored). Everything else runs with debug off and needs DJANGO_SECRET_KEY.
DEMO_ENV := DJANGO_DEBUG=1

.PHONY: run test lint bench setup python-deps frontend system-test-deps services migrate seed worker clean

run: setup migrate seed
	$(DEMO_ENV) PORT=$(PORT) bash scripts/run-dev.sh

setup: python-deps frontend

python-deps: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

frontend:
	bash scripts/install-frontend.sh

migrate: python-deps
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

seed: python-deps
	$(DEMO_ENV) PORTAL_SHOW_DEMO_ACCOUNTS=1 $(BIN)/python manage.py seed_demo

system-test-deps:
	bash scripts/install-system-deps.sh test

services:
	bash scripts/start-services.sh

lint: python-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# No import circle, and portal above courses above slides: contracts in pyproject.toml.
	$(BIN)/lint-imports

test: system-test-deps setup services lint
	node --test slides/static/slides/tests/
	$(DEMO_ENV) DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py makemigrations --check --dry-run
	# A run that was killed may have left its test database (and a connection) behind.
	psql "$(TEST_DATABASE_URL)" -qAt -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
	  WHERE datname = '$(TEST_DATABASE_NAME)' AND pid <> pg_backend_pid()" >/dev/null
	psql "$(TEST_DATABASE_URL)" -q -c 'DROP DATABASE IF EXISTS "$(TEST_DATABASE_NAME)"'
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL)/$(TEST_BROKER_DB) \
	  CACHE_URL=$(TEST_REDIS_URL)/$(TEST_CACHE_DB) PORTAL_DATA_DIR=$(CURDIR)/var/test DATABASE_CONN_MAX_AGE=0 \
	  TEST_DATABASE_NAME=$(TEST_DATABASE_NAME) \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)  # tests/run_secret_key.py gives the run its own key

bench: setup
	bash scripts/install-system-deps.sh bench
	$(BIN)/python -m bench.run
	# (h): a PACS pull from a local Orthanc against the file import; splices its section in.
	$(BIN)/python -m bench.pacs_pull

clean:
	rm -rf var staticfiles portal/static/vendor
