"""Events: a named happening (a place, a time span, its actors, notes) and the claims that
report on it, so rival accounts of one event can be read side by side.

A claim may be in several events. Making, changing and removing an event and adding or
taking out a claim are one transaction each, audited on the event (entity ``event``) and,
for membership, on the claim too (``event_add``, ``event_remove``), so a claim's history
says which events it was put in.

Uses ``storage``, ``workbench.claims.audit`` and ``workbench.claims.fields``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema import Claim, Event, EventClaim
from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims import audit, fields

if TYPE_CHECKING:
    from workbench.claims.context import ClaimsContext


@dataclass(frozen=True)
class EventView:
    id: str
    name: str
    place: str
    starts_at: datetime | None
    ends_at: datetime | None
    actors: tuple[str, ...]
    notes: str
    created_at: datetime
    created_by: str
    updated_at: datetime
    claim_ids: tuple[str, ...]  # oldest added first


_parse_id = fields.ident


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """The event's fields, checked as an analyst's input is (``workbench.claims.fields``)."""
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = fields.text("name", values["name"], required=True, max_len=200)
    if "place" in values:
        out["place"] = fields.text("place", values["place"], max_len=200)
    for key in ("starts_at", "ends_at"):
        if key in values:
            out[key] = fields.instant(key, values[key])
    if "actors" in values:
        out["actors"] = fields.labels("actors", values["actors"])
    if "notes" in values:
        out["notes"] = fields.text("notes", values["notes"])
    return out


def _view(session: Session, row: Event) -> EventView:
    members = session.scalars(
        select(EventClaim.claim_id)
        .where(EventClaim.event_id == row.id)
        .order_by(EventClaim.added_at, EventClaim.claim_id)
    ).all()
    return EventView(
        str(row.id),
        row.name,
        row.place,
        row.starts_at,
        row.ends_at,
        tuple(row.actors or ()),
        row.notes,
        row.created_at,
        row.created_by,
        row.updated_at,
        tuple(str(c) for c in members),
    )


class EventService:
    def __init__(self, workspace: ClaimsContext) -> None:
        self._ws = workspace

    # -- reading -------------------------------------------------------------------------

    def get(self, event_id: str | uuid.UUID) -> EventView:
        with self._ws.db.read() as session:
            return _view(session, self._load(session, event_id))

    def all(self) -> list[EventView]:
        """Every event, by its start (unknown last), then name."""
        with self._ws.db.read() as session:
            rows = session.scalars(
                select(Event).order_by(Event.starts_at.is_(None), Event.starts_at, Event.name)
            ).all()
            return [_view(session, r) for r in rows]

    def of_claim(self, claim_id: str | uuid.UUID) -> list[tuple[str, str]]:
        """(id, name) of the events a claim is in."""
        key = _parse_id("claim", claim_id)
        with self._ws.db.read() as session:
            rows = session.execute(
                select(Event.id, Event.name)
                .join(EventClaim, EventClaim.event_id == Event.id)
                .where(EventClaim.claim_id == key)
                .order_by(Event.name)
            ).all()
        return [(str(i), n) for i, n in rows]

    def among(self, claim_ids: Iterable[str]) -> list[EventView]:
        """The events that hold any of these claims, each with only those of its claims
        (what an export of these claims carries)."""
        wanted = {str(c) for c in claim_ids}
        out = []
        for event in self.all():
            members = tuple(c for c in event.claim_ids if c in wanted)
            if members:
                out.append(EventView(**{**event.__dict__, "claim_ids": members}))
        return out

    # -- writing -------------------------------------------------------------------------

    def create(
        self,
        name: str,
        *,
        claim_ids: Iterable[str] = (),
        event_id: str | None = None,
        **values: Any,
    ) -> EventView:
        """A new event (``values``: place, starts_at, ends_at, actors, notes) holding
        ``claim_ids``."""
        checked = _checked({"name": name, **values})
        self._span(checked.get("starts_at"), checked.get("ends_at"))
        members = [_parse_id("claim", c) for c in claim_ids]
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = Event(created_by=self._ws.analyst, **checked)
            if event_id is not None:
                row.id = _parse_id("event", event_id)
            session.add(row)
            session.flush()
            changes = {k: (None, v) for k, v in checked.items() if v not in (None, "", [])}
            audit.record(session, self._ws.analyst, "event", row.id, "create", changes)
            for claim_id in members:
                self._add(session, row, claim_id)
            return _view(session, row)

    def update(self, event_id: str | uuid.UUID, **values: Any) -> EventView:
        checked = _checked(values)
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = self._load(session, event_id)
            self._span(checked.get("starts_at", row.starts_at), checked.get("ends_at", row.ends_at))
            changes = {}
            for key, value in checked.items():
                before = getattr(row, key)
                if key == "actors":
                    before = list(before or ())
                if before != value:
                    changes[key] = (before, value)
                    setattr(row, key, value)
            if changes:
                audit.record(session, self._ws.analyst, "event", row.id, "update", changes)
            session.flush()
            return _view(session, row)

    def add_claims(self, event_id: str | uuid.UUID, claim_ids: Iterable[str]) -> EventView:
        """Put claims in the event (those in it already stay as they are)."""
        members = [_parse_id("claim", c) for c in claim_ids]
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = self._load(session, event_id)
            for claim_id in members:
                self._add(session, row, claim_id)
            return _view(session, row)

    def remove_claim(self, event_id: str | uuid.UUID, claim_id: str | uuid.UUID) -> EventView:
        key = _parse_id("claim", claim_id)
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = self._load(session, event_id)
            link = session.get(EventClaim, (row.id, key))
            if link is None:
                raise NotFoundError(f"claim {claim_id} is not in event {row.name!r}")
            session.delete(link)
            self._audit_member(session, row, key, "event_remove")
            session.flush()
            return _view(session, row)

    def delete(self, event_id: str | uuid.UUID) -> None:
        """Remove the event (its claims stay)."""
        with self._ws.db.transaction() as session:
            audit.lock_chain(session)
            row = self._load(session, event_id)
            audit.record(
                session, self._ws.analyst, "event", row.id, "delete", {"name": (row.name, None)}
            )
            session.delete(row)

    def merge_in(
        self, session: Session, incoming: Iterable[EventView], origin: str
    ) -> list[tuple[str, str]]:
        """A merging import's events (``exchange.bag_merge``), in its transaction: an event
        new here is added as it was; one here already takes the bag's fields when the
        bag's were changed later (a difference is listed either way); claims only ever
        join an event through a merge, never leave it."""
        conflicts = []
        names = ("name", "place", "starts_at", "ends_at", "actors", "notes")
        for theirs in incoming:
            key = uuid.UUID(theirs.id)
            row = session.get(Event, key)
            values = {n: getattr(theirs, n) for n in names}
            values["actors"] = list(theirs.actors)
            if row is None:
                row = Event(
                    id=key,
                    created_at=theirs.created_at,
                    created_by=theirs.created_by,
                    updated_at=theirs.updated_at,
                    **values,
                )
                session.add(row)
                session.flush()
                changes = {"imported_from": (None, origin)}
                changes.update({k: (None, v) for k, v in values.items() if v not in (None, "", [])})
                audit.record(session, self._ws.analyst, "event", key, "import", changes)
            else:
                here = {n: getattr(row, n) for n in names}
                here["actors"] = list(row.actors or ())
                differ = {n: (here[n], values[n]) for n in names if here[n] != values[n]}
                if differ:
                    wins = theirs.updated_at > row.updated_at
                    if wins:
                        for n, (_, value) in differ.items():
                            setattr(row, n, value)
                        audit.record(
                            session,
                            self._ws.analyst,
                            "event",
                            key,
                            "merge",
                            {"imported_from": (None, origin), **differ},
                        )
                    settled = "the bag's, changed later, taken" if wins else "this workspace's kept"
                    conflicts.append(
                        (f"event {theirs.name}", f"{', '.join(differ)} differ: {settled}")
                    )
            for claim_id in theirs.claim_ids:
                self._add(session, row, uuid.UUID(claim_id))
        return conflicts

    # -- helpers -------------------------------------------------------------------------

    @staticmethod
    def _span(starts: datetime | None, ends: datetime | None) -> None:
        if starts is not None and ends is not None and ends < starts:
            raise ValidationError("ends_at", "is before the event starts")

    def _load(self, session: Session, event_id: str | uuid.UUID) -> Event:
        row = session.get(Event, _parse_id("event", event_id))
        if row is None:
            raise NotFoundError(f"no event with id {event_id}")
        return row

    def _add(self, session: Session, row: Event, claim_id: uuid.UUID) -> None:
        if session.get(Claim, claim_id) is None:
            raise NotFoundError(f"no claim with id {claim_id}")
        if session.get(EventClaim, (row.id, claim_id)) is not None:
            return
        session.add(EventClaim(event_id=row.id, claim_id=claim_id, added_by=self._ws.analyst))
        session.flush()
        self._audit_member(session, row, claim_id, "event_add")

    def _audit_member(self, session: Session, row: Event, claim_id: uuid.UUID, action: str) -> None:
        change = {"event": {"id": str(row.id), "name": row.name}, "claim_id": str(claim_id)}
        audit.record(session, self._ws.analyst, "event", row.id, action, change)
        audit.record(session, self._ws.analyst, "claim", claim_id, action, change)
