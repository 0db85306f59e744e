"""The JSON export document read back (the format: ``interchange``).

``read_document`` checks the header and every field an import uses, with the same checks an
analyst's input gets (``workbench.claims.fields``), and names the offending place
(``workbench.json: claims[3].status: ...``). It does not need ``jsonschema``: the schema
file documents the format and the tests hold the writer to it.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.base.errors import ValidationError
from workbench.claims import checklist, fields, findings, relations
from workbench.claims.events import EventView
from workbench.claims.relations import Relation
from workbench.claims.views import Finding, SourceView
from workbench.exchange.interchange import (
    CLAIM_SCALARS,
    MAX_DOCUMENT_BYTES,
    SCHEMA_NAME,
    VERSION,
    DocumentError,
)


@dataclasses.dataclass(frozen=True)
class InCase:
    id: str
    name: str
    description: str


#: A source read from a document has exactly the fields of one the workbench shows.
InSource = SourceView


@dataclasses.dataclass(frozen=True)
class InLink:
    sha256: str
    role: str


@dataclasses.dataclass(frozen=True)
class InClaim:
    id: str
    case_id: str | None
    source_id: str | None
    values: dict[str, Any]  # CLAIM_SCALARS, checked and normalised
    actors: tuple[str, ...]
    tags: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    version: int
    media: tuple[InLink, ...]


@dataclasses.dataclass(frozen=True)
class InMedia:
    id: str
    sha256: str
    kind: str
    byte_size: int
    original_name: str
    acquired_at: datetime
    acquired_from: str
    acquired_by: str
    finding: Finding | None = None


@dataclasses.dataclass(frozen=True)
class InAudit:
    at: datetime
    actor: str
    entity_type: str
    entity_id: str
    action: str
    changes: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Document:
    """A checked document: what an import needs from it, typed."""

    exported_at: datetime
    exported_by: str
    workspace_id: str
    cases: dict[str, InCase]
    sources: dict[str, InSource]
    claims: tuple[InClaim, ...]
    media: dict[str, InMedia]  # by sha256
    audit: tuple[InAudit, ...]
    relations: tuple[Relation, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()  # {claim_id, step, state, note, by, at}
    events: tuple[EventView, ...] = ()


def read_document(path: Path, name: str | None = None) -> Document:
    """Read and check the document at ``path``; ``name`` is how messages call the file."""
    label = name or path.name
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"{label}: {size} bytes, more than a JSON export may hold")
        with open(path, "rb") as fh:
            raw = json.load(fh)
    except OSError as exc:
        raise DocumentError(f"{label}: cannot read: {exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        raise DocumentError(f"{label}: not valid JSON: {exc}") from None
    return parse_document(raw, label)


def parse_document(raw: Any, label: str = "workbench.json") -> Document:
    """Check a loaded document (``DocumentError`` naming the field) and type it."""
    return _Reader(label).document(raw)


class _Reader:
    """Walks the raw JSON keeping the path it is at, so every refusal says where."""

    def __init__(self, label: str) -> None:
        self.label = label

    def fail(self, where: str, message: str) -> DocumentError:
        return DocumentError(f"{self.label}: {where}: {message}")

    def obj(self, where: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "must be an object")
        return value

    def items(self, where: str, value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "must be a list")
        return value

    def key(self, where: str, row: dict[str, Any], key: str) -> Any:
        if key not in row:
            raise self.fail(where, f"{key!r} is missing")
        return row[key]

    def string(self, where: str, row: dict[str, Any], key: str, *, max_len: int = 100_000) -> str:
        value = self.key(where, row, key)
        if not isinstance(value, str) or len(value) > max_len:
            raise self.fail(f"{where}.{key}", f"must be text (at most {max_len} characters)")
        return value

    def ident(self, where: str, row: dict[str, Any], key: str, *, nullable: bool = False) -> Any:
        value = self.key(where, row, key)
        if value is None and nullable:
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise self.fail(f"{where}.{key}", f"{value!r} is not an id") from None

    def sha(self, where: str, value: Any) -> str:
        if (
            not isinstance(value, str)
            or len(value) != 64
            or any(c not in "0123456789abcdef" for c in value)
        ):
            raise self.fail(where, f"{value!r} is not a SHA-256 (64 lower-case hex digits)")
        return value

    def instant(self, where: str, row: dict[str, Any], key: str) -> datetime:
        value = self.checked(where, key, fields.instant, self.key(where, row, key))
        if value is None:
            raise self.fail(f"{where}.{key}", "must be a time")
        return value

    def checked(self, where: str, key: str, check: Any, value: Any) -> Any:
        try:
            return check(key, value)
        except ValidationError as exc:
            raise self.fail(f"{where}.{key}", str(exc).removeprefix(f"{key}: ")) from None

    def document(self, raw: Any) -> Document:
        top = self.obj("document", raw)
        if top.get("schema") != SCHEMA_NAME:
            raise self.fail("schema", f"is {top.get('schema')!r}, not {SCHEMA_NAME!r}")
        version = top.get("version")
        if version != VERSION:
            raise self.fail(
                "version", f"{version!r} is not supported (this workbench reads version {VERSION})"
            )
        sources = [
            self.source(f"sources[{i}]", r) for i, r in enumerate(self.top_list(top, "sources"))
        ]
        cases = [self.case(f"cases[{i}]", r) for i, r in enumerate(self.top_list(top, "cases"))]
        media = [self.media(f"media[{i}]", r) for i, r in enumerate(self.top_list(top, "media"))]
        claims = [self.claim(f"claims[{i}]", r) for i, r in enumerate(self.top_list(top, "claims"))]
        audit = [self.audit(f"audit[{i}]", r) for i, r in enumerate(self.top_list(top, "audit"))]
        related = [
            self.relation(f"relations[{i}]", r)
            for i, r in enumerate(self.items("relations", top.get("relations", [])))
        ]
        checks = [
            self.check(f"checks[{i}]", r)
            for i, r in enumerate(self.items("checks", top.get("checks", [])))
        ]
        events = [
            self.event(f"events[{i}]", r)
            for i, r in enumerate(self.items("events", top.get("events", [])))
        ]
        doc = Document(
            exported_at=self.instant("document", top, "exported_at"),
            exported_by=self.string("document", top, "exported_by", max_len=200),
            workspace_id=self.string("document", top, "workspace_id", max_len=100),
            cases={c.id: c for c in cases},
            sources={s.id: s for s in sources},
            claims=tuple(claims),
            media={m.sha256: m for m in media},
            audit=tuple(audit),
            relations=tuple(related),
            checks=tuple(checks),
            events=tuple(events),
        )
        self.cross_check(doc)
        return doc

    def top_list(self, top: dict[str, Any], key: str) -> list[Any]:
        return self.items(key, self.key("document", top, key))

    def case(self, where: str, raw: Any) -> InCase:
        row = self.obj(where, raw)
        return InCase(
            id=self.ident(where, row, "id"),
            name=self.checked(where, "name", _required_text(200), row.get("name")),
            description=self.string(where, row, "description"),
        )

    def source(self, where: str, raw: Any) -> InSource:
        row = self.obj(where, raw)
        return InSource(
            id=self.ident(where, row, "id"),
            platform=self.string(where, row, "platform", max_len=40).strip().lower(),
            handle=self.checked(where, "handle", _required_text(200), row.get("handle")),
            display_name=self.string(where, row, "display_name", max_len=200),
            url=self.checked(where, "url", fields.url, row.get("url")),
            affiliation=self.string(where, row, "affiliation", max_len=200),
            reliability=self.checked(
                where, "reliability", lambda _k, v: fields.reliability(v), row.get("reliability")
            ),
            notes=self.string(where, row, "notes"),
        )

    def claim(self, where: str, raw: Any) -> InClaim:
        row = self.obj(where, raw)
        values = {name: self.claim_value(where, row, name) for name in CLAIM_SCALARS}
        if (values["latitude"] is None) != (values["longitude"] is None):
            raise self.fail(f"{where}.latitude", "give both latitude and longitude, or neither")
        version = self.key(where, row, "version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise self.fail(f"{where}.version", "must be a whole number from 1")
        links = []
        for i, raw_link in enumerate(self.items(f"{where}.media", self.key(where, row, "media"))):
            at = f"{where}.media[{i}]"
            link = self.obj(at, raw_link)
            role = self.checked(at, "role", lambda _k, v: fields.role(v), link.get("role"))
            links.append(InLink(self.sha(f"{at}.sha256", link.get("sha256")), role))
        return InClaim(
            id=self.ident(where, row, "id"),
            case_id=self.ident(where, row, "case_id", nullable=True),
            source_id=self.ident(where, row, "source_id", nullable=True),
            values=values,
            actors=tuple(self.checked(where, "actors", fields.labels, row.get("actors"))),
            tags=tuple(self.checked(where, "tags", fields.labels, row.get("tags"))),
            created_at=self.instant(where, row, "created_at"),
            updated_at=self.instant(where, row, "updated_at"),
            version=version,
            media=tuple(links),
        )

    def claim_value(self, where: str, row: dict[str, Any], name: str) -> Any:
        # A field added after the first documents were written may be missing from one.
        value = row.get(name, "") if name in _CLAIM_LATER else self.key(where, row, name)
        check = _CLAIM_CHECKS[name]
        return self.checked(where, name, check, value)

    def media(self, where: str, raw: Any) -> InMedia:
        row = self.obj(where, raw)
        kind = self.key(where, row, "kind")
        if kind not in ("image", "video"):
            raise self.fail(f"{where}.kind", f"{kind!r} is not image or video")
        size = self.key(where, row, "byte_size")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise self.fail(f"{where}.byte_size", "must be a whole number of bytes")
        return InMedia(
            id=self.ident(where, row, "id"),
            sha256=self.sha(f"{where}.sha256", row.get("sha256")),
            kind=kind,
            byte_size=size,
            original_name=self.string(where, row, "original_name"),
            acquired_at=self.instant(where, row, "acquired_at"),
            acquired_from=self.string(where, row, "acquired_from"),
            acquired_by=self.string(where, row, "acquired_by", max_len=100),
            finding=self.finding(f"{where}.finding", row.get("finding")),
        )

    def finding(self, where: str, raw: Any) -> Finding | None:
        if raw is None:
            return None
        row = self.obj(where, raw)
        at = row.get("at")
        return Finding(
            category=self.checked(
                where, "category", lambda _k, v: findings.category(v), row.get("category")
            ),
            note=self.string(where, row, "note", max_len=findings.NOTE_MAX),
            by=self.string(where, row, "by", max_len=100),
            at=None if at is None else self.instant(where, row, "at"),
        )

    def audit(self, where: str, raw: Any) -> InAudit:
        row = self.obj(where, raw)
        changes = self.key(where, row, "changes")
        if not isinstance(changes, dict):
            raise self.fail(f"{where}.changes", "must be an object")
        return InAudit(
            at=self.instant(where, row, "at"),
            actor=self.string(where, row, "actor", max_len=100),
            entity_type=self.string(where, row, "entity_type", max_len=20),
            entity_id=self.string(where, row, "entity_id", max_len=64),
            action=self.string(where, row, "action", max_len=20),
            changes=changes,
        )

    def event(self, where: str, raw: Any) -> EventView:
        row = self.obj(where, raw)
        ids = self.items(f"{where}.claim_ids", self.key(where, row, "claim_ids"))
        return EventView(
            id=self.ident(where, row, "id"),
            name=self.checked(where, "name", _required_text(200), row.get("name")),
            place=self.string(where, row, "place", max_len=200),
            starts_at=self.claim_time(where, row, "starts_at"),
            ends_at=self.claim_time(where, row, "ends_at"),
            actors=tuple(self.checked(where, "actors", fields.labels, row.get("actors"))),
            notes=self.string(where, row, "notes"),
            created_at=self.instant(where, row, "created_at"),
            created_by=self.string(where, row, "created_by", max_len=100),
            updated_at=self.instant(where, row, "updated_at"),
            claim_ids=tuple(self.ident(f"{where}.claim_ids", {"id": c}, "id") for c in ids),
        )

    def claim_time(self, where: str, row: dict[str, Any], key: str) -> datetime | None:
        return None if row.get(key) is None else self.instant(where, row, key)

    def check(self, where: str, raw: Any) -> dict[str, Any]:
        row = self.obj(where, raw)
        step = self.string(where, row, "step", max_len=100)
        if not step:
            raise self.fail(f"{where}.step", "must not be empty")
        return {
            "claim_id": self.ident(where, row, "claim_id"),
            "step": step,
            "state": self.checked(
                where, "state", lambda _k, v: checklist.state(v), row.get("state")
            ),
            "note": self.string(where, row, "note", max_len=checklist.NOTE_MAX),
            "by": self.string(where, row, "by", max_len=100),
            "at": self.instant(where, row, "at"),
        }

    def relation(self, where: str, raw: Any) -> Relation:
        row = self.obj(where, raw)
        return Relation(
            claim_id=self.ident(where, row, "claim_id"),
            other_id=self.ident(where, row, "other_id"),
            kind=self.checked(where, "kind", lambda _k, v: relations.kind(v), row.get("kind")),
            note=self.string(where, row, "note", max_len=relations.NOTE_MAX),
            created_at=self.instant(where, row, "created_at"),
            created_by=self.string(where, row, "created_by", max_len=100),
        )

    def cross_check(self, doc: Document) -> None:
        """Every reference inside the document points at something the document holds."""
        seen: set[str] = set()
        for i, claim in enumerate(doc.claims):
            where = f"claims[{i}]"
            if claim.id in seen:
                raise self.fail(f"{where}.id", f"claim {claim.id} appears twice")
            seen.add(claim.id)
            if claim.case_id is not None and claim.case_id not in doc.cases:
                raise self.fail(f"{where}.case_id", f"no case {claim.case_id} in 'cases'")
            if claim.source_id is not None and claim.source_id not in doc.sources:
                raise self.fail(f"{where}.source_id", f"no source {claim.source_id} in 'sources'")
            for j, link in enumerate(claim.media):
                if link.sha256 not in doc.media:
                    raise self.fail(f"{where}.media[{j}].sha256", "no such media in 'media'")
        for i, event in enumerate(doc.events):
            for j, claim_id in enumerate(event.claim_ids):
                if claim_id not in seen:
                    raise self.fail(
                        f"events[{i}].claim_ids[{j}]", f"no claim {claim_id} in 'claims'"
                    )
        steps: set[tuple[str, str]] = set()
        for i, c in enumerate(doc.checks):
            if c["claim_id"] not in seen:
                raise self.fail(f"checks[{i}].claim_id", f"no claim {c['claim_id']} in 'claims'")
            if (c["claim_id"], c["step"]) in steps:
                raise self.fail(f"checks[{i}]", "this step of this claim is listed twice")
            steps.add((c["claim_id"], c["step"]))
        pairs: set[frozenset[str]] = set()
        for i, relation in enumerate(doc.relations):
            where = f"relations[{i}]"
            for key in ("claim_id", "other_id"):
                if getattr(relation, key) not in seen:
                    raise self.fail(
                        f"{where}.{key}", f"no claim {getattr(relation, key)} in 'claims'"
                    )
            pair = frozenset((relation.claim_id, relation.other_id))
            if len(pair) == 1:
                raise self.fail(where, "a claim cannot be related to itself")
            if pair in pairs:
                raise self.fail(where, "this pair of claims is related twice")
            pairs.add(pair)


def _required_text(max_len: int) -> Any:
    return lambda key, value: fields.text(key, value, required=True, max_len=max_len)


def _plain_text(max_len: int = 100_000) -> Any:
    return lambda key, value: _strict_text(key, value, max_len)


def _strict_text(key: str, value: Any, max_len: int) -> str:
    if not isinstance(value, str):  # fields.text takes None for ""; a document must not
        raise ValidationError(key, "must be text")
    return fields.text(key, value, max_len=max_len)


#: Claim fields added after version 1 was first written: a document may lack them.
_CLAIM_LATER = frozenset({"summary", "location_precision"})
_CLAIM_CHECKS: dict[str, Any] = {
    "text": _required_text(100_000),
    "summary": _plain_text(200),
    "original_text": _plain_text(),
    "original_language": lambda _k, v: fields.language(v),
    "translation": _plain_text(),
    "post_url": fields.url,
    "posted_at": fields.instant,
    "observed_at": fields.instant,
    "place_name": _plain_text(200),
    "latitude": lambda k, v: fields.coordinate(k, v, 90),
    "longitude": lambda k, v: fields.coordinate(k, v, 180),
    "location_precision": lambda _k, v: fields.precision(v),
    "status": lambda _k, v: fields.status(v),
    "credibility": lambda _k, v: fields.credibility(v),
    "rationale": _plain_text(),
    "decided_by": _plain_text(100),
    "decided_at": fields.instant,
    "notes": _plain_text(),
}
