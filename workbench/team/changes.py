"""What changed in the workspace since we last looked: the team's change feed.

Several app instances share one database (a team's PostgreSQL server, or one SQLite file).
Every change writes an audit entry in its own transaction (``workbench.claims.audit``), and the
audit log's ids only grow, so "what changed since X" is one indexed query:
``audit_log.id > X``. The window asks about once a second, off the UI thread, and re-reads
what it shows when something changed. No server feature is needed (polling, not
LISTEN/NOTIFY), so it works the same on SQLite.

Only ``id``, ``entity_type``, ``entity_id`` and ``actor`` of an entry are read.

Appends are serialised by the audit chain's head lock (``workbench.claims.audit``), so ids become
visible in order; should a commit's entries ever become visible after a later id's
(PostgreSQL hands out ids before commit), the feed looks again at ids it saw missing, for
``GAP_SECONDS``.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from storage.schema import AuditEntry, Media
from workbench.library.index_store import load_media

if TYPE_CHECKING:
    from workbench.library.context import LibraryContext

#: How long an id missing between two seen ids is waited for (a transaction still open).
GAP_SECONDS = 30.0
#: A jump of more ids than this is not waited for (a restored sequence, not open work).
MAX_GAP = 1000
#: At most this many entries are read per poll; the rest come with the next one.
BATCH = 5000


@dataclass(frozen=True)
class Changes:
    """What one poll found. ``claim_ids``: claims changed (by anybody, this instance
    included); ``by_others``: those of them changed by another analyst name;
    ``other_kinds``: entity types other than claims that changed (sources, cases, media:
    rows of any claim may show them)."""

    claim_ids: frozenset[str] = frozenset()
    by_others: frozenset[str] = frozenset()
    other_kinds: frozenset[str] = frozenset()
    media_ids: frozenset[str] = field(default=frozenset(), repr=False)

    def __bool__(self) -> bool:
        return bool(self.claim_ids or self.other_kinds)


class ChangeFeed:
    """Polls the audit log for entries newer than the last one seen.

    Created when the window opens (it starts at the newest entry then). ``poll`` is safe
    to call from a worker thread; calls are serialised.
    """

    def __init__(self, workspace: LibraryContext) -> None:
        self._ws = workspace
        self._lock = threading.Lock()
        self._mark = self._newest()
        self._gaps: dict[int, float] = {}  # missing id -> when it was first missed

    @property
    def mark(self) -> int:
        """The newest audit entry id seen."""
        return self._mark

    def _newest(self) -> int:
        with self._ws.db.read() as session:
            return int(session.scalar(select(func.max(AuditEntry.id))) or 0)

    def catch_up(self) -> None:
        """Take every entry written so far as seen: the caller has just re-read what it
        shows (after its own import, say), so those entries are not news, and its own
        bag's entries are not announced as colleagues' changes. Media they name are not
        taught to the index: this instance stored them itself."""
        newest = self._newest()
        with self._lock:
            self._mark = max(self._mark, newest)

    def poll(self) -> Changes:
        """Entries written since the last poll (by this or any other instance)."""
        with self._lock:
            now = time.monotonic()
            self._gaps = {i: t for i, t in self._gaps.items() if now - t < GAP_SECONDS}
            wanted = AuditEntry.id > self._mark
            if self._gaps:
                wanted = wanted | AuditEntry.id.in_(list(self._gaps))
            query = (
                select(AuditEntry.id, AuditEntry.entity_type, AuditEntry.entity_id)
                .add_columns(AuditEntry.actor)
                .where(wanted)
                .order_by(AuditEntry.id)
                .limit(BATCH)
            )
            with self._ws.db.read() as session:
                rows = session.execute(query).all()
            claims: set[str] = set()
            others: set[str] = set()
            kinds: set[str] = set()
            media: set[str] = set()
            for entry_id, entity_type, entity_id, actor in rows:
                self._gaps.pop(entry_id, None)
                if entry_id > self._mark:
                    if entry_id - self._mark <= MAX_GAP:
                        self._gaps.update((i, now) for i in range(self._mark + 1, entry_id))
                    self._mark = entry_id
                if entity_type == "claim":
                    claims.add(entity_id)
                    if actor != self._ws.analyst:
                        others.add(entity_id)
                else:
                    kinds.add(entity_type)
                    if entity_type == "media":
                        media.add(entity_id)
        if media:
            self._sync_index(media)
        return Changes(frozenset(claims), frozenset(others), frozenset(kinds), frozenset(media))

    def _sync_index(self, media_ids: set[str]) -> None:
        """Teach this instance's in-memory picture index the media another instance
        stored (and forget the ones it removed), so "seen before" sees the team's media.
        A media already in the index is left alone (this instance stored it)."""
        index = self._ws.index
        keys = set()
        for media_id in media_ids:
            try:
                keys.add(uuid.UUID(media_id))
            except ValueError:
                continue
        with self._ws.db.read() as session:
            stored = set(session.scalars(select(Media.id).where(Media.id.in_(keys))))
        for key in keys - stored:
            index.remove(key)
        load_media(self._ws, index, [key for key in stored if key not in index])
