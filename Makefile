# privacy-cdp: every target sets up .venv first, so a clean clone needs only `make demo` / `make test`.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHECK_DB ?= var/alembic-check.db

.PHONY: help venv demo test check bench eval eval-pii clean openapi

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install privacy-cdp with its dev tools

demo: $(STAMP) ## Set up ./var (keys, SQLite database) and run the demo
	$(BIN)/cdp init
	$(BIN)/cdp demo --reset
	$(BIN)/cdp audit verify

test: $(STAMP) ## Run the tests (PostgreSQL too when CDP_TEST_DATABASE_URL is set)
	$(BIN)/pytest

check: $(STAMP) ## ruff lint + format check, mypy, import-linter contracts, alembic check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	rm -f $(CHECK_DB) && mkdir -p $(dir $(CHECK_DB))
	CDP_DATABASE_URL=sqlite:///$(CHECK_DB) $(BIN)/alembic upgrade head
	CDP_DATABASE_URL=sqlite:///$(CHECK_DB) $(BIN)/alembic check

bench: $(STAMP) ## Run the benchmarks into bench/results.json (BENCH_QUICK=1 for a short run)
	$(BIN)/python bench/run.py

eval-pii: $(STAMP) ## Score PII detection on the synthetic corpus; refresh docs/pii-evaluation.md
	$(BIN)/python -m cdp.evaluation.pii --write-docs docs/pii-evaluation.md
	$(BIN)/python -m cdp.evaluation.pii --corpus holdout --docs 1000 --write-docs docs/pii-evaluation.md

clean: ## Remove the virtualenv and ./var (keys included!)
	rm -rf $(VENV) var

openapi: $(STAMP) ## Write the API's OpenAPI document to docs/openapi.json (no database needed)
	$(BIN)/python scripts/export_openapi.py
