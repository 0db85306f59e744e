# Two entry points for a fresh machine: `make run` and `make test`.
# Each creates or updates the local virtual environment (.venv) by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench lock dist clean

# Installed from the lock (requirements/dev.lock: the app's and the test tools' exact
# versions, with their hashes), then the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy workbench storage ui main.py
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto -rs --durations=15

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
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_plots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_ui_stall.py

# The one-folder application (PyInstaller): dist/claim-workbench/claim-workbench.
dist: $(STAMP)
	$(BIN)/python -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
		packaging/claim-workbench.spec
	dist/claim-workbench/claim-workbench --self-test

# Refresh the locks from pyproject.toml (newest versions its ranges allow), with uv.
UV_COMPILE = $(VENV)/uv/bin/uv pip compile pyproject.toml --quiet --generate-hashes \
	--universal --python-version 3.11
lock:
	test -x $(VENV)/uv/bin/uv || ($(PYTHON) -m venv $(VENV)/uv && $(VENV)/uv/bin/pip install --quiet uv)
	$(UV_COMPILE) --upgrade -o requirements/app.lock
	$(UV_COMPILE) --upgrade --extra dev -o requirements/dev.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
