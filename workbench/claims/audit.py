"""The append-only audit trail: every change to a claim, source, case or media.

Only ``record`` writes; nothing in the domain updates or deletes an entry. Entries are
written in the same transaction as the change they describe, so one never exists without
the other.

**The hash chain** (tamper evidence). Each entry stores ``entry_hash``, the SHA-256 of its
content (time, actor, entity, action, changes) together with ``prev_hash``, the
``entry_hash`` of the entry before it (``GENESIS`` for the first). Editing an entry breaks
its own hash; inserting or deleting one breaks the next entry's link; ``workbench verify``
walks the chain and names the entry (``audit_chain_problems``). The row id is not hashed:
the chain's order is its links, so renumbering alone changes nothing and hides nothing.
``workspace_info`` row ``audit_head`` holds the newest hash and the count, written with
every append, so a tail cut off is noticed too, unless whoever cut it rewrote that row as
well. Someone who can write the database can always rebuild the whole chain (the hash has no
secret): only a head published beforehand (reports and bags carry ``chain_head``) shows that.

Appends are serialised: the first ``record`` of a transaction locks the head row (PostgreSQL
``SELECT ... FOR UPDATE``; SQLite takes its write lock by touching the row first), reads it
once and keeps it on the session for the rest of the transaction, so two writers never chain
onto the same entry and a transaction costs one read and one write of the head.
"""

from __future__ import annotations

import collections
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, SessionTransaction

from storage.schema import AuditEntry, WorkspaceInfo
from workbench.claims.views import AuditView, Problem, to_jsonable

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: The ``workspace_info`` key of the chain head: JSON ``{"entries": n, "hash": h}``.
HEAD_KEY = "audit_head"
#: How far back ``verify`` looks for the entry a broken link points to.
LOOKBACK = 10_000


def entry_digest(
    prev_hash: str,
    at: datetime,
    actor: str,
    entity_type: str,
    entity_id: str,
    action: str,
    changes: Any,
) -> str:
    """The hash an entry carries: canonical JSON (sorted keys, ASCII, no spaces) of its
    fields, the time as ISO 8601 UTC with microseconds. Migration 0008 holds a copy."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    body = {
        "v": 1,
        "prev": prev_hash,
        "at": at.isoformat(timespec="microseconds"),
        "actor": actor,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "action": action,
        "changes": changes,
    }
    data = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(data.encode("ascii")).hexdigest()


@dataclass
class _Chain:
    """The head as this transaction has moved it (kept in ``session.info``)."""

    transaction: SessionTransaction
    row: WorkspaceInfo
    entries: int
    hash: str


def _head_value(entries: int, digest: str) -> str:
    return json.dumps({"entries": entries, "hash": digest})


def _parse_head(value: str) -> tuple[int, str] | None:
    try:
        raw = json.loads(value)
        return int(raw["entries"]), str(raw["hash"])
    except (ValueError, TypeError, KeyError):
        return None


def _chain(session: Session) -> _Chain:
    """This transaction's chain head, locked (read once per transaction)."""
    transaction = session.get_transaction()
    if transaction is None:  # not begun yet: begin now, as the next statement would
        transaction = session.begin()
    cached = session.info.get("audit_chain")
    if isinstance(cached, _Chain) and cached.transaction is transaction:
        return cached
    if session.get_bind().dialect.name == "sqlite":
        # The driver begins SQLite's transaction at the first write: write first, so the
        # head is read under the write lock (a read first could see a head another writer
        # is about to move).
        session.execute(
            text("UPDATE workspace_info SET value = value WHERE key = :key"), {"key": HEAD_KEY}
        )
    row = session.scalars(
        select(WorkspaceInfo)
        .where(WorkspaceInfo.key == HEAD_KEY)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    parsed = _parse_head(row.value) if row is not None else None
    if row is None or parsed is None:
        # The head row is gone or unreadable (only by hand): carry on from the newest entry;
        # ``verify`` has said so until now, and the chain itself still holds.
        last = session.scalars(
            select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
        ).first()
        count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        parsed = (count, last or GENESIS)
        if row is None:
            row = WorkspaceInfo(key=HEAD_KEY, value=_head_value(*parsed))
            session.add(row)
    chain = _Chain(transaction, row, *parsed)
    session.info["audit_chain"] = chain
    return chain


def lock_chain(session: Session) -> None:
    """Take the chain's lock now rather than at the first ``record``: a transaction that
    locks other rows (a claim ``FOR UPDATE``) and then records should call this first, so
    every writer takes the head before anything else and two never wait on each other."""
    _chain(session)


def record(
    session: Session,
    actor: str,
    entity_type: str,
    entity_id: object,
    action: str,
    changes: dict[str, tuple[Any, Any]] | dict[str, Any],
    *,
    at: datetime | None = None,
) -> None:
    """Append one entry; ``changes`` maps a field to ``(before, after)``. ``at`` is now,
    unless the entry is copied from elsewhere (a bag's trail keeps its times)."""
    chain = _chain(session)
    when = (at or datetime.now(UTC)).astimezone(UTC)
    # As the database will give it back: the hash must be of what is read later.
    stored = json.loads(json.dumps(to_jsonable(changes)))
    entity = str(entity_id)
    digest = entry_digest(chain.hash, when, actor, entity_type, entity, action, stored)
    session.add(
        AuditEntry(
            at=when,
            actor=actor,
            entity_type=entity_type,
            entity_id=entity,
            action=action,
            changes=stored,
            prev_hash=chain.hash,
            entry_hash=digest,
        )
    )
    chain.entries += 1
    chain.hash = digest
    chain.row.value = _head_value(chain.entries, digest)


def history(session: Session, entity_id: object | None = None) -> list[AuditView]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    return [
        AuditView(e.id, e.at, e.actor, e.entity_type, e.entity_id, e.action, dict(e.changes))
        for e in session.scalars(query)
    ]


def chain_head(session: Session) -> tuple[int, str]:
    """How many entries the trail holds and the newest one's hash (``GENESIS`` when empty),
    read in one statement (one snapshot): what a report or a bag publishes."""
    last = select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    count, digest = session.execute(select(func.count(AuditEntry.id), last.scalar_subquery())).one()
    return int(count), digest or GENESIS


# -- checking the chain (``workbench verify``) ---------------------------------------------


@dataclass(frozen=True)
class _Entry:
    id: int
    at: datetime
    actor: str
    entity_type: str
    entity_id: str
    action: str
    changes: Any
    prev_hash: str | None
    entry_hash: str | None

    def name(self) -> str:
        return (
            f"entry #{self.id} ({self.at.isoformat()}, {self.actor}, "
            f"{self.action} {self.entity_type} {self.entity_id})"
        )


def _entries(session: Session) -> Iterator[_Entry]:
    query = select(
        AuditEntry.id,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.entity_type,
        AuditEntry.entity_id,
        AuditEntry.action,
        AuditEntry.changes,
        AuditEntry.prev_hash,
        AuditEntry.entry_hash,
    ).order_by(AuditEntry.id)
    for row in session.execute(query.execution_options(yield_per=2000)):
        yield _Entry(*row)


def audit_chain_problems(
    session: Session, published: tuple[str, ...] = ()
) -> tuple[list[Problem], tuple[int, str]]:
    """Walk the trail in id order; the problems found, and the chain's (count, head).

    Kinds (``sha256`` holds the entry's stored hash, or "" when it has none):

    * ``audit_edited``: an entry's content no longer matches its own hash.
    * ``audit_inserted``: an entry that was not in the chain: the entry after it (or the
      recorded head) links past it to an earlier one.
    * ``audit_deleted``: an entry links to a hash no entry here has: entries are missing
      just before it (or the one before it was rewritten whole, hash and all); or the
      recorded head is a hash no entry has (entries at the end were removed).
    * ``audit_broken``: the head row is missing or unreadable, or counts other than the
      trail holds; or a hash published earlier (``published``: from a report or a bag) is
      not in the trail at all.

    An entry's problems are held back while a later link could still show it inserted
    (``LOOKBACK`` entries), so a forged entry is named once, as inserted.
    """
    problems: list[Problem] = []
    window: collections.deque[tuple[int, _Entry, list[Problem]]] = collections.deque()
    recent: collections.OrderedDict[str, int] = collections.OrderedDict({GENESIS: 0})
    wanted = set(published) - {GENESIS}
    expected, position = GENESIS, 0
    previous: _Entry | None = None

    def inserted_after(back: int) -> None:
        for at, entry, held in window:
            if at > back:
                held[:] = [
                    Problem(
                        "audit_inserted",
                        entry.entry_hash or "",
                        f"{entry.name()} was added afterwards: the chain skips it",
                    )
                ]

    for entry in _entries(session):
        position += 1
        held: list[Problem] = []
        own = entry_digest(
            entry.prev_hash or "",
            entry.at,
            entry.actor,
            entry.entity_type,
            entry.entity_id,
            entry.action,
            entry.changes,
        )
        if entry.entry_hash != own:
            held.append(
                Problem(
                    "audit_edited",
                    entry.entry_hash or "",
                    f"{entry.name()} was changed after it was written: its content no "
                    "longer matches its hash",
                )
            )
        if entry.prev_hash != expected:
            back = recent.get(entry.prev_hash or "")
            if back is not None:
                inserted_after(back)
            else:
                after = f"after {previous.name()}" if previous else "at the start of the trail"
                held.insert(
                    0,
                    Problem(
                        "audit_deleted",
                        entry.entry_hash or "",
                        f"entries are missing {after}, before {entry.name()}: it links to "
                        "a hash no entry here has (or the entry before it was rewritten)",
                    ),
                )
        window.append((position, entry, held))
        while len(window) > LOOKBACK:
            problems.extend(window.popleft()[2])
        if entry.entry_hash:
            recent[entry.entry_hash] = position
            if len(recent) > LOOKBACK:
                recent.popitem(last=False)
        wanted.discard(entry.entry_hash or "")
        previous, expected = entry, entry.entry_hash or ""

    head = session.get(WorkspaceInfo, HEAD_KEY)
    recorded = _parse_head(head.value) if head is not None else None
    tail: list[Problem] = []
    if recorded is None:
        tail.append(
            Problem(
                "audit_broken",
                "",
                "the recorded chain head (workspace_info audit_head) is missing or unreadable",
            )
        )
    else:
        entries, digest = recorded
        if digest != expected and digest in recent:
            inserted_after(recent[digest])
        elif digest != expected:
            last = previous.name() if previous else "the start of the trail"
            tail.append(
                Problem(
                    "audit_deleted",
                    digest,
                    f"entries were removed from the end: the trail ends at {last}, the "
                    f"recorded head is entry {entries} with hash {digest}",
                )
            )
        elif entries != position and not any(held for _, _, held in window) and not problems:
            # (a count off with a break already named is that break, not news)
            tail.append(
                Problem(
                    "audit_broken",
                    digest,
                    f"the recorded head counts {entries} entries, the trail holds {position}",
                )
            )
    for _, _, held in window:
        problems.extend(held)
    problems.extend(tail)
    problems.extend(
        Problem(
            "audit_broken",
            digest,
            f"the published chain head {digest} is not in this trail: entries were removed "
            "or rewritten since it was published",
        )
        for digest in sorted(wanted)
    )
    return problems, (position, expected)
