"""The JSON export document ("everything"), written from an :class:`ExportSet` and read back.

One document, version 1, described by ``workbench/exchange/schemas/export-v1.schema.json``::

    {"schema": "claim-workbench/export", "version": 1,
     "exported_at": "2024-05-01T09:30:00+00:00", "exported_by": "rana",
     "workspace_id": "<uuid>", "scope": {...the ExportScope...},
     "cases":   [{id, name, description, created_at}],
     "sources": [{id, platform, handle, display_name, url, affiliation, reliability, notes}],
     "claims":  [{id, case_id, source_id, text, ..., status, rationale, decided_by,
                  decided_at, created_at, updated_at, version,
                  media: [{media_id, sha256, role}], seen_before: [...]}],
     "media":   [{id, sha256, kind, mime, byte_size, ..., exif}],
     "audit":   [{id, at, actor, entity_type, entity_id, action, changes}],
     "relations": [{claim_id, other_id, kind, note, created_at, created_by}],
     "checks": [{claim_id, step, state, note, by, at}],
     "events": [{id, name, place, starts_at, ends_at, actors, notes, ..., claim_ids}]}

``relations``, ``checks`` and ``events`` are optional on reading (documents before release
0.2 have none): the relations among the exported claims, the checklist steps set on them,
and the events that hold them (each with only its claims in the document).

Times are ISO 8601 with their offset (UTC). Ids are the workspace's UUIDs: a claim keeps its
id across workspaces; media are known everywhere by their SHA-256 (``media[].id`` is the
exporting workspace's own id, which ``audit`` entries about media refer to). ``seen_before``
is what the exporting workspace knew (informational: the importing side recomputes it).
``audit_chain`` (optional, ``{entries, head}``) is the exporting workspace's whole audit
chain at export time (``workbench.claims.audit.chain_head``): ``workbench verify --head`` checks a
later copy of that workspace against it; an import does not read it.

The reader, which refuses what it cannot trust, is ``interchange_reader``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from storage.schema import AuditEntry
from workbench.base.errors import WorkbenchError
from workbench.base.files import atomic_write
from workbench.claims.events import EventView
from workbench.claims.relations import Relation
from workbench.claims.views import AuditView, CaseView, to_jsonable
from workbench.exchange.scope import ExportSet

if TYPE_CHECKING:
    from workbench.workspace import Workspace

SCHEMA_NAME = "claim-workbench/export"
VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "export-v1.schema.json"
#: A document bigger than this is refused unread (a JSON export of 100,000 claims is ~300 MB).
MAX_DOCUMENT_BYTES = 1 << 30

#: Claim fields compared and carried on import, as the document names them.
CLAIM_SCALARS = (
    "text",
    "summary",
    "original_text",
    "original_language",
    "translation",
    "post_url",
    "posted_at",
    "observed_at",
    "place_name",
    "latitude",
    "longitude",
    "location_precision",
    "status",
    "credibility",
    "rationale",
    "decided_by",
    "decided_at",
    "notes",
)


class DocumentError(WorkbenchError):
    """The JSON document is not one this workbench can read; the message names the place."""


# -- writing -------------------------------------------------------------------------------


def build_document(
    export_set: ExportSet,
    *,
    cases: Iterable[CaseView] = (),
    media_audit: Iterable[AuditView] = (),
    relations: Iterable[Relation] = (),
    checks: Iterable[Mapping[str, Any]] = (),
    events: Iterable[EventView] = (),
) -> dict[str, Any]:
    """The document for ``export_set``, as JSON-ready values. ``cases`` adds descriptions
    and creation times (the set knows only case names); ``media_audit`` the media's own
    audit entries (the set holds the claims'); ``relations`` those among its claims."""
    known_cases = {c.id: c for c in cases}
    case_rows: dict[str, dict[str, Any]] = {}
    source_rows: dict[str, dict[str, Any]] = {}
    media_rows: dict[str, dict[str, Any]] = {}
    claims: list[dict[str, Any]] = []
    trail: list[Any] = []
    for item in export_set.claims:
        claim = item.claim
        if claim.case_id and claim.case_id not in case_rows:
            found = known_cases.get(claim.case_id)
            case_rows[claim.case_id] = {
                "id": claim.case_id,
                "name": claim.case_name or (found.name if found else ""),
                "description": found.description if found else "",
                "created_at": to_jsonable(found.created_at) if found else None,
            }
        if claim.source is not None:
            source_rows.setdefault(claim.source.id, to_jsonable(claim.source))
        for media in item.media:
            row = to_jsonable(media)
            row.pop("claim_ids", None)  # a property of the exporting workspace, not the file
            media_rows.setdefault(media.sha256, row)
        claims.append(_claim_row(item))
        trail.extend(to_jsonable(entry) for entry in item.audit)
    media_ids = {row["id"] for row in media_rows.values()}
    trail.extend(to_jsonable(e) for e in media_audit if e.entity_id in media_ids)
    document = {
        "schema": SCHEMA_NAME,
        "version": VERSION,
        "exported_at": to_jsonable(export_set.exported_at),
        "exported_by": export_set.exported_by,
        "workspace_id": export_set.workspace_id,
        "scope": to_jsonable(export_set.scope),
        "cases": list(case_rows.values()),
        "sources": list(source_rows.values()),
        "claims": claims,
        "media": list(media_rows.values()),
        "audit": trail,
        "relations": [to_jsonable(r) for r in relations],
        "checks": [to_jsonable(dict(c)) for c in checks],
        "events": [to_jsonable(e) for e in events],
    }
    if export_set.audit_head:  # optional: the exporting workspace's whole audit chain
        document["audit_chain"] = {
            "entries": export_set.audit_entries,
            "head": export_set.audit_head,
        }
    return document


def _claim_row(item: Any) -> dict[str, Any]:
    claim = item.claim
    row = to_jsonable(claim)
    row.pop("case_name", None)  # in ``cases``
    source = row.pop("source", None)
    row["source_id"] = source["id"] if source else None
    row["media"] = [
        {"media_id": link.media_id, "sha256": link.sha256, "role": link.role}
        for link in claim.media
    ]
    row["seen_before"] = to_jsonable(list(item.seen_before))
    return row


def document_extras(ws: Workspace, export_set: ExportSet) -> dict[str, Any]:
    """What the export set does not carry, as ``build_document``'s keywords: case
    descriptions, the media's audit trail and the relations among its claims."""
    media_ids = {m.id for m in export_set.originals()}
    with ws.db.read() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == "media", AuditEntry.entity_id.in_(media_ids))
            .order_by(AuditEntry.id)
        )
        trail = [
            AuditView(e.id, e.at, e.actor, e.entity_type, e.entity_id, e.action, dict(e.changes))
            for e in rows
        ]
    ids = [item.claim.id for item in export_set.claims]
    return {
        "cases": ws.claims.list_cases(),
        "media_audit": trail,
        "relations": ws.relations.among(ids),
        "checks": ws.checklist.stored(ids),
        "events": ws.events.among(ids),
    }


def document_bytes(document: Mapping[str, Any]) -> bytes:
    """The document as UTF-8 JSON, indented (people read exports), non-ASCII kept as is."""
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def export_json(
    export_set: ExportSet, out_path: str | os.PathLike[str], *, ws: Workspace | None = None
) -> Path:
    """Write the document to ``out_path`` atomically (a temporary file next to it, renamed
    at the end: a failure leaves no half-written export). With ``ws``, the document also
    holds case descriptions and the media's audit trail."""
    extras = document_extras(ws, export_set) if ws is not None else {}
    data = document_bytes(build_document(export_set, **extras))
    atomic_write(Path(out_path), data)
    return Path(out_path)
