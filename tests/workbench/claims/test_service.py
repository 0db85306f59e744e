"""Claim rules, on SQLite and PostgreSQL: verdicts, audit trail, locking, removal."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.base.errors import ConflictError, NotFoundError, ValidationError
from workbench.library.views import IngestStatus
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"


def test_a_claim_keeps_every_field(workspace: Workspace) -> None:
    claim = workspace.claims.create(
        "IS fighters hold checkpoint in Sarwan",
        case="Northern Aleppo 2015",
        source=("telegram", "@group_feed"),
        source_reliability="D",
        original_text="مقاتلو الدولة الإسلامية يسيطرون على حاجز في صوران",
        original_language="ar",
        translation="Islamic State fighters control a checkpoint in Sarwan",
        post_url="https://t.me/group_feed/123",
        posted_at="2015-06-01T14:30:00+03:00",
        observed_at="2015-06-02T09:00:00Z",
        place_name="Sarwan",
        latitude=36.45,
        longitude=37.2,
        actors=["IS", "Jaysh al-Fatah", "IS"],
        tags="checkpoint, flag burning",
        credibility=3,
        notes="flag of a rival coalition burned at the end",
    )
    got = workspace.claims.get(claim.id)
    assert got == claim
    assert got.status == "unconfirmed" and got.version == 1
    assert got.case_name == "Northern Aleppo 2015"
    assert got.source is not None and (got.source.handle, got.source.reliability) == (
        "@group_feed",
        "D",
    )
    assert got.original_text.startswith("مقاتلو")
    assert got.posted_at == datetime(2015, 6, 1, 11, 30, tzinfo=UTC)
    assert got.actors == ("IS", "Jaysh al-Fatah") and got.tags == ("checkpoint", "flag burning")
    assert (got.latitude, got.longitude, got.credibility) == (36.45, 37.2, 3)


def test_sources_and_cases_are_matched_not_duplicated(workspace: Workspace) -> None:
    a = workspace.claims.create("one", case="C", source=("twitter", "@x"))
    b = workspace.claims.create("two", case="C", source=("twitter", "@x"))
    assert a.source and b.source and a.source.id == b.source.id
    assert a.case_id == b.case_id


@pytest.mark.parametrize("status", ["confirmed", "refuted"])
def test_a_verdict_needs_a_rationale(workspace: Workspace, status: str) -> None:
    claim = workspace.claims.create("convoy heads to northern Aleppo")
    with pytest.raises(ValidationError) as info:
        workspace.claims.set_status(claim.id, status, "   ")
    assert info.value.field == "rationale"
    assert workspace.claims.get(claim.id).status == "unconfirmed"
    decided = workspace.claims.set_status(claim.id, status, "photo predates the event")
    assert decided.status == status and decided.decided_by == "tester"
    assert decided.decided_at is not None and decided.version == 2
    assert workspace.claims.set_status(claim.id, "unconfirmed").status == "unconfirmed"


def test_every_change_lands_in_the_audit_trail(workspace: Workspace) -> None:
    claim = workspace.claims.create("snipers dispatched", tags=["snipers"])
    workspace.claims.update(claim.id, place_name="Mare'", tags=["snipers", "medics"])
    workspace.claims.set_status(claim.id, "confirmed", "three independent videos")
    trail = workspace.claims.history(claim.id)
    assert [e.action for e in trail] == ["create", "update", "status"]
    assert all(e.actor == "tester" for e in trail)
    assert trail[0].changes["text"] == [None, "snipers dispatched"]
    assert trail[1].changes["place_name"] == ["", "Mare'"]
    assert trail[1].changes["tags"] == [["snipers"], ["snipers", "medics"]]
    assert trail[2].changes["status"] == ["unconfirmed", "confirmed"]
    assert trail[2].changes["rationale"] == ["", "three independent videos"]


def test_an_edit_of_an_old_version_is_refused(workspace: Workspace) -> None:
    claim = workspace.claims.create("beheadings in captured villages")
    workspace.claims.update(claim.id, expected_version=claim.version, notes="spokesman quote")
    with pytest.raises(ConflictError, match="changed by tester"):
        workspace.claims.update(claim.id, expected_version=claim.version, notes="mine")
    assert workspace.claims.get(claim.id).notes == "spokesman quote"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"posted_at": "2015-06-01T10:00"}, "posted_at"),
        ({"posted_at": "yesterday"}, "posted_at"),
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"longitude": "east", "latitude": 1}, "longitude"),
        ({"latitude": 36.4}, "latitude"),
        ({"credibility": 7}, "credibility"),
        ({"post_url": "javascript:alert(1)"}, "post_url"),
        ({"original_language": "arabic!"}, "original_language"),
        ({"status": "confirmed"}, "status"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    workspace: Workspace, values: dict[str, object], field: str
) -> None:
    claim = workspace.claims.create("a claim")
    with pytest.raises(ValidationError) as info:
        workspace.claims.update(claim.id, **values)
    assert info.value.field == field
    assert workspace.claims.get(claim.id) == claim  # nothing half-written


def test_unknown_claim_is_reported(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        workspace.claims.get("00000000-0000-0000-0000-000000000000")
    with pytest.raises(ValidationError):
        workspace.claims.get("not-an-id")


def test_removing_a_claim_keeps_its_media_in_the_library_by_default(workspace: Workspace) -> None:
    claim = workspace.claims.create("only user")
    result = workspace.media.ingest([DATA / "exif" / "Canon_40D.jpg"], claim_id=claim.id)[0]
    assert result.status is IngestStatus.ADDED and result.media
    workspace.claims.delete(claim.id)
    assert workspace.store.has(result.media.sha256)
    assert workspace.media.get(result.media.id).claim_ids == ()


def test_filters(workspace: Workspace) -> None:
    a = workspace.claims.create("convoy", tags=["convoy"], actors=["Jaysh al-Fatah"], case="A")
    b = workspace.claims.create("map study", tags=["map"], case="B")
    workspace.claims.set_status(b.id, "refuted", "photo from 2013")
    assert [c.id for c in workspace.claims.find(status="refuted")] == [b.id]
    assert [c.id for c in workspace.claims.find(tag="convoy")] == [a.id]
    assert [c.id for c in workspace.claims.find(actor="Jaysh al-Fatah")] == [a.id]
    assert [c.id for c in workspace.claims.find(case_id=b.case_id)] == [b.id]
    assert [c.id for c in workspace.claims.find(text="MAP")] == [b.id]


def test_claims_survive_reopening(workspace_dir: Path) -> None:
    with Workspace(Location.of(workspace_dir), analyst="a") as ws:
        claim = ws.claims.create("kept")
    with Workspace(Location.of(workspace_dir), analyst="b") as ws:
        assert ws.claims.get(claim.id).text == "kept"


def test_media_attached_from_a_renamed_copy_is_the_same_original(
    workspace: Workspace, tmp_path: Path
) -> None:
    copy = tmp_path / "renamed.bin"
    shutil.copy(DATA / "exif" / "flower.jpg", copy)
    claim = workspace.claims.create("flower")
    one = workspace.media.ingest([DATA / "exif" / "flower.jpg"])[0]
    two = workspace.media.ingest([copy], claim_id=claim.id)[0]
    assert two.status is IngestStatus.EXISTS and one.media and two.media
    assert two.media.id == one.media.id
    assert workspace.claims.get(claim.id).media[0].media_id == one.media.id
