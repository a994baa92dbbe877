# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install the locked versions, start http://127.0.0.1:8000
#   make test   install the locked test tools, lint, type-check and run the whole suite
# Every install is exactly the lock in requirements/ (hashes checked): `make lock` after
# changing a dependency in pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

LOCK := requirements/service.txt
TEST_LOCK := requirements/test.txt
UV_LOCK := requirements/uv.txt
UV := $(BIN)/uv
UV_SYNC := $(UV) pip sync --quiet --python $(BIN)/python --require-hashes
UV_EDITABLE := $(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
UV_COMPILE := $(UV) pip compile --quiet --universal --python-version 3.11 --generate-hashes
# uv reads its own settings, not pip's: a machine whose index is set for pip uses it too.
ifdef PIP_INDEX_URL
export UV_DEFAULT_INDEX ?= $(PIP_INDEX_URL)
endif
export UV_LINK_MODE ?= copy

.PHONY: run test lint install install-test clean translations lock container-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock tool itself, pinned and hash-checked like everything else.
$(UV): $(UV_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(UV_LOCK)
	touch $@

# `uv pip sync` makes the venv exactly the lock: it adds, upgrades, downgrades and removes.
$(VENV)/.installed: $(LOCK) pyproject.toml | $(UV)
	rm -f $(VENV)/.installed-test
	$(UV_SYNC) $(LOCK)
	$(UV_EDITABLE)
	touch $@

# The test lock holds the service's locked versions plus the test tools.
$(VENV)/.installed-test: $(TEST_LOCK) $(LOCK) pyproject.toml | $(UV)
	$(UV_SYNC) $(TEST_LOCK)
	$(UV_EDITABLE)
	touch $@ $(VENV)/.installed

# Regenerate both locks from pyproject.toml, keeping locked versions where the bounds
# allow; `make lock LOCK_FLAGS=--upgrade` moves everything to the newest releases.
LOCK_FLAGS ?=
lock: | $(UV)
	$(UV_COMPILE) $(LOCK_FLAGS) pyproject.toml -o $(LOCK)
	$(UV_COMPILE) $(LOCK_FLAGS) pyproject.toml --extra test -c $(LOCK) -o $(TEST_LOCK)
	@echo "Locked: $(LOCK), $(TEST_LOCK). Commit them with the change to pyproject.toml."

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/checklistor serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite on SQLite; with TEST_DATABASE_URL set (PostgreSQL), again on that database
# (the browser journeys, which test the pages rather than the database, run once; the
# 100,000-response download, a test of the web server's timeout, runs at 10,000 there).
test: lint
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- the suite again on $$TEST_DATABASE_URL ---"; \
		CHECKLISTOR_TEST_EXPORT_SIZE=10000 $(BIN)/pytest --ignore=tests/browser; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

# Benchmarks print their figures against a ceiling measured in the same run; never tests.
.PHONY: bench bench-submit bench-export bench-sync bench-page bench-pdf bench-freshness bench-xlsx
bench: bench-submit bench-freshness bench-xlsx bench-export bench-sync bench-page bench-pdf

bench-submit: install-test
	$(BIN)/python -m bench.submit --requests 2000

bench-freshness: install-test
	$(BIN)/python -m bench.freshness --submissions 50

bench-xlsx: install-test
	$(BIN)/python -m bench.xlsx_pass --sizes 500,5000

bench-export: install-test
	$(BIN)/python -m bench.export

bench-sync: install-test
	$(BIN)/python -m bench.sync

bench-page: install-test
	$(BIN)/python -m bench.page

bench-pdf: install-test
	$(BIN)/python -m bench.pdf

# After changing texts in templates or messages in code: refresh the catalogue, add the
# English in service/translations/en/LC_MESSAGES/messages.po, then run this again to compile.
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k flash -k fail:2 -k error_page:2 \
		--no-location --sort-output --project=checklistor -o service/translations/messages.pot .
	$(BIN)/pybabel update -i service/translations/messages.pot -d service/translations \
		--no-fuzzy-matching
	$(BIN)/pybabel compile -d service/translations

# Build the image with podman and prove it: start, sign in, submit, mirror, export, restart
# (tests/container). Skipped with the reason where podman cannot run containers, unless
# CHECKLISTOR_CONTAINER_TEST=required. BASE=image overrides the Debian base it makes.
CHECKLISTOR_CONTAINER_TEST ?= 1
container-test: install-test
	CHECKLISTOR_CONTAINER_TEST=$(CHECKLISTOR_CONTAINER_TEST) $(BIN)/pytest tests/container -s -rA
