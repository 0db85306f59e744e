"""The audit trail's hash chain, on SQLite and PostgreSQL: written by every operation,
checked by ``verify``, which names an edited, inserted or deleted entry; published in
reports and bags; built for old workspaces by migration 0008; safe with two writers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import bagit
import jsonschema
import pytest
from sqlalchemy import Engine, delete, func, select, text, update

from storage.db import make_engine, sqlite_url, upgrade
from storage.schema import AuditEntry, WorkspaceInfo
from workbench.claims import audit
from workbench.claims.views import Problem
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import build_document
from workbench.exchange.report import build_report
from workbench.exchange.scope import ExportScope, gather
from workbench.sample import create_sample_case
from workbench.workspace import Location, Workspace

SCHEMA = (
    Path(__file__).resolve().parents[3]
    / "workbench"
    / "exchange"
    / "schemas"
    / "export-v1.schema.json"
)


def _work(ws: Workspace, n: int = 3) -> None:
    """A few operations of every kind, several entries each."""
    for i in range(n):
        claim = ws.claims.create(f"claim {i}", case="Chain", source=("x", f"@s{i}"))
        ws.claims.update(claim.id, notes=f"note {i}", tags="a, b")
        ws.claims.set_status(claim.id, "refuted", rationale="geolocated elsewhere")
    ws.claims.delete(ws.claims.create("short-lived").id)


def _rows(ws: Workspace) -> list[AuditEntry]:
    with ws.db.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _problems(ws: Workspace, *published: str) -> list[Problem]:
    return ws.verifier.run(published_heads=published)


def _sql(ws: Workspace, statement: object, **params: object) -> None:
    """A change made behind the workbench's back."""
    with ws.db.engine.begin() as conn:
        conn.execute(statement, params)  # type: ignore[call-overload]


def test_every_operation_appends_to_one_chain(workspace: Workspace) -> None:
    _work(workspace)
    rows = _rows(workspace)
    assert len(rows) > 10
    previous = audit.GENESIS
    for row in rows:
        assert row.prev_hash == previous
        assert row.entry_hash == audit.entry_digest(
            previous, row.at, row.actor, row.entity_type, row.entity_id, row.action, row.changes
        )
        previous = row.entry_hash
    with workspace.db.read() as session:
        assert audit.chain_head(session) == (len(rows), previous)
        head = session.get(WorkspaceInfo, audit.HEAD_KEY)
        assert head is not None and json.loads(head.value) == {
            "entries": len(rows),
            "hash": previous,
        }
    assert _problems(workspace) == []
    assert workspace.verifier.audit_head == (len(rows), previous)
    assert _problems(workspace, rows[3].entry_hash or "", previous) == []


def test_an_edited_entry_is_named(workspace: Workspace) -> None:
    _work(workspace, 2)
    victim = _rows(workspace)[2]
    table = AuditEntry.__table__
    _sql(workspace, update(table).where(table.c.id == victim.id).values(changes={"x": [1, 2]}))
    [problem] = _problems(workspace)
    assert problem.kind == "audit_edited" and problem.sha256 == victim.entry_hash
    assert f"entry #{victim.id} (" in problem.detail and victim.actor in problem.detail
    assert victim.action in problem.detail and victim.entity_id in problem.detail


def test_a_changed_time_or_actor_is_named_too(workspace: Workspace) -> None:
    _work(workspace, 1)
    first, second = _rows(workspace)[:2]
    _sql(workspace, text("UPDATE audit_log SET actor = 'mallory' WHERE id = :i"), i=first.id)
    table = AuditEntry.__table__
    later = second.at.replace(microsecond=(second.at.microsecond + 1) % 1_000_000)
    _sql(workspace, update(table).where(table.c.id == second.id).values(at=later))
    kinds = [(p.kind, p.sha256) for p in _problems(workspace)]
    assert kinds == [("audit_edited", first.entry_hash), ("audit_edited", second.entry_hash)]


def test_a_deleted_entry_is_named(workspace: Workspace) -> None:
    _work(workspace, 2)
    rows = _rows(workspace)
    gone, after = rows[4], rows[5]
    _sql(workspace, text("DELETE FROM audit_log WHERE id = :i"), i=gone.id)
    [problem] = _problems(workspace)
    assert problem.kind == "audit_deleted" and problem.sha256 == after.entry_hash
    assert f"after entry #{rows[3].id} (" in problem.detail
    assert f"before entry #{after.id} (" in problem.detail


def test_a_cut_tail_is_named_against_the_recorded_head(workspace: Workspace) -> None:
    _work(workspace, 1)
    rows = _rows(workspace)
    _sql(workspace, text("DELETE FROM audit_log WHERE id >= :i"), i=rows[-2].id)
    [problem] = _problems(workspace)
    assert problem.kind == "audit_deleted" and problem.sha256 == rows[-1].entry_hash
    assert f"ends at entry #{rows[-3].id} (" in problem.detail


def _forge(ws: Workspace, row_id: int, prev_hash: str | None, *, honest: bool) -> str | None:
    """Insert an entry by hand; ``honest``: with the hashes it would have had."""
    from datetime import UTC, datetime

    at = datetime(2020, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    changes = {"status": ["unconfirmed", "confirmed"]}
    digest = (
        audit.entry_digest(prev_hash or "", at, "mallory", "claim", "c1", "status", changes)
        if honest
        else None
    )
    values = dict(
        id=row_id,
        at=at,
        actor="mallory",
        entity_type="claim",
        entity_id="c1",
        action="status",
        changes=changes,
        prev_hash=prev_hash if honest else None,
        entry_hash=digest,
    )
    _sql(ws, AuditEntry.__table__.insert().values(**values))
    return digest


@pytest.mark.parametrize("honest", [True, False], ids=["with-hashes", "without-hashes"])
def test_an_inserted_entry_is_named(workspace: Workspace, honest: bool) -> None:
    _work(workspace, 2)
    rows = _rows(workspace)
    # make room in the middle (renumbering alone changes nothing: ids are not hashed)
    _sql(workspace, text("UPDATE audit_log SET id = id + 1000 WHERE id > :i"), i=rows[3].id)
    assert _problems(workspace) == []
    forged = _forge(workspace, rows[3].id + 1, rows[3].entry_hash, honest=honest)
    [problem] = _problems(workspace)
    assert problem.kind == "audit_inserted" and problem.sha256 == (forged or "")
    assert f"entry #{rows[3].id + 1} (" in problem.detail and "mallory" in problem.detail


@pytest.mark.parametrize("honest", [True, False], ids=["with-hashes", "without-hashes"])
def test_an_entry_appended_by_hand_is_named(workspace: Workspace, honest: bool) -> None:
    _work(workspace, 1)
    rows = _rows(workspace)
    forged = _forge(workspace, rows[-1].id + 1, rows[-1].entry_hash, honest=honest)
    [problem] = _problems(workspace)
    assert problem.kind == "audit_inserted" and problem.sha256 == (forged or "")


def test_a_rewritten_chain_shows_only_against_a_published_head(workspace: Workspace) -> None:
    """What the chain cannot do alone: whoever can write the database can rebuild all of
    it. A head published earlier (a report, a bag) still catches that."""
    _work(workspace, 2)
    with workspace.db.read() as session:
        _, published = audit.chain_head(session)
    rows = _rows(workspace)
    with workspace.db.engine.begin() as conn:
        conn.execute(delete(AuditEntry.__table__).where(AuditEntry.__table__.c.id == rows[1].id))
        previous = audit.GENESIS
        for row in rows:
            if row.id == rows[1].id:
                continue
            digest = audit.entry_digest(
                previous,
                row.at,
                row.actor,
                row.entity_type,
                row.entity_id,
                row.action,
                row.changes,
            )
            conn.execute(
                update(AuditEntry.__table__)
                .where(AuditEntry.__table__.c.id == row.id)
                .values(prev_hash=previous, entry_hash=digest)
            )
            previous = digest
        conn.execute(
            update(WorkspaceInfo.__table__)
            .where(WorkspaceInfo.__table__.c.key == audit.HEAD_KEY)
            .values(value=json.dumps({"entries": len(rows) - 1, "hash": previous}))
        )
    assert _problems(workspace) == []
    [problem] = _problems(workspace, published)
    assert problem.kind == "audit_broken" and problem.sha256 == published


def test_a_lost_head_row_is_reported_and_rebuilt_by_the_next_write(workspace: Workspace) -> None:
    _work(workspace, 1)
    _sql(workspace, text("DELETE FROM workspace_info WHERE key = 'audit_head'"))
    assert [p.kind for p in _problems(workspace)] == ["audit_broken"]
    workspace.claims.create("after the loss")
    assert _problems(workspace) == []


def test_two_writers_never_fork_the_chain(workspace_dir: Path) -> None:
    """Two workspaces on one database (two desks), 50 operations each, at once."""
    desks = [Workspace(Location.of(workspace_dir), analyst=f"desk{i}") for i in range(2)]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def write(ws: Workspace) -> None:
        try:
            start.wait()
            for i in range(50):
                ws.claims.create(f"{ws.analyst} claim {i}")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(ws,)) for ws in desks]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors
        assert _problems(desks[0]) == []
        rows = _rows(desks[0])
        assert len(rows) == 100
        assert {r.actor for r in rows} == {"desk0", "desk1"}
        assert [r.prev_hash for r in rows[1:]] == [r.entry_hash for r in rows[:-1]]
    finally:
        for ws in desks:
            ws.close()


# -- old workspaces: migration 0008 --------------------------------------------------------


@pytest.fixture
def engine(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    url = (
        request.getfixturevalue("pg_schema")
        if backend == "postgresql"
        else sqlite_url(tmp_path / "old.sqlite")
    )
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_migration_chains_the_entries_already_there(engine: Engine) -> None:
    upgrade(engine, "0007")
    with engine.begin() as conn:
        for i in range(7):
            conn.execute(
                text(
                    "INSERT INTO audit_log (at, actor, entity_type, entity_id, action, changes) "
                    "VALUES (:at, :actor, 'claim', :eid, 'create', :changes)"
                ),
                {
                    "at": f"2024-05-0{i + 1} 09:30:00.{i:06d}" if i % 2 else "2024-05-01 10:00:00",
                    "actor": "rana" if i % 2 else "مراسل",
                    "eid": f"id-{i}",
                    "changes": json.dumps({"text": [None, f"claim {i} — صوران"], "n": [i, 1.5]}),
                },
            )
    upgrade(engine)
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        problems, (count, head) = audit.audit_chain_problems(session)
        assert problems == [] and count == 7 and head != audit.GENESIS
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert rows[0].prev_hash == audit.GENESIS and rows[-1].entry_hash == head
    with Session(engine) as session, session.begin():  # and new entries chain on
        audit.record(session, "tester", "case", "c", "create", {"name": [None, "x"]})
    with Session(engine) as session:
        problems, (count, _) = audit.audit_chain_problems(session)
        assert problems == [] and count == 8


def test_an_empty_workspace_has_an_empty_chain(workspace: Workspace) -> None:
    with workspace.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
        assert audit.chain_head(session) == (0, audit.GENESIS)
    assert _problems(workspace) == []


# -- published heads: reports, bags, the JSON document --------------------------------------


def test_reports_bags_and_documents_carry_the_head(workspace: Workspace, tmp_path: Path) -> None:
    create_sample_case(workspace)
    export_set = gather(workspace, ExportScope())
    with workspace.db.read() as session:
        count, head = audit.chain_head(session)
    assert (export_set.audit_entries, export_set.audit_head) == (count, head) and count > 0

    cover = {line.label: line.value for line in build_report(export_set, workspace).cover.lines}
    assert cover["Audit trail"] == f"{count} entries, chain head {head}"

    bag = tmp_path / "bag"
    export_bag(workspace, export_set, bag, zipped=False)
    info = bagit.Bag(str(bag)).info
    assert info["Audit-Chain-Head"] == head and info["Audit-Chain-Entries"] == str(count)

    document = build_document(export_set)
    assert document["audit_chain"] == {"entries": count, "head": head}
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))

    # a later copy still holds that head; a bag merged into another workspace chains on
    workspace.claims.create("later")
    assert _problems(workspace, head) == []
    other = Workspace(Location.of(tmp_path / "other"), analyst="bob")
    try:
        other.claims.create("already here")
        summary = import_bundle(other, bag)
        assert not summary.refused
        assert _problems(other) == []
        imported = [r for r in _rows(other) if r.actor != "bob"]
        assert imported and all(r.prev_hash for r in imported)
    finally:
        other.close()
