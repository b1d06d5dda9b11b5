# Fugong: the two commands a fresh clone needs are `make run` and `make test`.
SHELL := /bin/bash
# The newest Python from 3.13 down to 3.11 that runs here: Debian 13 ships 3.13, Debian 12 3.11.
# Each candidate is asked to run, not only looked up, because pyenv keeps shims of versions that
# are installed but not selected.
PYTHON ?= $(firstword $(foreach version,3.13 3.12 3.11,$(shell python$(version) -c "" >/dev/null 2>&1 && command -v python$(version))) $(shell command -v python3))
VENV := .venv
BIN := $(VENV)/bin
# A developer's checkout gets the runtime lock and the tools (tests, lint, benchmarks, audit);
# production installs requirements.lock alone (see README.md, "Production install").
LOCKS := requirements.lock requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCKS) pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test test-fast lint format messages bench audit install clean

$(STAMP): $(LOCKS) pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "Fugong needs Python 3.11, 3.12 or 3.13")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(LOCKS))
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## make run: install, migrate, load the demo park if the database is empty, serve on :8000 with
## one background worker (imports of large files, exports); Ctrl-C stops both
PORT ?= 8000
run: $(STAMP)
	$(BIN)/fugong migrate --noinput
	$(BIN)/fugong load_demo --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) with a background worker  (Ctrl-C stops both)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/fugong db_worker & worker=$$!; \
	$(BIN)/fugong runserver 127.0.0.1:$(PORT)

## make test: lint, the apps' layers (import-linter), types (mypy), migrations up to date, and the
## whole suite with its coverage (browser tests need Chromium)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=fugong.settings.test $(BIN)/fugong makemigrations --check --dry-run
	$(BIN)/pytest --cov --cov-report=term $(PYTEST_ARGS)

## make test-fast: the suite without the browser tests
test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: extract translatable strings and compile the catalogues (.mo files are committed)
messages: $(STAMP)
	cd fugong && ../$(BIN)/fugong makemessages -l zh_Hans -l en --no-obsolete --add-location file
	cd fugong && ../$(BIN)/fugong compilemessages

## make bench: the benchmarks in bench/ (figures printed and saved in bench/results/)
bench: $(STAMP)
	$(BIN)/python bench/run.py

## make audit: the locked dependencies checked for known vulnerabilities (pip-audit)
audit: $(STAMP)
	$(BIN)/python scripts/audit-dependencies

clean:
	rm -rf $(VENV) var
