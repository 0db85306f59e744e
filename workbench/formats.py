"""Flat exports of an :class:`~workbench.scope.ExportSet`: CSV and schema.org ClaimReview.

CSV is one row per claim, UTF-8 with a byte-order mark (so spreadsheet programs do not read
it as the local code page) and CRLF line ends. Every text cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with ``'``, as OWASP advises against CSV injection; numbers the workbench writes
itself (coordinates, credibility) are left as numbers.

ClaimReview is JSON-LD (https://schema.org/ClaimReview) for the confirmed and refuted
claims only: an unconfirmed claim has no verdict to publish.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.files import atomic_write
from workbench.scope import ExportClaim, ExportSet

CSV_COLUMNS = (
    "id",
    "status",
    "text",
    "original_language",
    "original_text",
    "translation",
    "source_platform",
    "source_handle",
    "source_name",
    "source_reliability",
    "credibility",
    "post_url",
    "posted_at",
    "observed_at",
    "place_name",
    "latitude",
    "longitude",
    "actors",
    "tags",
    "rationale",
    "decided_by",
    "decided_at",
    "case",
    "media_sha256",
    "seen_before",
    "created_at",
    "updated_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Our verdict as a schema.org Rating: 5 of 5 for confirmed, 1 of 5 for refuted.
_RATINGS = {"confirmed": (5, "Confirmed"), "refuted": (1, "Refuted")}


def neutralise(cell: str) -> str:
    """A text cell as a spreadsheet shows it, never runs it."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _time(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _number(value: float | int | None) -> str:
    return "" if value is None else str(value)


def csv_row(item: ExportClaim) -> dict[str, str]:
    c, s = item.claim, item.claim.source
    text = {
        "id": c.id,
        "status": c.status,
        "text": c.text,
        "original_language": c.original_language,
        "original_text": c.original_text,
        "translation": c.translation,
        "source_platform": s.platform if s else "",
        "source_handle": s.handle if s else "",
        "source_name": s.display_name if s else "",
        "source_reliability": s.reliability if s else "",
        "post_url": c.post_url,
        "place_name": c.place_name,
        "actors": "; ".join(c.actors),
        "tags": "; ".join(c.tags),
        "rationale": c.rationale,
        "decided_by": c.decided_by,
        "case": c.case_name or "",
        "media_sha256": " ".join(m.sha256 for m in item.media),
        "seen_before": "yes" if any(sb.near for sb in item.seen_before) else "no",
    }
    row = {key: neutralise(value) for key, value in text.items()}
    row.update(
        credibility=_number(c.credibility),
        latitude=_number(c.latitude),
        longitude=_number(c.longitude),
        posted_at=_time(c.posted_at),
        observed_at=_time(c.observed_at),
        decided_at=_time(c.decided_at),
        created_at=_time(c.created_at),
        updated_at=_time(c.updated_at),
    )
    return row


def write_csv(export: ExportSet, out: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in export.claims:
        writer.writerow(csv_row(item))
    atomic_write(out, buffer.getvalue().encode("utf-8-sig"))


def _appearances(export: ExportSet) -> dict[str, list[tuple[datetime | None, str]]]:
    """Per claim: where its pictures appeared, as (posted time, post URL) of the claims in
    the export that use the same files, its own post included."""
    by_sha: dict[str, list[tuple[datetime | None, str]]] = {}
    for item in export.claims:
        if item.claim.post_url:
            for media in item.media:
                by_sha.setdefault(media.sha256, []).append(
                    (item.claim.posted_at, item.claim.post_url)
                )
    out = {}
    for item in export.claims:
        posts = [(item.claim.posted_at, item.claim.post_url)] if item.claim.post_url else []
        for media in item.media:
            posts += by_sha.get(media.sha256, [])
        out[item.claim.id] = list(dict.fromkeys(posts))
    return out


def _work(url: str) -> dict[str, str]:
    return {"@type": "CreativeWork", "url": url}


def claim_review(
    item: ExportClaim, appearances: list[tuple[datetime | None, str]]
) -> dict[str, Any]:
    """One ClaimReview; ``appearances``: (posted time, URL) of the posts that carried it."""
    c = item.claim
    value, name = _RATINGS[c.status]
    reviewed: dict[str, Any] = {"@type": "Claim"}
    if c.source:
        author: dict[str, Any] = {
            "@type": "Organization" if c.source.affiliation else "Person",
            "name": c.source.display_name or c.source.handle,
        }
        if c.source.url:
            author["url"] = c.source.url
        reviewed["author"] = author
    if c.posted_at:
        reviewed["datePublished"] = c.posted_at.date().isoformat()
    if appearances:
        dated = sorted(appearances, key=lambda p: (p[0] is None, p[0] or datetime.max))
        reviewed["firstAppearance"] = _work(dated[0][1])
        reviewed["appearance"] = [_work(url) for _, url in appearances]
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "identifier": c.id,
        "claimReviewed": c.original_text or c.text,
        "itemReviewed": reviewed,
        "author": {"@type": "Person", "name": c.decided_by or "unknown"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": name,
        },
        "reviewBody": c.rationale,
    }
    if c.decided_at:
        review["datePublished"] = c.decided_at.date().isoformat()
    if c.original_text and c.original_language:
        review["inLanguage"] = c.original_language
    return review


def claim_reviews(export: ExportSet) -> list[dict[str, Any]]:
    appearances = _appearances(export)
    return [
        claim_review(item, appearances[item.claim.id])
        for item in export.claims
        if item.claim.status in _RATINGS
    ]


def write_claimreview(export: ExportSet, out: Path) -> None:
    document = {"@context": "https://schema.org", "@graph": claim_reviews(export)}
    atomic_write(out, _json_bytes(document))


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
