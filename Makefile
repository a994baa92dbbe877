# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run    create .venv, install, start the service on http://127.0.0.1:8000
#   make test   install what the tests need, lint, type-check and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install install-test clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/checklistor serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite on SQLite; with TEST_DATABASE_URL set (PostgreSQL), again on that database
# (the browser journeys, which test the pages rather than the database, run once).
test: lint
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- the suite again on $$TEST_DATABASE_URL ---"; \
		$(BIN)/pytest --ignore=tests/browser; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info

# Benchmarks print their figures against a ceiling measured in the same run; never tests.
.PHONY: bench bench-submit bench-export bench-sync bench-page bench-pdf
bench: bench-submit bench-export bench-sync bench-page bench-pdf

bench-submit: install-test
	$(BIN)/python -m bench.submit --requests 2000

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
