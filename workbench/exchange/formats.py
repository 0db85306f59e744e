"""Flat exports of an :class:`~workbench.exchange.scope.ExportSet`: CSV and schema.org ClaimReview.

CSV is one row per claim, UTF-8 with a byte-order mark (so spreadsheet programs do not read
it as the local code page) and CRLF line ends. Every text cell that a spreadsheet would
read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
prefixed with ``'``, as OWASP advises against CSV injection; numbers the workbench writes
itself (coordinates, credibility) are left as numbers. Names, handles and URLs show their
bidi controls as markers (``workbench.base.bidi.reveal``: a handle cannot pass for another);
what the analyst wrote is left exactly as written — a spreadsheet cell is its own
paragraph, so its controls cannot reorder the cells beside it.

ClaimReview is JSON-LD (https://schema.org/ClaimReview) for the confirmed and refuted
claims only: an unconfirmed claim has no verdict to publish, and the export says which were
left out. It follows Google's ClaimReview rules (developers.google.com/search/docs/
appearance/structured-data/factcheck): ``url`` the page that publishes the review (the
desk's publication URL and the claim's id), ``claimReviewed`` a short summary (the
claim's own, else its text cut at a word under 75 characters), ``reviewRating`` with
``alternateName``, ``author``; ``inLanguage`` the review's language (the desk's), the
claim's own language on the ``Claim`` it reviews. Each of its files the desk gave a finding
(``workbench.claims.findings``) is an ``associatedMediaReview``: a MediaReview with the finding's
category as ``mediaAuthenticityCategory`` (schema.org's MediaManipulationRatingEnumeration
names, as Google's MediaReview markup writes them) and the file named by its SHA-256.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.base.bidi import reveal
from workbench.base.files import atomic_write
from workbench.exchange.scope import ExportClaim, ExportSet
from workbench.library.views import MediaView

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
    "location_precision",  # added later: at the end, so the older columns keep their places
)
#: Google's ClaimReview guidelines: keep ``claimReviewed`` under 75 characters.
SUMMARY_LIMIT = 75
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
        "source_platform": reveal(s.platform) if s else "",
        "source_handle": reveal(s.handle) if s else "",
        "source_name": reveal(s.display_name) if s else "",
        "source_reliability": s.reliability if s else "",
        "post_url": reveal(c.post_url),
        "place_name": c.place_name,
        "location_precision": c.precision,
        "actors": "; ".join(c.actors),
        "tags": "; ".join(c.tags),
        "rationale": c.rationale,
        "decided_by": reveal(c.decided_by),
        "case": c.case_name or "",
        "media_sha256": " ".join(m.sha256 for m in item.media),
        "seen_before": "yes" if any(sb.seen for sb in item.seen_before) else "no",
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


@dataclasses.dataclass(frozen=True)
class Publication:
    """Where the desk publishes its reviews, and the language it writes them in
    (Settings ▸ Publication; ``workbench export --review-url``). Each review is named by
    its claim: ``base_url`` + the claim's id."""

    base_url: str = ""
    language: str = "en"

    def review_url(self, claim_id: str) -> str:
        return f"{self.base_url.rstrip('/')}/{claim_id}" if self.base_url else ""


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """A claim in the scope that an export did not write, and why."""

    claim_id: str
    reason: str


NO_VERDICT = "unconfirmed: no verdict to publish"
NO_URL = (
    "no publication URL is set (Settings, Publication; or --review-url): search engines "
    "take a ClaimReview only with the url of the page that publishes it"
)


def short_summary(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """``text`` on one line, cut at a word with "…" to at most ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else cut inside the word
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def claim_review(
    item: ExportClaim,
    appearances: list[tuple[datetime | None, str]],
    publication: Publication = Publication(),
) -> dict[str, Any]:
    """One ClaimReview (Google's required and recommended properties, schema.org terms
    only); ``appearances``: (posted time, URL) of the posts that carried it."""
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
    if c.original_text and c.original_language:
        reviewed["inLanguage"] = c.original_language  # the claim's language, not the review's
    if appearances:
        dated = sorted(appearances, key=lambda p: (p[0] is None, p[0] or datetime.max))
        reviewed["firstAppearance"] = _work(dated[0][1])
        reviewed["appearance"] = [_work(url) for _, url in appearances]
    review: dict[str, Any] = {"@type": "ClaimReview", "identifier": c.id}
    url = publication.review_url(c.id)
    if url:
        review["url"] = url
    review.update(
        {
            "claimReviewed": c.summary or short_summary(c.text),
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
            "inLanguage": publication.language,
        }
    )
    if c.decided_at:
        review["datePublished"] = c.decided_at.date().isoformat()
    media_reviews = [media_review(m, publication) for m in item.media if m.finding is not None]
    if media_reviews:
        review["associatedMediaReview"] = media_reviews
    return review


def media_review(media: MediaView, publication: Publication = Publication()) -> dict[str, Any]:
    """A MediaReview of a file with a finding (schema.org MediaReview; the file named by
    its SHA-256, never shipped): its category, the note as the review's body, who set it
    and when."""
    finding = media.finding
    assert finding is not None
    kind = "VideoObject" if media.kind == "video" else "ImageObject"
    item: dict[str, Any] = {"@type": kind, "sha256": media.sha256}
    if media.original_name:
        item["name"] = media.original_name
    if media.width and media.height:
        item["width"], item["height"] = media.width, media.height
    review: dict[str, Any] = {
        "@type": "MediaReview",
        "mediaAuthenticityCategory": finding.category,
        "itemReviewed": {"@type": "MediaReviewItem", "mediaItemAppearance": [item]},
        "author": {"@type": "Person", "name": finding.by or "unknown"},
        "inLanguage": publication.language,
    }
    if finding.note:
        review["reviewBody"] = finding.note
    if finding.at:
        review["datePublished"] = finding.at.date().isoformat()
    return review


def claim_reviews(
    export: ExportSet, publication: Publication = Publication()
) -> tuple[list[dict[str, Any]], list[LeftOut]]:
    """The reviews of the decided claims, and the claims left out with the reason."""
    appearances = _appearances(export)
    reviews, left_out = [], []
    for item in export.claims:
        if item.claim.status in _RATINGS:
            reviews.append(claim_review(item, appearances[item.claim.id], publication))
        else:
            left_out.append(LeftOut(item.claim.id, NO_VERDICT))
    return reviews, left_out


def write_claimreview(
    export: ExportSet, out: Path, publication: Publication = Publication()
) -> tuple[int, list[LeftOut]]:
    """Write the reviews; how many were written and the claims left out."""
    reviews, left_out = claim_reviews(export, publication)
    document = {"@context": "https://schema.org", "@graph": reviews}
    atomic_write(out, _json_bytes(document))
    return len(reviews), left_out


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
