"""Shared fixtures: test data, and workspaces on SQLite and (when configured) PostgreSQL.

PostgreSQL runs whenever ``WORKBENCH_TEST_PG_URL`` is set (``.ci/run`` sets it when the
server answers). Each test then gets a schema of its own, dropped afterwards, so tests
never see each other's rows.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage.db import make_engine
from workbench.workspace import Location, Workspace, write_team_config

DATA = Path(__file__).resolve().parent / "data"
PG_URL = os.environ.get("WORKBENCH_TEST_PG_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def data() -> Path:
    return DATA


def _python_threads() -> set[threading.Thread]:
    # Dummy threads stand for threads Python did not start (Qt's pool threads running
    # Python code): they never end in Python's eyes; tests/ui checks Qt's pool itself.
    return {
        t
        for t in threading.enumerate()
        if t.is_alive() and not isinstance(t, threading._DummyThread)
    }


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a thread running behind it (analysis pools, workers)."""
    before = _python_threads()
    yield
    deadline = time.monotonic() + 5
    leaked = _python_threads() - before
    while leaked and time.monotonic() < deadline:
        time.sleep(0.02)
        leaked = _python_threads() - before
    if leaked:
        pytest.fail("threads left running: " + ", ".join(sorted(t.name for t in leaked)))


@pytest.fixture(autouse=True)
def _no_user_workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the real user's default workspace or settings."""
    monkeypatch.setenv("WORKBENCH_WORKSPACE", str(tmp_path / "default-workspace"))
    monkeypatch.setenv("WORKBENCH_SETTINGS", str(tmp_path / "settings.json"))
    monkeypatch.setenv("WORKBENCH_ANALYST", "tester")


def pg_schema_url(schema: str) -> str:
    base = make_engine(PG_URL).url
    return base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema; yields a database URL whose search_path is that schema."""
    if not PG_URL:
        pytest.skip("WORKBENCH_TEST_PG_URL is not set")
    schema = f"wb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_engine(PG_URL).url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def workspace_dir(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A workspace folder for ``backend`` (for PostgreSQL: settings naming a fresh schema)."""
    folder = tmp_path / "ws"
    if backend == "postgresql":
        url = request.getfixturevalue("pg_schema")
        write_team_config(folder, url, tmp_path / "shared-media")
    return folder


@pytest.fixture
def workspace(workspace_dir: Path) -> Iterator[Workspace]:
    ws = Workspace(Location.of(workspace_dir), analyst="tester")
    try:
        yield ws
    finally:
        ws.close()
