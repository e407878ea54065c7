# One task runner. `make install` is idempotent: it only reinstalls when pyproject.toml changed.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test test-fast lint format messages bench bench-scale clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: the CPU wheel on this machine's disk; an unpinned torch pulls a CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/clustermatch demo
	@echo "Sign in at http://127.0.0.1:$(PORT)/login (API docs: /docs) with this admin token:"
	@$(BIN)/clustermatch token create --role admin --label "make run"
	$(BIN)/clustermatch serve --host 127.0.0.1 --port $(PORT)

test: install lint
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Page texts: re-extract the catalog template after a template change, then update every
# language's messages.po (translate the new, empty entries; the service reads the .po files).
messages: install
	$(BIN)/pybabel extract -F api/locales/babel.cfg -k N_ --no-location --sort-output \
		--project ClusterMatch -o api/locales/messages.pot .
	$(BIN)/pybabel update -i api/locales/messages.pot -d api/locales --no-location --width 100

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark extra (txtai, for benchmarks/peers.py) has its own stamp: install/test never pull it.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	touch $(BENCH_STAMP)

bench: install $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_core.py

# 10k, 100k and 1M partners against peers and the hardware floor: about half an hour.
bench-scale: install $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
