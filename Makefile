# Frontline: `make run` serves the demo campaign, `make test` runs the tests. Both set up what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run serve test test-pg test-browser check bench lint format messages clean install

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Python 3.11+ is needed"; exit 1)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
	@sh scripts/ensure_system.sh

run: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo --if-empty
	HOST=$(HOST) PORT=$(PORT) PY=$(PY) sh scripts/serve.sh

test: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-pg: install
	sh scripts/ensure_postgres.sh
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install
	sh scripts/ensure_chromium.sh
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -m browser $(PYTEST_ARGS)

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy frontline
	$(PY) manage.py makemigrations --check --dry-run -v1
	$(PY) manage.py check

bench: install
	sh scripts/ensure_postgres.sh
	sh scripts/ensure_bench.sh
	$(PY) bench/run.py

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	cd frontline && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var/test-artifacts
