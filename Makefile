# Two set-up commands: `make run` (shop with demo data) and `make test` (every test).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1

.PHONY: run test bench install install-test messages messages-update lint typecheck schema clean scaleout

$(BIN)/python:
	PYTHON=$(PYTHON) scripts/bootstrap-system run
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed messages

install-test: install
	PYTHON=$(PYTHON) scripts/bootstrap-system test

messages: | $(BIN)/python
	$(BIN)/python manage.py compilemessages -v0 --ignore='.venv/*'

messages-update: | $(BIN)/python
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --add-location file --ignore='.venv/*' --ignore='tests/*' --ignore='var/*' -v0

run: install
	mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks (bench/, dev-only). The throughput phase is compared with a Saleor GraphQL endpoint
# when one answers at SALEOR_URL (see README), else with a static file from the same server.
SALEOR_URL ?= http://127.0.0.1:8190/graphql/
BENCH_PORT ?= 0
bench: install
	$(BIN)/python manage.py bench_catalog --port $(BENCH_PORT) $(if $(SALEOR_URL),--against $(SALEOR_URL))
	$(BIN)/python manage.py bench_orders
	$(BIN)/python manage.py bench_graphql_hostile

# Two app hosts behind nginx, a worker and beat, a private Redis and database (PostgreSQL on
# 127.0.0.1:5432, PGURL=… to change): buyer journeys while one host is killed; prints figures.
scaleout: install-test
	PYTHON=$(PYTHON) scripts/bootstrap-system scaleout
	PYTHON=$(BIN)/python scripts/scaleout-test

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# mypy with django-stubs; [tool.mypy] in pyproject.toml says what and how strictly.
typecheck: install
	$(BIN)/mypy

schema: install
	$(BIN)/python manage.py graphql_schema --schema shop.graphql.schema.schema --out schema.graphql

clean:
	rm -rf $(VENV) var db.sqlite3
