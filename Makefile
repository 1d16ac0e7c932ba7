# Two commands: `make run` and `make test`. Everything else is optional.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: run test lint bench soak screenshots train eval clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "python3.11 not found; set PY=/path/to/python3.11"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt .
	touch $@

$(TESTSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[test]"
	touch $@

run: $(STAMP)
	$(BIN)/python run.py migrate
	$(BIN)/python run.py serve

test: $(TESTSTAMP) lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# ruff (pyflakes, pycodestyle errors, isort, bugbear) and mypy (strict on core/, dispatch/, nlp/, media/): pyproject.toml
lint: $(TESTSTAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

bench: $(TESTSTAMP)
	$(BIN)/python -m bench

# `make soak` runs the long reliability runs; `make soak RUNS=5` instead runs the default suite's
# reliability tests five times and names any test that failed even once (a flaky test).
soak: $(TESTSTAMP)
ifdef RUNS
	$(BIN)/python -m tests.repeat $(RUNS) tests/reliability
else
	$(BIN)/python -m pytest -q -m soak tests/reliability
endif

# PNGs of the console (1440x900) and the phone views (/m, the board and the demo at 390x844) into
# docs/screenshots/, which the README shows (needs /usr/bin/chromium).
screenshots: $(TESTSTAMP)
	$(BIN)/python -m tests.e2e.screenshots docs/screenshots

train: $(STAMP)
	$(BIN)/python run.py train

eval: $(STAMP)
	$(BIN)/python run.py eval

clean:
	rm -rf $(VENV) data/*.db data/*.db-* data/*.lock
