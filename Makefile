# Two entry points for a fresh machine: `make run` and `make test`.
# Each creates or updates the local virtual environment (.venv) by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy workbench storage ui main.py
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q --durations=15

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_seen_before.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_bundle.py
	$(BIN)/python bench/bench_big_workspace.py
	$(BIN)/python bench/bench_scale.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_stall.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
