"""Schema: Alembic creates exactly the models' schema, upgrades in place, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from storage.db import (
    Database,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    make_engine,
    sqlite_url,
    upgrade,
)
from storage.schema import Base, include_in_autogenerate

TABLES = {
    "cases",
    "sources",
    "claims",
    "claim_actors",
    "claim_tags",
    "media",
    "media_hashes",
    "claim_media",
    "audit_log",
}


@pytest.fixture
def engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Engine:
    if backend == "postgresql":
        return make_engine(request.getfixturevalue("pg_schema"))
    return make_engine(sqlite_url(tmp_path / "m.sqlite"))


def test_upgrade_from_empty_creates_every_table(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(engine: Engine) -> None:
    """Nothing left for autogenerate to do: the migrations build what the code expects."""
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_in_autogenerate}
        )
        assert compare_metadata(ctx, Base.metadata) == []


def _kept_cases(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM cases WHERE name = 'kept'")).scalar_one()
        )


def test_each_revision_upgrades_from_the_previous_keeping_rows(engine: Engine) -> None:
    script = ScriptDirectory.from_config(alembic_config(engine))
    revisions = list(reversed(list(script.walk_revisions())))
    for revision in revisions:
        previous = revision.down_revision or "base"
        downgrade(engine, "base") if previous == "base" else downgrade(engine, str(previous))
        if previous != "base" and not _kept_cases(engine):
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO cases (id, name, description, created_at) "
                        "VALUES ('00000000000000000000000000000001', 'kept', '', "
                        "CURRENT_TIMESTAMP)"
                    )
                )
        upgrade(engine, revision.revision)
        assert current_revision(engine) == revision.revision
        assert _kept_cases(engine) == (0 if previous == "base" else 1)
    assert current_revision(engine) == head_revision()


def test_downgrade_to_nothing_and_back(engine: Engine) -> None:
    upgrade(engine)
    downgrade(engine, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_opening_twice_is_a_no_op(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "w.sqlite")
    Database(url).close()
    db = Database(url)
    assert current_revision(db.engine) == head_revision()
    db.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "w.sqlite"))
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.close()


def test_head_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    assert head_revision() == script.get_current_head()
