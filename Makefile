# Workbench: `make run` to use it, `make test` to check it. See README.md.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: setup run test lint typecheck lock collectstatic clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements/base.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock $(VENV)/.base-installed
	$(BIN)/python -m pip install --quiet -r requirements/dev.lock
	touch $@

# Laptop defaults for set-up and run; any of them can be overridden from the environment.
setup run: export WORKBENCH_DEMO ?= 1
setup run: export WORKBENCH_HTTPS ?= 0
setup run: export WORKBENCH_LOG_FORMAT ?= text

setup: $(VENV)/.base-installed
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@if [ "$$WORKBENCH_DEMO" = "1" ]; then $(BIN)/python manage.py load_demo; fi

run: setup
	$(BIN)/python manage.py run_workbench --port $(PORT)

test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(VENV)/.dev-installed
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/base.lock requirements/base.in
	$(BIN)/pip-compile --quiet --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o requirements/dev.lock requirements/dev.in

clean:
	rm -rf staticfiles .pytest_cache .mypy_cache .ruff_cache
