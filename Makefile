# Quality Portal: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# `make run DEMO=0`: an empty installation (its own var/empty.sqlite3, no demo
# label), as a ministry starts; the admin dashboard then shows «С чего начать».
DEMO ?= 1
RUN_ENV := $(if $(filter 0,$(DEMO)),DATABASE_URL=sqlite:///$(CURDIR)/var/empty.sqlite3 QP_DEMO=false,)

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

run: install ## Serve the demo site at http://127.0.0.1:$(PORT) (SQLite, database search; DEMO=0: empty)
	@mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(if $(filter 0,$(DEMO)),,$(BIN)/python manage.py load_demo_data)
	$(RUN_ENV) $(BIN)/python manage.py ensure_demo_admin
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install ## Run checks and the whole suite on SQLite and PostgreSQL with Elasticsearch
	$(BIN)/python scripts/run_tests.py

lint: install ## ruff, formatting and import-linter architecture contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## Run the benchmarks in bench/ (see docs/benchmarks.md)
	$(BIN)/python bench/run.py

guide-screenshots: install ## Rerun the guides' browser tests and copy their screenshots into docs/guide/img/
	$(BIN)/python scripts/guide_screenshots.py

.PHONY: help install run test lint format bench guide-screenshots
