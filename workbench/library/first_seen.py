"""First seen: the earliest claim a picture (or a near copy of it) appears in.

The claims that use the file itself and those that use any stored media it resembles (its
near duplicates, as the seen-before answer finds them) are its appearances; the first is
the one posted earliest (a claim whose post time is unknown counts by when it was logged,
after every dated one). "first seen 2015-06-03 14:10 UTC, @handle, 4 later copies": what
an analyst checks a "new" picture against.

Uses ``storage`` (claims and their sources, in one read).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from storage.schema import Claim, ClaimMedia, Source
from workbench.base.bidi import reveal
from workbench.library.views import NearDuplicate

if TYPE_CHECKING:
    from typing import Protocol

    from workbench.library.context import LibraryContext
    from workbench.library.ingest import MediaService

    class FirstSeenContext(LibraryContext, Protocol):
        @property
        def media(self) -> MediaService: ...


@dataclass(frozen=True)
class FirstSeen:
    claim_id: str
    at: datetime  # the post's time, else when the claim was logged
    dated: bool  # ``at`` is the post's time
    handle: str  # the source's handle ("" without one)
    later: int  # the other appearances: claims of the file or of a near copy

    def sentence(self) -> str:
        when = self.at.strftime("%Y-%m-%d %H:%M UTC")
        when = when if self.dated else f"logged {when} (post time unknown)"
        who = f", {reveal(self.handle)}" if self.handle else ""  # a handle cannot spoof
        copies = (
            f", {self.later} later cop{'y' if self.later == 1 else 'ies'}" if self.later else ""
        )
        return f"first seen {when}{who}{copies}"


def first_seen(
    ws: FirstSeenContext, media_id: str, near: Iterable[NearDuplicate] | None = None
) -> FirstSeen | None:
    """The first appearance of the file or a near copy (``near``: its near duplicates,
    when the caller has them); None when no claim uses any of them."""
    if near is None:
        near = ws.media.near_duplicates(media_id)
    media_ids = {uuid.UUID(media_id), *(uuid.UUID(n.media_id) for n in near)}
    with ws.db.read() as session:
        rows = session.execute(
            select(Claim.id, Claim.posted_at, Claim.created_at, Source.handle)
            .join(ClaimMedia, ClaimMedia.claim_id == Claim.id)
            .outerjoin(Source, Source.id == Claim.source_id)
            .where(ClaimMedia.media_id.in_(media_ids))
            .distinct()
        ).all()
    if not rows:
        return None
    first = min(rows, key=lambda r: (r.posted_at is None, r.posted_at or r.created_at, str(r.id)))
    return FirstSeen(
        str(first.id),
        first.posted_at or first.created_at,
        first.posted_at is not None,
        first.handle or "",
        len({r.id for r in rows}) - 1,
    )
