"""What goes into an export: the analyst's choice of claims, and everything known of them.

Every export (report, CSV, JSON, ClaimReview, bag) starts here: ``select_claim_ids`` turns an
:class:`ExportScope` into claim ids (SQL, oldest post first), and ``gather`` reads those
claims with their media, seen-before history and audit trail in one read transaction, as
plain values (:class:`ExportSet`) the writers format without touching the database.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import Case, Claim, ClaimTag, EventClaim, Media, Source
from workbench.base.bidi import isolate, reveal
from workbench.base.errors import Cancelled, ValidationError, WorkbenchError
from workbench.claims import audit, fields
from workbench.claims.views import AuditView, ClaimView
from workbench.library.ingest import media_view
from workbench.library.views import MediaView, NearDuplicate

if TYPE_CHECKING:
    from workbench.workspace import Workspace

#: Called with (done, total) while gathering; return nothing.
Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]


@dataclasses.dataclass(frozen=True)
class ExportScope:
    """Which claims an export holds; every condition given must hold (AND), an empty field
    does not filter. ``statuses``/``case_ids``/``source_ids``/``tags``: any of the values.
    ``posted_from`` is inclusive, ``posted_to`` exclusive (timezone-aware); ``claim_ids``:
    exactly these claims (a selection in the window), still narrowed by the rest."""

    statuses: tuple[str, ...] = ()
    case_ids: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    posted_from: datetime | None = None
    posted_to: datetime | None = None
    claim_ids: tuple[str, ...] = ()
    #: The claims of these events (a report of one event).
    event_ids: tuple[str, ...] = ()

    def describe(self, ws: Workspace) -> list[tuple[str, str]]:
        """The scope in words, for a report's cover: (label, value) pairs, cases and
        sources by name (names that could spoof shown with their bidi controls revealed,
        each name fenced in so it cannot reorder the next)."""
        out = []
        for event_id in self.event_ids:
            try:
                event = ws.events.get(event_id)
            except WorkbenchError:
                out.append(("Event", event_id))
                continue
            out.append(("Event", isolate(event.name)))
            span = " to ".join(t.isoformat() for t in (event.starts_at, event.ends_at) if t)
            details = [
                isolate(event.place) if event.place else "",
                span,
                ", ".join(isolate(a) for a in event.actors),
            ]
            if any(details):
                out.append(("Event is", " · ".join(d for d in details if d)))
        if self.claim_ids:
            out.append(("Claims", f"{len(self.claim_ids)} selected"))
        if self.statuses:
            out.append(("Status", ", ".join(self.statuses)))
        if self.case_ids:
            names = case_names(ws)
            out.append(("Cases", ", ".join(reveal(names.get(i, i)) for i in self.case_ids)))
        if self.source_ids:
            labels = source_labels(ws)
            out.append(("Sources", ", ".join(reveal(labels.get(i, i)) for i in self.source_ids)))
        if self.tags:
            out.append(("Tags", ", ".join(isolate(t) for t in self.tags)))
        if self.posted_from or self.posted_to:
            start = self.posted_from.isoformat() if self.posted_from else "…"
            end = self.posted_to.isoformat() if self.posted_to else "…"
            out.append(("Posted", f"{start} to {end} (end excluded)"))
        return out or [("Claims", "all")]


@dataclasses.dataclass(frozen=True)
class SeenBefore:
    """Where a claim's picture or video was seen before: the stored media it resembles
    (``near``, as the seen-before panel shows them) and when it was first stored."""

    media_id: str
    first_stored: datetime
    other_claim_ids: tuple[str, ...]  # other claims that use this very file
    near: tuple[NearDuplicate, ...]

    @property
    def seen(self) -> bool:
        """Met before: the very file under another claim (the strongest sign there is) or a
        stored picture or video it resembles."""
        return bool(self.other_claim_ids or self.near)


@dataclasses.dataclass(frozen=True)
class ExportClaim:
    claim: ClaimView
    media: tuple[MediaView, ...]  # in the order of ``claim.media``
    seen_before: tuple[SeenBefore, ...]  # one per media, same order
    audit: tuple[AuditView, ...]


@dataclasses.dataclass(frozen=True)
class ExportSet:
    scope: ExportScope
    exported_at: datetime
    exported_by: str
    workspace_id: str
    claims: tuple[ExportClaim, ...]
    #: The workspace's whole audit trail at export time (``audit.chain_head``): how many
    #: entries, and the newest one's hash, so a reader can check a later copy.
    audit_entries: int = 0
    audit_head: str = ""

    def originals(self) -> list[MediaView]:
        """Every included original once, in first-use order (the report's manifest)."""
        seen: dict[str, MediaView] = {}
        for item in self.claims:
            for media in item.media:
                seen.setdefault(media.sha256, media)
        return list(seen.values())


def _uuids(field: str, values: Sequence[str]) -> list[uuid.UUID]:
    out = []
    for value in values:
        try:
            out.append(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationError(field, f"{value!r} is not an id") from None
    return out


def _aware(field: str, value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationError(field, "needs a time zone")
    return value


def select_claim_ids(ws: Workspace, scope: ExportScope) -> list[str]:
    """The ids of the claims in ``scope``, by posted time (unknown last), then logged time."""
    query = select(Claim.id)
    for status in scope.statuses:
        fields.status(status)  # names the field when a status is misspelt
    if scope.statuses:
        query = query.where(Claim.status.in_(scope.statuses))
    if scope.case_ids:
        query = query.where(Claim.case_id.in_(_uuids("case", scope.case_ids)))
    if scope.source_ids:
        query = query.where(Claim.source_id.in_(_uuids("source", scope.source_ids)))
    if scope.tags:
        query = query.where(Claim.tags.any(ClaimTag.tag.in_(scope.tags)))
    posted_from = _aware("posted_from", scope.posted_from)
    posted_to = _aware("posted_to", scope.posted_to)
    if posted_from:
        query = query.where(Claim.posted_at >= posted_from)
    if posted_to:
        query = query.where(Claim.posted_at < posted_to)
    if scope.claim_ids:
        query = query.where(Claim.id.in_(_uuids("claim", scope.claim_ids)))
    if scope.event_ids:
        members = select(EventClaim.claim_id).where(
            EventClaim.event_id.in_(_uuids("event", scope.event_ids))
        )
        query = query.where(Claim.id.in_(members))
    query = query.order_by(Claim.posted_at.is_(None), Claim.posted_at, Claim.created_at)
    with ws.db.read() as session:
        return [str(i) for i in session.scalars(query)]


def gather(
    ws: Workspace,
    scope: ExportScope,
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ExportSet:
    """Everything an export writes about the claims in ``scope``, the seen-before history
    of each media included (every format carries it: one place computes it); raises
    :class:`Cancelled` between claims when ``should_cancel()`` turns true."""
    ids = select_claim_ids(ws, scope)
    items = []
    for done, claim_id in enumerate(ids, 1):
        if should_cancel is not None and should_cancel():
            raise Cancelled("export cancelled")
        claim = ws.claims.get(claim_id)
        with ws.db.read() as session:
            media = tuple(_media(session, link.media_id) for link in claim.media)
            trail = tuple(audit.history(session, uuid.UUID(claim_id)))
        seen = tuple(_seen_before(ws, claim_id, m) for m in media)
        items.append(ExportClaim(claim, media, seen, trail))
        if progress:
            progress(done, len(ids))
    with ws.db.read() as session:
        audit_entries, audit_head = audit.chain_head(session)
    return ExportSet(
        scope=scope,
        exported_at=datetime.now(UTC),
        exported_by=ws.analyst,
        workspace_id=ws.workspace_id,
        claims=tuple(items),
        audit_entries=audit_entries,
        audit_head=audit_head,
    )


def _media(session: Session, media_id: str) -> MediaView:
    row = session.get(Media, uuid.UUID(media_id))
    assert row is not None  # a link's media cannot be removed (ON DELETE RESTRICT)
    return media_view(session, row)


def _seen_before(ws: Workspace, claim_id: str, media: MediaView) -> SeenBefore:
    near = ws.media.near_duplicates(media.id)
    others = tuple(c for c in media.claim_ids if c != claim_id)
    return SeenBefore(media.id, media.acquired_at, others, near)


def case_names(ws: Workspace) -> dict[str, str]:
    with ws.db.read() as session:
        return {str(c.id): c.name for c in session.scalars(select(Case))}


def source_labels(ws: Workspace) -> dict[str, str]:
    with ws.db.read() as session:
        return {
            str(s.id): f"{s.platform}:{s.handle}" if s.platform else s.handle
            for s in session.scalars(select(Source))
        }
