# The platform's operator interface: `make setup`, `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test test-fast lint worker chromium pango clean-data help
.DEFAULT_GOAL := help

help:
	@echo "make setup   virtual environment, install, migrate: the production setup, no demo data (nothing left running)"
	@echo "make run     setup and the demo data, then web server + Celery worker in the foreground (Ctrl-C stops)"
	@echo "make test    lint, then the whole test suite"
	@echo "make test-fast  lint, then the suite without browser and worker-process tests (the edit-test loop)"
	@echo "make worker  a Celery worker only (for more workers, on this or other machines)"

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required; set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the requirement files change.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The compiled record screen (genomes/vcf/_screen.c), in place beside its Python twin; gcc and the Python
# headers are all it needs. Rebuilt when the C source changes.
SCREEN_EXT := genomes/vcf/.screen-built
$(SCREEN_EXT): genomes/vcf/_screen.c setup.py $(VENV)/.installed
	$(PY) setup.py --quiet build_ext --inplace
	touch $@

# The production setup loads no demo data: demo accounts have a published password.
setup: $(VENV)/.installed $(SCREEN_EXT) pango
	$(PY) manage.py bootstrap

# The demo serves plain http on localhost; production runs behind TLS with HTTPS=true (the default).
run: $(VENV)/.installed $(SCREEN_EXT) pango
	HTTPS=$${HTTPS:-false} $(PY) manage.py bootstrap --demo
	HTTPS=$${HTTPS:-false} $(PY) manage.py serve

worker: $(VENV)/.installed $(SCREEN_EXT)
	$(PY) -m celery -A interpret worker --loglevel INFO

# Reports are laid out by Pango (WeasyPrint); install Debian's when it is missing and we may.
pango:
	@python3 -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("pangoft2-1.0") else 1)' || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's Pango for the PDF reports"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core) >/dev/null; \
	  else echo "PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core" >&2; exit 1; fi; }

# Browser tests drive Debian's chromium; install it when it is missing and we may.
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# ruff: pyflakes, pycodestyle and import order (ruff.toml); a finding fails the test command.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

test: lint $(VENV)/.installed-dev $(SCREEN_EXT) chromium pango
	$(PY) -m pytest $(PYTEST_ARGS)

# Markers (pytest.ini): `browser` drives headless Chromium, `worker` starts real worker or server processes.
test-fast: lint $(VENV)/.installed-dev $(SCREEN_EXT) pango
	$(PY) -m pytest -m "not browser and not worker" $(PYTEST_ARGS)

clean-data:
	@echo "Removes .data/ (embedded database, broker queue, secret key)."; rm -rf .data
