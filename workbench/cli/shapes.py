"""The JSON the ``workbench`` commands print (a contract: fields are only ever added; the
README's table names them), and their lines for a person.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.claims.views import ClaimView, ImportIssue, ImportSummary, to_jsonable
from workbench.library.views import (
    IngestResult,
    IngestStatus,
    KnownMatch,
    MatchResult,
    NearDuplicate,
)


def near_json(near: NearDuplicate) -> dict[str, Any]:
    return {
        "media_id": near.media_id,
        "sha256": near.sha256,
        "distance": near.distance,
        "claim_ids": list(near.claim_ids),
        "case_ids": list(near.case_ids),
        "first_seen": near.first_seen.isoformat(),
        "t_ms": near.t_ms,
        "evidence": near.evidence,
        "points": near.points,
        "query_in_stored": _box(near.query_in_stored),
        "stored_in_query": _box(near.stored_in_query),
        "where": near.where,
        "overlaps": [
            {
                "start_ms": o.start_ms,
                "end_ms": o.end_ms,
                "stored_start_ms": o.stored_start_ms,
                "stored_end_ms": o.stored_end_ms,
            }
            for o in near.overlaps
        ],
    }


def _box(box: tuple[int, int, int, int] | None) -> dict[str, int] | None:
    if box is None:
        return None
    return dict(zip(("x", "y", "width", "height"), box, strict=True))


def ingest_json(result: IngestResult) -> dict[str, Any]:
    m = result.media
    return {
        "path": result.path,
        "status": result.status.value,
        "error": result.error,
        "sha256": m.sha256 if m else None,
        "media_id": m.id if m else None,
        "kind": m.kind if m else None,
        "mime": m.mime if m else None,
        "width": m.width if m else None,
        "height": m.height if m else None,
        "capture_time": m.capture_time if m else None,
        "camera": (
            {"make": m.camera_make, "model": m.camera_model}
            if m and (m.camera_make or m.camera_model)
            else None
        ),
        "gps": (
            {"lat": m.gps_latitude, "lon": m.gps_longitude}
            if m and m.gps_latitude is not None
            else None
        ),
        "orientation": m.orientation if m else None,
        "near_duplicates": [near_json(n) for n in result.near_duplicates],
        "known": [known_json(k) for k in result.known],
    }


def known_json(match: KnownMatch) -> dict[str, Any]:
    return {
        "list": match.list,
        "label": match.label,
        "verdict": match.verdict,
        "date": match.date,
        "distance": match.distance,
        "desk": match.desk,
        "kind": match.kind,
    }


def match_json(result: MatchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "error": result.error,
        "matches": [near_json(n) for n in result.matches],
        "known": [known_json(k) for k in result.known],
    }


def claim_json(claim: ClaimView) -> dict[str, Any]:
    out: dict[str, Any] = to_jsonable(claim)
    return out


def summary_json(summary: ImportSummary) -> dict[str, Any]:
    def issues(found: tuple[ImportIssue, ...]) -> list[dict[str, str]]:
        return [{"where": i.where, "message": i.message} for i in found]

    return {
        "path": summary.path,
        "format": summary.format,
        "refused": summary.refused,
        "added": list(summary.added),
        "merged": list(summary.merged),
        "skipped": issues(summary.skipped),
        "conflicts": issues(summary.conflicts),
        "media_added": summary.media_added,
        "media_existing": summary.media_existing,
    }


def emit(args: argparse.Namespace, payload: Any, human: str) -> None:
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif human:
        print(human)


def ingest_line(r: IngestResult) -> str:
    if r.status is IngestStatus.ERROR:
        return f"error   {r.path}: {r.error}"
    assert r.media is not None
    line = f"{r.status.value:<7} {r.media.sha256[:12]} {r.path}"
    for n in r.near_duplicates:
        claims = ", ".join(n.claim_ids) or "no claim"
        line += (
            f"\n        seen before: {n.sha256[:12]} {n.measure()} ({n.evidence})"
            f" ({claims}; first seen {n.first_seen:%Y-%m-%d})"
        )
    for k in r.known:
        line += f"\n        {k.sentence()} (distance {k.distance})"
    return line
