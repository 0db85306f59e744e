"""ClaimReview read as a search engine reads it: a JSON-LD processor, schema.org's terms,
and Google's published ClaimReview rules.

The JSON-LD is expanded with PyLD (the reference JSON-LD processor for Python). There is
no network here, so schema.org's context is served by a local document loader as what it
does for these terms: ``@vocab`` schema.org. Every expanded property and type must then be
a term of schema.org's published vocabulary, as rdflib ships it (``rdflib.namespace.SDO``,
generated from schema.org's own data; an independent list, not ours): a misspelt or
invented term expands to an IRI that is not in it and fails the test.

Google's rules (developers.google.com/search/docs/appearance/structured-data/factcheck):
required ``claimReviewed``, ``reviewRating`` (with ``alternateName``), ``url``, ``author``
(with ``name``); ``claimReviewed`` recommended under 75 characters; ``itemReviewed`` a
``Claim``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib.namespace
from pyld import jsonld

from workbench.exchange import export
from workbench.exchange.formats import SUMMARY_LIMIT, Publication
from workbench.exchange.scope import ExportScope
from workbench.workspace import Workspace

SCHEMA = "https://schema.org/"
#: Every class and property of schema.org (the namespace object is kept out of the module:
#: pytest would probe it for test attributes).
TERMS = frozenset(rdflib.namespace.SDO.__annotations__)
BASE = "https://desk.example.org/reviews/"


def _offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the document asks for {url}: nothing else may be loaded")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": SCHEMA}},
    }


def _iris(node: Any, found: set[str]) -> None:
    """Every property IRI and type IRI in an expanded JSON-LD document."""
    if isinstance(node, list):
        for item in node:
            _iris(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@type":
                found.update(value)
            elif not key.startswith("@"):
                found.add(key)
            _iris(value, found)


def _not_schema_org(iris: set[str]) -> set[str]:
    return {i for i in iris if not i.startswith(SCHEMA) or i.removeprefix(SCHEMA) not in TERMS}


@pytest.fixture
def reviews(workspace: Workspace, tmp_path: Path) -> dict[str, Any]:
    long_text = "Fighters entered Sarwan from the north at dawn, witnesses said. " * 24
    decided = workspace.claims.create(
        long_text,
        source=("twitter", "@front_news"),
        original_text="دخل المقاتلون صوران من الشمال",
        original_language="ar",
        post_url="https://twitter.com/front_news/status/1",
        posted_at="2015-06-03T14:10:00+00:00",
    )
    workspace.claims.set_status(decided.id, "refuted", "The video is from 2013.")
    workspace.claims.create("Still open")
    out = tmp_path / "reviews.jsonld"
    done = export(workspace, "claimreview", ExportScope(), out, publication=Publication(BASE, "en"))
    assert done.claims == 1 and [o.reason for o in done.left_out] == [
        "unconfirmed: no verdict to publish"
    ]
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return document


def test_every_term_expands_to_schema_org(reviews: dict[str, Any]) -> None:
    expanded = jsonld.expand(reviews, {"documentLoader": _offline_loader})
    found: set[str] = set()
    _iris(expanded, found)
    assert f"{SCHEMA}ClaimReview" in found and f"{SCHEMA}claimReviewed" in found
    assert not _not_schema_org(found)


def test_a_term_schema_org_does_not_have_is_caught(reviews: dict[str, Any]) -> None:
    """The check is not vacuous: a misspelt property fails it."""
    broken = json.loads(json.dumps(reviews))
    broken["@graph"][0]["claimReviewd"] = broken["@graph"][0].pop("claimReviewed")
    found: set[str] = set()
    _iris(jsonld.expand(broken, {"documentLoader": _offline_loader}), found)
    assert _not_schema_org(found) == {f"{SCHEMA}claimReviewd"}


def test_google_required_properties(reviews: dict[str, Any]) -> None:
    (review,) = reviews["@graph"]
    assert review["url"].startswith(BASE) and review["url"].endswith(review["identifier"])
    assert 0 < len(review["claimReviewed"]) <= SUMMARY_LIMIT
    assert review["reviewRating"]["alternateName"] == "Refuted"
    assert review["author"]["name"]
    assert review["itemReviewed"]["@type"] == "Claim"
    assert review["inLanguage"] == "en" and review["itemReviewed"]["inLanguage"] == "ar"
    assert review["itemReviewed"]["firstAppearance"]["url"].startswith("https://twitter.com/")


def test_a_finding_is_a_media_review_of_schema_org_terms(
    workspace: Workspace, tmp_path: Path
) -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "neardup"
    claim = workspace.claims.create("Photo shows yesterday's convoy", posted_at="2015-06-03")
    [added] = workspace.media.ingest([data / "hopper.jpg"], claim_id=claim.id)
    assert added.media is not None
    workspace.findings.set(added.media.id, "DecontextualizedContent", "صورة من عام 2013 📷")
    workspace.claims.set_status(claim.id, "refuted", "The photo is from 2013.")
    out = tmp_path / "reviews.jsonld"
    export(workspace, "claimreview", ExportScope(), out, publication=Publication(BASE, "en"))
    document = json.loads(out.read_text(encoding="utf-8"))
    (review,) = document["@graph"]
    (media_review,) = review["associatedMediaReview"]
    assert media_review["mediaAuthenticityCategory"] == "DecontextualizedContent"
    assert media_review["mediaAuthenticityCategory"] in TERMS  # schema.org's enumeration
    assert media_review["reviewBody"] == "صورة من عام 2013 📷"
    (item,) = media_review["itemReviewed"]["mediaItemAppearance"]
    assert item == {
        "@type": "ImageObject",
        "sha256": added.media.sha256,
        "name": "hopper.jpg",
        "width": added.media.width,
        "height": added.media.height,
    }
    found: set[str] = set()
    _iris(jsonld.expand(document, {"documentLoader": _offline_loader}), found)
    assert f"{SCHEMA}MediaReview" in found and f"{SCHEMA}mediaAuthenticityCategory" in found
    assert not _not_schema_org(found)
