# The two commands of the README: `make demo` and `make test`. Each creates or refreshes
# .venv and installs the project into it, so a fresh machine needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
BENCH_SCALES ?= 1
# pytest-xdist workers for `make test`: more than the cores, because the whole-system tests
# spend much of their time waiting on child processes (kill points, retries, Retry-After).
TEST_WORKERS ?= 4

.PHONY: demo test lint format bench clean constraints

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m compileall -q transfer
	touch $@

## demo: a full dry run of both sources against the built-in sandbox (SQLite target)
# The package's bytecode is written first (an editable install has none, and a
# PYTHONDONTWRITEBYTECODE environment never writes it): every `transfer` process of the
# rehearsal (each cutover step, the sandbox, the rehearsal site, the parsing workers) would
# otherwise compile the whole package again when it starts, about 1 s of CPU each.
demo: $(STAMP)
	$(BIN)/python -m compileall -q transfer
	$(BIN)/transfer rehearse

## test: the whole suite, with a throw-away PostgreSQL on a loopback port
# Bytecode first, as for the demo, and pytest's rewritten test modules with it: every xdist
# worker imports every test file, and pytest caches its rewrite only where bytecode may be
# written, so one collection without PYTHONDONTWRITEBYTECODE caches it for all of them (a
# collection error shows in the run itself).
test: $(STAMP)
	$(BIN)/python -m compileall -q transfer tests
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest --collect-only -q -n 0 -m "slow or not slow" >/dev/null || true
	bash tests/services/install-chromium.sh
	bash tests/services/install-nginx.sh
	TRANSFER_TEST_REQUIRE_BROWSER=1 TRANSFER_TEST_REQUIRE_NGINX=1 bash tests/services/with-postgres.sh $(BIN)/python -m pytest -m "slow or not slow" -n $(TEST_WORKERS) $(PYTEST_ARGS)

## lint: ruff (lint and format check) and mypy strict on the package
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: benchmarks that print figures (not pass/fail); BENCH_SCALES="1 10" adds scale 10
bench: $(STAMP)
	$(BIN)/python bench/run.py --scales $(BENCH_SCALES)

## constraints: pin constraints.txt to what .venv has now (after the suite passed in it)
constraints: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^transfer=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .transfer .pytest_cache .mypy_cache .ruff_cache
