"""Engines, sessions and schema upgrades for a workspace's database.

SQLite (the default, one file per workspace) runs in WAL mode with foreign keys on;
PostgreSQL (a team's shared server) is reached through psycopg 3. Both are brought to the
newest schema by Alembic on open, so the same code and migrations serve both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``, with the per-connection settings the workbench relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # NORMAL in WAL mode: a commit survives a crash of the process; only a power
            # loss may drop the latest commits, never corrupt the file.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # Alembic loads only when the schema must change

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


def head_revision() -> str:
    """The newest migration, read from the migration files themselves: opening a workspace
    at the current schema then needs no Alembic import (a test checks Alembic agrees)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((key, value) for key, value in _REVISION.findall(path.read_text()))
        if "revision" in found:
            revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or upgrade the schema (idempotent: a no-op when already at ``revision``).
    An SQLite workspace of an older schema is first copied whole (``keep_copy``)."""
    current = current_revision(engine)
    if revision == "head" and current == head_revision():
        return
    if current is not None:
        keep_copy(engine, current)
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def copy_path(database: Path, revision: str) -> Path:
    """Where the copy of an SQLite database of schema ``revision`` is kept."""
    return database.with_name(f"{database.name}.schema-{revision}")


def keep_copy(engine: Engine, revision: str) -> Path | None:
    """A copy of an SQLite database before its first migration from ``revision``, beside
    it (``workbench.sqlite.schema-0010``): SQLite's online backup, so it is whole even with
    another process reading; written under a temporary name and renamed, never
    overwritten. Nothing for PostgreSQL: a server is copied with its own tools
    (``pg_dump``), by whoever keeps it. Returns the copy's path."""
    if engine.url.get_backend_name() != "sqlite" or not engine.url.database:
        return None
    database = Path(engine.url.database)
    target = copy_path(database, revision)
    if target.exists() or not database.exists():
        return target if target.exists() else None
    import sqlite3

    partial = target.with_name(target.name + ".partial")
    source, copy = sqlite3.connect(database), sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    partial.replace(target)
    return target


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


class Database:
    """One workspace's database: the engine plus a session factory.

    Services open one transaction per user operation with ``with db.transaction() as s:``.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        upgrade(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
