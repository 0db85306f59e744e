"""``verify``: are the originals intact, do the database and the media folder agree, and is
the audit trail's hash chain whole (``workbench.claims.audit.audit_chain_problems``)?"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import select

from storage.mediastore import sha256_file
from storage.schema import Media, MediaHash
from workbench.claims import audit
from workbench.claims.views import Problem

if TYPE_CHECKING:
    from workbench.library.context import LibraryContext


class Verifier:
    def __init__(self, workspace: LibraryContext) -> None:
        self._ws = workspace
        #: The audit chain as the last ``run`` found it: (entries, head hash).
        self.audit_head: tuple[int, str] = (0, audit.GENESIS)

    def run(
        self,
        progress: Callable[[int, int], None] | None = None,
        *,
        published_heads: tuple[str, ...] = (),
    ) -> list[Problem]:
        """Re-hash every stored original and check both directions:
        each row has its file with the right bytes, each file has its row; then walk the
        audit trail's hash chain (``published_heads``: chain heads from earlier reports or
        bags, each must still be in it)."""
        store = self._ws.store
        with self._ws.db.read() as session:
            rows = session.execute(select(Media.sha256, Media.kind, Media.low_information)).all()
            hashed = set(session.scalars(select(Media.sha256).join(MediaHash)).all())
        problems: list[Problem] = []
        known = set()
        for done, (sha256, kind, flat) in enumerate(rows, start=1):
            known.add(sha256)
            path = store.path_for(sha256)
            if not path.is_file():
                problems.append(Problem("missing_file", sha256, f"{path} is missing"))
            else:
                actual = sha256_file(path)
                if actual != sha256:
                    problems.append(
                        Problem("hash_mismatch", sha256, f"{path} now hashes to {actual}")
                    )
            if sha256 not in hashed and not flat:  # a flat picture is kept out on purpose
                problems.append(Problem("missing_hashes", sha256, f"{kind} has no perceptual hash"))
            if progress is not None:
                progress(done, len(rows))
        committing = store.pending_shas()  # a running ingest's original, row not yet in
        for sha256 in store.iter_shas():
            if sha256 not in known and sha256 not in committing:
                problems.append(
                    Problem("orphan_file", sha256, f"{store.path_for(sha256)} has no database row")
                )
        with self._ws.db.read() as session:
            found, self.audit_head = audit.audit_chain_problems(session, published_heads)
        problems.extend(found)
        return problems
