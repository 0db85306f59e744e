"""Merging a checked bag's claims into the workspace.

**Merge rule** (one rule, easy to explain):

* A claim is the same claim when its id (UUID) is the same. New ids are added with their
  fields, times and audit trail.
* When a claim is here already and its content differs (any field, actors, tags, case,
  source, a link's role), the version with the later ``updated_at`` wins. If the bag's is
  later its values are written and the values they replace are kept in an audit entry
  ``merge``; otherwise this workspace's stay and the bag's values are kept in an entry
  ``merge_kept``. Both entries map each field to ``(this workspace's value, the bag's
  value)``. Every such claim is listed in ``conflicts``: without a common ancestor the
  workbench cannot tell "edited on both sides" from "edited on one", so it shows all.
* Media links only ever add up (the workbench has no "detach"): links new in the bag are
  added whichever side wins, to originals present here.
* A finding on an original (``workbench.claims.findings``) is taken when this workspace has none,
  or a different one set earlier; a difference is listed in ``conflicts``.
* A checklist step set in the bag is taken when it is not set here, or set differently
  earlier; a difference is listed in ``conflicts``.
* Events are the same event when their id is: a new one is added; one here takes the
  bag's fields when the bag's were changed later (listed either way); claims join events
  and never leave them through a merge.
* Relations between claims (``workbench.claims.relations.RelationService.merge_in``) add up too:
  a pair not related here gets the bag's relation; a pair related differently keeps the
  later one and is listed in ``conflicts``; one removed on the other side stays here.
* An original is the same original when its SHA-256 is: stored once, through
  ``MediaService.ingest`` (hashed, indexed, "seen before" like any other file), then given
  the bag's name and acquisition record (who, when, from where: the chain of custody), the
  replaced values audited. A bare JSON export has no originals: those missing here are
  listed in ``skipped`` and their links left out.
* Sources are matched by (platform, handle), cases by name; a new one is created with the
  bag's values, a matched one keeps this workspace's values and any difference is listed
  in ``conflicts``.
* The bag's audit entries are inserted as they were (actor, time, action, changes), except
  those already here (same entity, time, actor and action), so importing twice adds
  nothing; media entries only for originals this import added, under their id here.

Originals are stored first (ingest commits one file at a time); then sources, cases, claims,
links and audit entries are written in one transaction. If that transaction fails, or Cancel
comes while originals are being stored, the originals stored so far stay as unlinked
originals (harmless: a later import links them) and no claim changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from storage.schema import AuditEntry, Case, Claim, ClaimActor, ClaimMedia, ClaimTag, Media, Source
from workbench.claims import audit
from workbench.claims.sources import find_or_create_case, find_or_create_source
from workbench.claims.views import ImportIssue, ImportSummary
from workbench.exchange.bag_format import Report, ShouldCancel
from workbench.exchange.interchange import CLAIM_SCALARS
from workbench.exchange.interchange_reader import Document, InAudit, InClaim, InSource
from workbench.library.views import IngestStatus

if TYPE_CHECKING:
    from workbench.workspace import Workspace


def _show(value: Any) -> str:
    text = value.isoformat() if isinstance(value, datetime) else repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


class Merge:
    """One import's merge: originals first, then everything else in one transaction."""

    def __init__(
        self,
        ws: Workspace,
        doc: Document,
        media_dir: Path | None,
        progress: Report | None,
        should_cancel: ShouldCancel | None,
    ) -> None:
        self.ws, self.doc, self.media_dir = ws, doc, media_dir
        self.progress, self.should_cancel = progress, should_cancel
        self.actor = ws.analyst
        self.local: dict[str, uuid.UUID] = {}  # sha256 -> media id here
        self.new_media: dict[str, uuid.UUID] = {}  # originals this import stored
        self.skipped: list[ImportIssue] = []
        self.conflicts: list[ImportIssue] = []
        self.added: list[str] = []
        self.merged: list[str] = []
        self.trails: dict[tuple[str, str], list[InAudit]] = {}
        for entry in doc.audit:
            self.trails.setdefault((entry.entity_type, entry.entity_id), []).append(entry)
        self.origin = f"workspace {doc.workspace_id}, exported by {doc.exported_by} at " + (
            doc.exported_at.isoformat()
        )

    def run(self, path: str, kind: str) -> ImportSummary:
        existing = self._find_local(list(self.doc.media))
        self.local.update(existing)
        for sha, media_id in self._left_unadopted(existing).items():
            self.new_media[sha] = media_id  # adopted below, as if this import stored it
            del existing[sha]
        cancelled = self._store_originals()
        if cancelled:
            return ImportSummary(
                path,
                kind,
                media_added=len(self.new_media),
                media_existing=len(existing),
                refused=f"cancelled while storing originals: {len(self.new_media)} stored, "
                "no claim imported; import the bag again to finish",
            )
        if self.progress is not None:
            self.progress("claims", 0, len(self.doc.claims))
        with self.ws.db.transaction() as session:
            self._adopt_new_media(session)
            self._merge_findings(session)
            sources = {i: self._source(session, s) for i, s in self.doc.sources.items()}
            cases = {
                i: self._case(session, c.name, c.description) for i, c in self.doc.cases.items()
            }
            for done, claim in enumerate(self.doc.claims, 1):
                case_id = cases[claim.case_id] if claim.case_id else None
                source_id = sources[claim.source_id] if claim.source_id else None
                self._claim(session, claim, case_id, source_id)
                if self.progress is not None:
                    self.progress("claims", done, len(self.doc.claims))
            merged = self.ws.relations.merge_in(session, self.doc.relations, self.origin)
            merged += self.ws.checklist.merge_in(session, list(self.doc.checks), self.origin)
            merged += self.ws.events.merge_in(session, self.doc.events, self.origin)
            self.conflicts += [ImportIssue(what, why) for what, why in merged]
        return ImportSummary(
            path,
            kind,
            added=tuple(self.added),
            merged=tuple(self.merged),
            skipped=tuple(self.skipped),
            conflicts=tuple(self.conflicts),
            media_added=len(self.new_media),
            media_existing=len(existing),
        )

    # -- originals -----------------------------------------------------------------------

    def _find_local(self, shas: list[str]) -> dict[str, uuid.UUID]:
        found: dict[str, uuid.UUID] = {}
        with self.ws.db.read() as session:
            for start in range(0, len(shas), 500):
                part = shas[start : start + 500]
                query = select(Media.sha256, Media.id).where(Media.sha256.in_(part))
                found.update({sha: media_id for sha, media_id in session.execute(query)})
        return found

    def _left_unadopted(self, existing: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
        """Originals an import of a bag stored but never adopted: the process was killed
        (or the claims' transaction failed) after ingest committed them. Ingest named each
        after its file in the unpacked bag (its SHA-256) and recorded that folder, in the
        store's ``tmp/``, as where it came from; this import gives them the bag's record."""
        if not existing:
            return {}
        unpacked = self.ws.store.tmp.resolve()
        found: dict[str, uuid.UUID] = {}
        with self.ws.db.read() as session:
            ids = list(existing.values())
            for start in range(0, len(ids), 500):
                query = select(Media.sha256, Media.id, Media.original_name, Media.acquired_from)
                for sha, media_id, name, origin in session.execute(
                    query.where(Media.id.in_(ids[start : start + 500]))
                ):
                    if name == sha and origin and Path(origin).is_relative_to(unpacked):
                        found[sha] = media_id
        return found

    def _store_originals(self) -> bool:
        """Ingest the originals not here yet; True when cancelled part way."""
        missing = [sha for sha in self.doc.media if sha not in self.local]
        if not missing:
            return False
        if self.media_dir is None:
            for sha in missing:
                self.skipped.append(
                    self._absent(
                        sha,
                        "not in this workspace, and a JSON export carries no originals "
                        "(import the bag to bring it)",
                    )
                )
            return False
        progress = self.progress

        def each(done: int, total: int, _result: Any) -> None:
            if progress is not None:
                progress("media", done, total)

        paths = [self.media_dir / sha for sha in missing]
        results = self.ws.media.ingest(paths, progress=each, should_cancel=self.should_cancel)
        for sha, result in zip(missing, results, strict=False):
            if result.status is IngestStatus.ERROR or result.media is None:
                self.skipped.append(self._absent(sha, f"not stored: {result.error}"))
            elif result.status is IngestStatus.ADDED:
                self.new_media[sha] = uuid.UUID(result.media.id)
            if result.media is not None:
                self.local.setdefault(sha, uuid.UUID(result.media.id))
        return len(results) < len(paths)

    def _absent(self, sha: str, why: str) -> ImportIssue:
        """An original that is not here: why, and the claims whose link to it is left out."""
        users = [c.id for c in self.doc.claims if any(m.sha256 == sha for m in c.media)]
        name = self.doc.media[sha].original_name
        left_out = f"; left out of claim {', '.join(users)}" if users else ""
        return ImportIssue(f"media {sha} ({name})", why + left_out)

    def _adopt_new_media(self, session: Session) -> None:
        """An original this import stored takes the bag's name and acquisition record (the
        chain of custody) and its audit trail; ingest's values are kept in the audit."""
        for sha, media_id in self.new_media.items():
            incoming = self.doc.media[sha]
            row = session.get(Media, media_id)
            if row is None:
                continue
            changes: dict[str, Any] = {"imported_from": (None, self.origin)}
            for name in ("original_name", "acquired_at", "acquired_from", "acquired_by"):
                value = getattr(incoming, name)
                if getattr(row, name) != value:
                    changes[name] = (getattr(row, name), value)
                    setattr(row, name, value)
            self._insert_trail(session, self.trails.get(("media", incoming.id), []), media_id)
            audit.record(session, self.actor, "media", media_id, "import", changes)

    def _merge_findings(self, session: Session) -> None:
        """The bag's findings on the originals here (``FindingService.merge_in``)."""
        for sha, incoming in self.doc.media.items():
            row = session.get(Media, self.local[sha]) if sha in self.local else None
            if row is None or incoming.finding is None:
                continue
            settled = self.ws.findings.merge_in(session, row, incoming.finding, self.origin)
            if settled:
                self.conflicts.append(
                    ImportIssue(f"media {sha} ({incoming.original_name})", settled)
                )

    # -- sources and cases ---------------------------------------------------------------

    def _source(self, session: Session, incoming: InSource) -> uuid.UUID:
        existing = session.scalar(
            select(Source).where(
                Source.platform == incoming.platform, Source.handle == incoming.handle
            )
        )
        if existing is None:
            created = find_or_create_source(
                session,
                self.actor,
                incoming.platform,
                incoming.handle,
                display_name=incoming.display_name,
                url=incoming.url,
                affiliation=incoming.affiliation,
                reliability=incoming.reliability,
            )
            if incoming.notes:
                created.notes = incoming.notes
                audit.record(
                    session,
                    self.actor,
                    "source",
                    created.id,
                    "update",
                    {"notes": ("", incoming.notes)},
                )
            return created.id
        names = ("display_name", "url", "affiliation", "reliability", "notes")
        differ = [n for n in names if getattr(existing, n) != getattr(incoming, n)]
        if differ:
            label = (
                f"{incoming.platform}:{incoming.handle}" if incoming.platform else incoming.handle
            )
            detail = ", ".join(
                f"{n} {_show(getattr(existing, n))} here, {_show(getattr(incoming, n))} in the bag"
                for n in differ
            )
            self.conflicts.append(
                ImportIssue(f"source {label}", f"matched; this workspace's values kept: {detail}")
            )
        return existing.id

    def _case(self, session: Session, name: str, description: str) -> uuid.UUID:
        existing = session.scalar(select(Case).where(Case.name == name))
        if existing is not None:
            return existing.id
        case = find_or_create_case(session, self.actor, name)
        if description:
            case.description = description
            audit.record(
                session, self.actor, "case", case.id, "update", {"description": ("", description)}
            )
        return case.id

    # -- claims --------------------------------------------------------------------------

    def _claim(
        self,
        session: Session,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        claim_id = uuid.UUID(incoming.id)
        row = session.get(Claim, claim_id)
        self._insert_trail(session, self.trails.get(("claim", incoming.id), []), claim_id)
        if row is None:
            self._create(session, incoming, case_id, source_id)
            self.added.append(incoming.id)
        else:
            self._update(session, row, incoming, case_id, source_id)
            self.merged.append(incoming.id)

    def _create(
        self,
        session: Session,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        row = Claim(
            id=uuid.UUID(incoming.id),
            case_id=case_id,
            source_id=source_id,
            created_at=incoming.created_at,
            updated_at=incoming.updated_at,
            **incoming.values,
        )
        row.actors = [ClaimActor(name=n, position=i) for i, n in enumerate(incoming.actors)]
        row.tags = [ClaimTag(tag=t, position=i) for i, t in enumerate(incoming.tags)]
        session.add(row)
        session.flush()
        changes: dict[str, Any] = {"imported_from": (None, self.origin)}
        changes.update({k: (None, v) for k, v in incoming.values.items() if v not in (None, "")})
        for name in ("actors", "tags"):
            if getattr(incoming, name):
                changes[name] = (None, list(getattr(incoming, name)))
        changes.update(self._link(session, row.id, incoming, {}, incoming_wins=True))
        audit.record(session, self.actor, "claim", row.id, "import", changes)

    def _update(
        self,
        session: Session,
        row: Claim,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
    ) -> None:
        here = self._state(session, row)
        there = dict(incoming.values)
        there["actors"], there["tags"] = list(incoming.actors), list(incoming.tags)
        there["case"] = self._case_name(session, case_id)
        there["source"] = self._source_label(session, source_id)
        differ = {k: (here[k], there[k]) for k in here if here[k] != there[k]}
        links = {link.media_id: link for link in row.links}
        roles = self._role_changes(incoming, links)
        wins = incoming.updated_at > row.updated_at
        if differ or roles:
            if wins:
                self._apply(row, incoming, case_id, source_id, differ)
            changes: dict[str, Any] = {"imported_from": (None, self.origin)}
            changes.update({k: (_plain(a), _plain(b)) for k, (a, b) in differ.items()})
            changes.update(roles)
            changes.update(self._link(session, row.id, incoming, links, incoming_wins=wins))
            audit.record(
                session, self.actor, "claim", row.id, "merge" if wins else "merge_kept", changes
            )
            self.conflicts.append(self._conflict(row, incoming, [*differ, *roles], wins))
        else:
            added = self._link(session, row.id, incoming, links, incoming_wins=False)
            if added:
                changes = {"imported_from": (None, self.origin), **added}
                audit.record(session, self.actor, "claim", row.id, "merge", changes)

    def _apply(
        self,
        row: Claim,
        incoming: InClaim,
        case_id: uuid.UUID | None,
        source_id: uuid.UUID | None,
        differ: dict[str, tuple[Any, Any]],
    ) -> None:
        """The bag's version wins: write its values (the caller audits what they replace)."""
        for name, value in incoming.values.items():
            if name in differ:
                setattr(row, name, value)
        if "actors" in differ:
            row.actors.clear()
            _session_of(row).flush()
            row.actors.extend(ClaimActor(name=n, position=i) for i, n in enumerate(incoming.actors))
        if "tags" in differ:
            row.tags.clear()
            _session_of(row).flush()
            row.tags.extend(ClaimTag(tag=t, position=i) for i, t in enumerate(incoming.tags))
        row.case_id, row.source_id = case_id, source_id
        row.updated_at = incoming.updated_at

    def _conflict(self, row: Claim, incoming: InClaim, names: list[str], wins: bool) -> ImportIssue:
        when = (
            f"updated {incoming.updated_at.isoformat()} in the bag, "
            f"{'earlier' if wins else row.updated_at.isoformat()} here"
        )
        if wins:
            message = (
                f"differs in {', '.join(names)}; the bag's version is later ({when}) and was "
                "taken; this workspace's values are kept in the audit trail (merge)"
            )
        else:
            message = (
                f"differs in {', '.join(names)}; this workspace's version is as recent or later "
                f"({when}) and was kept; the bag's values are in the audit trail (merge_kept)"
            )
        return ImportIssue(f"claim {incoming.id}", message)

    def _state(self, session: Session, row: Claim) -> dict[str, Any]:
        state = {name: getattr(row, name) for name in CLAIM_SCALARS}
        for name in _TEXTS:
            state[name] = state[name] or ""
        state["actors"] = [a.name for a in row.actors]
        state["tags"] = [t.tag for t in row.tags]
        state["case"] = self._case_name(session, row.case_id)
        state["source"] = self._source_label(session, row.source_id)
        return state

    @staticmethod
    def _case_name(session: Session, case_id: uuid.UUID | None) -> str | None:
        case = session.get(Case, case_id) if case_id else None
        return case.name if case else None

    @staticmethod
    def _source_label(session: Session, source_id: uuid.UUID | None) -> str | None:
        source = session.get(Source, source_id) if source_id else None
        if source is None:
            return None
        return f"{source.platform}:{source.handle}" if source.platform else source.handle

    def _role_changes(
        self, incoming: InClaim, links: dict[uuid.UUID, ClaimMedia]
    ) -> dict[str, tuple[str, str]]:
        out = {}
        for link in incoming.media:
            media_id = self.local.get(link.sha256)
            here = links.get(media_id) if media_id else None
            if here is not None and here.role != link.role:
                out[f"media {link.sha256[:12]}"] = (here.role, link.role)
        return out

    def _link(
        self,
        session: Session,
        claim_id: uuid.UUID,
        incoming: InClaim,
        links: dict[uuid.UUID, ClaimMedia],
        *,
        incoming_wins: bool,
    ) -> dict[str, Any]:
        """Add the bag's links missing here; when the bag wins, take its roles too."""
        changes: dict[str, Any] = {}
        for link in incoming.media:
            media_id = self.local.get(link.sha256)
            if media_id is None:  # listed in ``skipped`` with the original
                continue
            here = links.get(media_id)
            if here is None:
                session.add(
                    ClaimMedia(
                        claim_id=claim_id, media_id=media_id, role=link.role, added_by=self.actor
                    )
                )
                changes[f"media {link.sha256[:12]}"] = (None, f"{link.sha256} as {link.role}")
            elif incoming_wins and here.role != link.role:
                here.role = link.role
        session.flush()
        return changes

    def _insert_trail(self, session: Session, trail: list[InAudit], entity_id: uuid.UUID) -> None:
        """The bag's entries for one record, as they were, less those already here."""
        if not trail:
            return
        known = {
            (e.at, e.actor, e.action)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.entity_id == str(entity_id))
            )
        }
        for entry in trail:
            if (entry.at, entry.actor, entry.action) in known:
                continue
            # chained onto this workspace's trail, with the bag's time and actor
            audit.record(
                session,
                entry.actor,
                entry.entity_type,
                entity_id,
                entry.action,
                entry.changes,
                at=entry.at,
            )
            known.add((entry.at, entry.actor, entry.action))


_TEXTS = tuple(
    n
    for n in CLAIM_SCALARS
    if n not in ("posted_at", "observed_at", "latitude", "longitude", "credibility", "decided_at")
)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _session_of(row: Any) -> Session:
    session = object_session(row)
    assert session is not None  # rows handled here always belong to the merge's session
    return session
