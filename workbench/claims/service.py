"""Claims: log, edit, decide, attach media, remove. One transaction per operation.

The rules live here, not in the widgets: a verdict of ``confirmed`` or ``refuted`` needs a
rationale; every change is written to the audit trail in the same transaction; an edit
based on an old version is refused (optimistic locking); removing a claim never removes an
original that another claim still uses.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from storage.schema import AuditEntry, Case, Claim, ClaimActor, ClaimMedia, ClaimTag, Media, Source
from workbench.base.errors import ConflictError, NotFoundError, ValidationError
from workbench.claims import audit, fields, findings
from workbench.claims.sources import (
    case_view,
    find_or_create_case,
    find_or_create_source,
    source_view,
)
from workbench.claims.views import AuditView, CaseView, ClaimView, LinkedMedia, SourceView

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext

#: Fields an edit may change, with their checks. Status has its own operation.
_SCALARS: dict[str, Any] = {
    "text": lambda v: fields.text("text", v, required=True),
    "summary": lambda v: fields.text("summary", v, max_len=200),
    "original_text": lambda v: fields.text("original_text", v),
    "original_language": fields.language,
    "translation": lambda v: fields.text("translation", v),
    "post_url": lambda v: fields.url("post_url", v),
    "posted_at": lambda v: fields.instant("posted_at", v),
    "observed_at": lambda v: fields.instant("observed_at", v),
    "place_name": lambda v: fields.text("place_name", v, max_len=200),
    "latitude": lambda v: fields.coordinate("latitude", v, 90),
    "longitude": lambda v: fields.coordinate("longitude", v, 180),
    "location_precision": fields.precision,
    "credibility": fields.credibility,
    "notes": lambda v: fields.text("notes", v),
}
EDITABLE = (*_SCALARS, "actors", "tags", "source_id", "case_id")


#: How many of the other analysts' changes a conflict message names (the newest).
CONFLICT_ENTRIES = 5
#: Fields a conflict message leaves out: who and when are said already.
_UNNAMED = frozenset({"decided_by", "decided_at"})


def _after(change: Any) -> Any:
    """The new value of an audit entry's ``[before, after]`` pair."""
    return change[1] if isinstance(change, list | tuple) and len(change) == 2 else change


def _names(session: Session, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Readable names of the sources and cases the entries set (ids otherwise)."""
    names: dict[str, str] = {}
    for changes in entries:
        for field, model in (("source_id", Source), ("case_id", Case)):
            value = _after(changes.get(field)) if field in changes else None
            if not value or value in names:
                continue
            try:
                row = session.get(model, uuid.UUID(str(value)))
            except ValueError:
                continue
            if isinstance(row, Source):
                names[value] = f"{row.platform} {row.handle}"
            elif isinstance(row, Case):
                names[value] = row.name
    return names


def _described(changes: dict[str, Any], names: dict[str, str]) -> str:
    """``text → “new text”, tags → “a, b”``: each field with the value it was given."""
    parts = []
    for field, change in changes.items():
        if field in _UNNAMED:
            continue
        value = _after(change)
        if value is None or value == "" or value == []:
            shown = "(empty)"
        elif isinstance(value, list):
            shown = "“" + ", ".join(str(v) for v in value) + "”"
        else:
            text = " ".join(
                str(names.get(value, value) if isinstance(value, str) else value).split()
            )
            shown = "“" + (text if len(text) <= 80 else text[:79].rstrip() + "…") + "”"
        parts.append(f"{field.replace('_', ' ')} → {shown}")
    return ", ".join(parts)


_parse_id = fields.ident


class ClaimService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    @property
    def _actor(self) -> str:
        return self._ws.analyst

    # -- reading -------------------------------------------------------------------------

    def get(self, claim_id: str | uuid.UUID) -> ClaimView:
        with self._ws.db.read() as session:
            return self._view(session, self._load(session, claim_id))

    def find(
        self,
        *,
        status: str | None = None,
        case_id: str | None = None,
        source_id: str | None = None,
        tag: str | None = None,
        actor: str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[ClaimView]:
        query = select(Claim).order_by(Claim.created_at, Claim.id)
        if status:
            query = query.where(Claim.status == fields.status(status))
        if case_id:
            query = query.where(Claim.case_id == _parse_id("case", case_id))
        if source_id:
            query = query.where(Claim.source_id == _parse_id("source", source_id))
        if tag:
            query = query.where(Claim.tags.any(ClaimTag.tag == tag))
        if actor:
            query = query.where(Claim.actors.any(ClaimActor.name == actor))
        if text:
            pattern = f"%{text}%"
            query = query.where(
                or_(
                    Claim.text.ilike(pattern),
                    Claim.translation.ilike(pattern),
                    Claim.original_text.ilike(pattern),
                    Claim.notes.ilike(pattern),
                )
            )
        if limit:
            query = query.limit(limit)
        with self._ws.db.read() as session:
            return [self._view(session, claim) for claim in session.scalars(query)]

    def list_sources(self) -> list[SourceView]:
        """Every source, by platform then handle (the editor's source picker)."""
        query = select(Source).order_by(Source.platform, Source.handle)
        with self._ws.db.read() as session:
            return [source_view(source) for source in session.scalars(query)]

    def list_cases(self) -> list[CaseView]:
        """Every case, by name (the editor's case picker)."""
        query = select(Case).order_by(func.lower(Case.name), Case.name)
        with self._ws.db.read() as session:
            return [case_view(case) for case in session.scalars(query)]

    def history(self, claim_id: str | uuid.UUID) -> list[AuditView]:
        with self._ws.db.read() as session:
            return audit.history(session, _parse_id("claim", claim_id))

    # -- writing -------------------------------------------------------------------------

    def create(
        self,
        text: str,
        *,
        case: str | None = None,
        source: tuple[str, str] | None = None,
        source_reliability: str | None = None,
        claim_id: str | None = None,
        **values: Any,
    ) -> ClaimView:
        """Log a new claim. ``case`` is a case name (created if new); ``source`` is
        ``(platform, handle)`` (created if new); other keywords are fields in ``EDITABLE``.
        ``claim_id`` gives the new claim a known id (a redo logs the claim it undid)."""
        with self._ws.db.transaction() as session:
            new_id = uuid.uuid4() if claim_id is None else uuid.UUID(claim_id)
            claim = Claim(id=new_id, text=fields.text("text", text, required=True))
            changes = self._apply(session, claim, values)
            changes["text"] = (None, claim.text)
            if case:
                claim.case_id = find_or_create_case(session, self._actor, case).id
                changes["case_id"] = (None, claim.case_id)
            if source:
                found = find_or_create_source(
                    session, self._actor, source[0], source[1], reliability=source_reliability
                )
                claim.source_id = found.id
                changes["source_id"] = (None, found.id)
            session.add(claim)
            session.flush()
            audit.record(session, self._actor, "claim", claim.id, "create", changes)
            session.flush()
            return self._view(session, claim)

    def create_case(self, name: str) -> CaseView:
        """The case of this name, created (and audited) if new."""
        with self._ws.db.transaction() as session:
            return case_view(find_or_create_case(session, self._actor, name))

    def create_source(
        self,
        platform: str,
        handle: str,
        *,
        display_name: str = "",
        reliability: str | None = None,
    ) -> SourceView:
        """The source with this platform and handle, created (and audited) if new."""
        with self._ws.db.transaction() as session:
            source = find_or_create_source(
                session,
                self._actor,
                platform,
                handle,
                display_name=display_name,
                reliability=reliability,
            )
            return source_view(source)

    def update(
        self, claim_id: str | uuid.UUID, expected_version: int | None = None, **values: Any
    ) -> ClaimView:
        """Change fields of a claim. With ``expected_version``, a claim changed by somebody
        else since it was read is refused with :class:`ConflictError`."""
        unknown = set(values) - set(EDITABLE)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not a field that can be edited")
        return self._write(claim_id, expected_version, lambda s, c: self._apply(s, c, values))

    def set_status(
        self,
        claim_id: str | uuid.UUID,
        status: str,
        rationale: str = "",
        expected_version: int | None = None,
    ) -> ClaimView:
        status = fields.status(status)
        rationale = fields.text("rationale", rationale)
        if status in ("confirmed", "refuted") and not rationale:
            raise ValidationError("rationale", f"a claim marked {status} needs a rationale")

        def change(_session: Session, claim: Claim) -> dict[str, tuple[Any, Any]]:
            now = datetime.now(UTC)
            before = (claim.status, claim.rationale, claim.decided_by, claim.decided_at)
            claim.status, claim.rationale = status, rationale
            claim.decided_by, claim.decided_at = self._actor, now
            after = (status, rationale, self._actor, now)
            names = ("status", "rationale", "decided_by", "decided_at")
            return {n: (b, a) for n, b, a in zip(names, before, after, strict=True) if b != a}

        return self._write(claim_id, expected_version, change, action="status")

    def attach_media(
        self, claim_id: str | uuid.UUID, media_id: str, role: str = "claim_media"
    ) -> ClaimView:
        role = fields.role(role)
        return self._write(
            claim_id, None, lambda s, c: self._link(s, c, media_id, role), action="attach"
        )

    def delete(self, claim_id: str | uuid.UUID, expected_version: int | None = None) -> None:
        """Remove a claim. Its media stay in the library (they are still "seen before"; the
        library's ``purge.delete_claim`` removes those no other claim uses). With
        ``expected_version``, a claim changed since it was read is refused
        (:class:`ConflictError`)."""
        with self._ws.db.transaction() as session:
            self.remove(session, claim_id, expected_version)

    def remove(
        self, session: Session, claim_id: str | uuid.UUID, expected_version: int | None = None
    ) -> list[uuid.UUID]:
        """``delete`` inside the caller's transaction; the ids of the media it was linked to."""
        audit.lock_chain(session)  # the chain first, then the row: as every writer does
        claim = self._load(session, claim_id, lock=expected_version is not None)
        if expected_version is not None and claim.version != expected_version:
            raise ConflictError(self._conflict_message(session, claim, expected_version))
        snapshot = self._view(session, claim)
        media_ids = [link.media_id for link in claim.links]
        session.delete(claim)
        session.flush()
        audit.record(
            session,
            self._actor,
            "claim",
            claim.id,
            "delete",
            {"text": (snapshot.text, None), "status": (snapshot.status, None)},
        )
        return media_ids

    # -- internals -----------------------------------------------------------------------

    def _write(
        self,
        claim_id: str | uuid.UUID,
        expected_version: int | None,
        change: Any,
        action: str = "update",
    ) -> ClaimView:
        try:
            with self._ws.db.transaction() as session:
                # Every writer takes the audit chain's lock before any row (a bag merge
                # records, then updates claims): two writers never wait on each other.
                audit.lock_chain(session)
                # The row is locked (PostgreSQL) before its version is compared: a second
                # writer of the same version waits for the first, then sees its version
                # and gets the conflict message, instead of half-applying its change.
                claim = self._load(session, claim_id, lock=expected_version is not None)
                if expected_version is not None and claim.version != expected_version:
                    raise ConflictError(self._conflict_message(session, claim, expected_version))
                changes = change(session, claim)
                if changes:
                    claim.updated_at = datetime.now(UTC)
                    audit.record(session, self._actor, "claim", claim.id, action, changes)
                session.flush()
                return self._view(session, claim)
        except StaleDataError:
            # Without a lock (SQLite, or no expected version) the UPDATE found a newer
            # version: say what the other change was, read after their commit.
            if expected_version is not None:
                with self._ws.db.read() as session:
                    claim = self._load(session, claim_id)
                    message = self._conflict_message(session, claim, expected_version)
                raise ConflictError(message) from None
            raise ConflictError(
                "this claim was changed by somebody else while you were saving; "
                "reload it and apply your change again"
            ) from None

    def _conflict_message(self, session: Session, claim: Claim, expected: int) -> str:
        """Who changed the claim since version ``expected`` was read, when, and to what.

        One transaction raises the version once and writes one audit entry (see
        ``_apply``), so the entries since ``expected`` are the newest ``version -
        expected`` (at most ``CONFLICT_ENTRIES`` are named).
        """
        count = min(max(claim.version - expected, 1), CONFLICT_ENTRIES)
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.at, AuditEntry.action, AuditEntry.changes)
            .where(AuditEntry.entity_type == "claim", AuditEntry.entity_id == str(claim.id))
            .order_by(AuditEntry.id.desc())
            .limit(count)
        ).all()
        names = _names(session, [row.changes for row in rows])
        parts = [
            f"by {row.actor} at {row.at:%Y-%m-%d %H:%M:%S} UTC"
            + (f" ({changed})" if (changed := _described(row.changes, names)) else "")
            for row in reversed(rows)
        ]
        who = ", then ".join(parts) if parts else "by somebody else"
        return (
            f"claim was changed {who} since you read it (you read version {expected}, "
            f"it is now version {claim.version}); reload it and apply your change again"
        )

    def _load(self, session: Session, claim_id: str | uuid.UUID, lock: bool = False) -> Claim:
        """The claim; with ``lock``, taken for writing first (see ``_write``): PostgreSQL
        locks its row, SQLite takes its write lock with an UPDATE that changes nothing
        (``version`` feeds no trigger), so what is read is the newest commit."""
        key = _parse_id("claim", claim_id)
        if lock and self._ws.db.dialect == "sqlite":
            session.execute(
                update(Claim)
                .where(Claim.id == key)
                .values(version=Claim.version)
                .execution_options(synchronize_session=False)
            )
        claim = session.get(
            Claim,
            key,
            options=[selectinload(Claim.links).selectinload(ClaimMedia.media)],
            # FOR NO KEY UPDATE, the lock its UPDATE takes anyway: a media link being
            # added meanwhile (a foreign key's KEY SHARE) is not held up by it.
            with_for_update={"key_share": True} if lock else None,
        )
        if claim is None:
            raise NotFoundError(f"no claim with id {claim_id}")
        return claim

    def _apply(self, session: Session, claim: Claim, values: dict[str, Any]) -> dict[str, Any]:
        """Check and set ``values`` on ``claim``; return {field: (before, after)}.

        Actors and tags go first: replacing them flushes, and a flush while the claim's
        own columns are dirty would raise its version a second time in one transaction."""
        changes: dict[str, Any] = {}
        labels_first = sorted(values, key=lambda name: name not in ("actors", "tags"))
        for name in labels_first:
            raw = values[name]
            if name in _SCALARS:
                new = _SCALARS[name](raw)
                old = getattr(claim, name, None)
                if old != new:
                    setattr(claim, name, new)
                    changes[name] = (old, new)
            elif name in ("actors", "tags"):
                new_labels = fields.labels(name, raw)
                old_labels = self._labels(claim, name)
                if old_labels != new_labels:
                    self._set_labels(session, claim, name, new_labels)
                    changes[name] = (old_labels, new_labels)
            elif name in ("source_id", "case_id"):
                model = Source if name == "source_id" else Case
                new_id = None if raw in (None, "") else _parse_id(name, raw)
                if new_id is not None and session.get(model, new_id) is None:
                    raise ValidationError(name, f"no {name[:-3]} with id {raw}")
                if getattr(claim, name) != new_id:
                    changes[name] = (getattr(claim, name), new_id)
                    setattr(claim, name, new_id)
            else:
                raise ValidationError(name, "is not a field that can be edited")
        if (claim.latitude is None) != (claim.longitude is None):
            raise ValidationError("latitude", "give both latitude and longitude, or neither")
        return {name: changes[name] for name in values if name in changes}  # as asked

    @staticmethod
    def _labels(claim: Claim, name: str) -> list[str]:
        if name == "actors":
            return [row.name for row in claim.actors]
        return [row.tag for row in claim.tags]

    @staticmethod
    def _set_labels(session: Session, claim: Claim, name: str, labels: list[str]) -> None:
        if name == "actors":
            claim.actors.clear()
            session.flush()  # the old rows go before new ones with the same key arrive
            claim.actors.extend(ClaimActor(name=x, position=i) for i, x in enumerate(labels))
        else:
            claim.tags.clear()
            session.flush()
            claim.tags.extend(ClaimTag(tag=x, position=i) for i, x in enumerate(labels))

    def _link(self, session: Session, claim: Claim, media_id: str, role: str) -> dict[str, Any]:
        media = session.get(Media, _parse_id("media", media_id))
        if media is None:
            raise NotFoundError(f"no media with id {media_id}")
        existing = session.get(ClaimMedia, (claim.id, media.id))
        if existing is not None:
            if existing.role == role:
                return {}
            before = existing.role
            existing.role = role
            return {"media": (f"{media.sha256} as {before}", f"{media.sha256} as {role}")}
        session.add(
            ClaimMedia(claim_id=claim.id, media_id=media.id, role=role, added_by=self._actor)
        )
        session.flush()
        session.expire(claim, ["links"])
        return {"media": (None, f"{media.sha256} as {role}")}

    def _view(self, session: Session, claim: Claim) -> ClaimView:
        case = session.get(Case, claim.case_id) if claim.case_id else None
        source = session.get(Source, claim.source_id) if claim.source_id else None
        links = session.scalars(
            select(ClaimMedia)
            .where(ClaimMedia.claim_id == claim.id)
            .options(selectinload(ClaimMedia.media))
            .order_by(ClaimMedia.added_at)
        ).all()
        return ClaimView(
            id=str(claim.id),
            case_id=str(claim.case_id) if claim.case_id else None,
            case_name=case.name if case else None,
            text=claim.text,
            summary=claim.summary or "",
            original_text=claim.original_text or "",
            original_language=claim.original_language or "",
            translation=claim.translation or "",
            source=source_view(source) if source else None,
            post_url=claim.post_url or "",
            posted_at=claim.posted_at,
            observed_at=claim.observed_at,
            place_name=claim.place_name or "",
            latitude=claim.latitude,
            longitude=claim.longitude,
            location_precision=claim.location_precision or "",
            actors=tuple(a.name for a in claim.actors),
            tags=tuple(t.tag for t in claim.tags),
            status=claim.status or "unconfirmed",
            credibility=claim.credibility,
            rationale=claim.rationale or "",
            decided_by=claim.decided_by or "",
            decided_at=claim.decided_at,
            notes=claim.notes or "",
            created_at=claim.created_at,
            updated_at=claim.updated_at,
            version=claim.version,
            media=tuple(
                LinkedMedia(
                    str(link.media_id),
                    link.media.sha256,
                    link.media.kind,
                    link.role,
                    link.media.original_name,
                    findings.of(link.media),
                )
                for link in links
            ),
        )
