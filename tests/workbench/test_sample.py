"""The sample case: what it logs, what it stores, the seen-before pair, and idempotence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image

from workbench.library.analysis import analyse_file
from workbench.sample import (
    CLAIMS,
    SAMPLE_CASE,
    create_sample_case,
    find_sample_case,
    write_sample_media,
)
from workbench.workspace import Workspace


def test_sample_case_logs_claims_sources_and_verdicts(workspace: Workspace) -> None:
    case_id = create_sample_case(workspace)

    claims = workspace.claims.find(case_id=case_id)
    assert [c.text for c in claims] == [c.text for c in CLAIMS]
    assert {c.case_name for c in claims} == {SAMPLE_CASE}
    grades = {c.source.handle: c.source.reliability for c in claims if c.source}
    assert sorted(grades.values()) == ["B", "D", "E", "F"]
    statuses = {c.text: c.status for c in claims}
    assert statuses["IS fighters hold checkpoint in Sarwan"] == "confirmed"
    assert statuses["Fighters study a map before the offensive"] == "refuted"
    assert list(statuses.values()).count("unconfirmed") == 4
    refuted = next(c for c in claims if c.status == "refuted")
    assert "predates the event" in refuted.rationale
    assert refuted.decided_by == "tester"

    checkpoint = claims[0]
    assert checkpoint.original_language == "ar"
    assert "صوران" in checkpoint.original_text
    assert "Sarwan" in checkpoint.translation
    assert checkpoint.posted_at is not None and checkpoint.posted_at.date().isoformat() == (
        "2015-06-01"
    )
    assert checkpoint.latitude is not None and "approximate" in checkpoint.notes
    assert "Islamic State" in checkpoint.actors and "flag burning" in checkpoint.tags
    assert all(c.credibility for c in claims)
    assert find_sample_case(workspace) == case_id


def test_sample_media_are_stored_through_ingest(workspace: Workspace) -> None:
    case_id = create_sample_case(workspace)
    claims = workspace.claims.find(case_id=case_id)
    linked = [m for c in claims for m in c.media]
    assert len(linked) >= 9
    for link in linked:
        media = workspace.media.get(link.media_id)
        assert workspace.store.has(media.sha256)
        assert workspace.media.thumbnail_path(media.sha256) is not None
    kinds = {m.kind for m in linked}
    assert "image" in kinds
    map_claim = next(c for c in claims if c.status == "refuted")
    photo = workspace.media.get(map_claim.media[0].media_id)
    assert photo.capture_time is not None and photo.capture_time.startswith("2013-08-14")


def test_seen_before_pair_is_reported(workspace: Workspace) -> None:
    case_id = create_sample_case(workspace)
    claims = {c.text: c for c in workspace.claims.find(case_id=case_id)}
    original = claims["Fighters study a map before the offensive"]
    repost = claims["Unconfirmed reports suggest new fronts will open in the coming weeks"]

    near = workspace.media.near_duplicates(repost.media[0].media_id)
    assert [d.media_id for d in near] == [original.media[0].media_id]
    assert near[0].claim_ids == (original.id,)
    assert near[0].sha256 != repost.media[0].sha256  # a re-encoding, not the same bytes

    # Nothing else in the sample looks alike: the pair is the only one. (The checkpoint
    # video and the screenshot of its end may meet now that a video is indexed along its
    # whole length: they are one claim's media, and that is no false match.)
    video_pair = ("sarwan_checkpoint_video.mp4", "sarwan_flag_burning_screenshot.jpg")
    others = [
        m.media_id
        for c in claims.values()
        for m in c.media
        if m.media_id not in (original.media[0].media_id, repost.media[0].media_id)
        and workspace.media.get(m.media_id).original_name not in video_pair
    ]
    assert all(workspace.media.near_duplicates(m) == () for m in others)


def test_running_twice_adds_nothing(workspace: Workspace) -> None:
    first = create_sample_case(workspace)
    before = workspace.claims.find()
    history = len(workspace.claims.history(before[0].id))
    assert create_sample_case(workspace) == first
    after = workspace.claims.find()
    assert [(c.id, c.version, len(c.media)) for c in after] == [
        (c.id, c.version, len(c.media)) for c in before
    ]
    assert len(workspace.claims.history(before[0].id)) == history
    stored = [workspace.media.get(m) for m in {m.media_id for c in after for m in c.media}]
    flat = {
        m.original_name
        for m in stored
        if analyse_file(workspace.media.original_path(m.sha256)).low_information
    }
    assert "newspaper_clipping.png" in flat  # a page of text: kept out of matching
    assert workspace.index.media_count() == len(stored) - len(flat)


def test_an_interrupted_sample_is_completed(workspace: Workspace) -> None:
    case_id = create_sample_case(workspace)
    last = workspace.claims.find(case_id=case_id)[-1]
    workspace.claims.delete(last.id)
    assert create_sample_case(workspace) == case_id
    assert [c.text for c in workspace.claims.find(case_id=case_id)] == [c.text for c in CLAIMS]


def test_pictures_are_deterministic_and_labelled(tmp_path: Path) -> None:
    first = write_sample_media(tmp_path / "a")
    second = write_sample_media(tmp_path / "b")
    for name, path in first.items():
        if path.suffix in (".jpg", ".png"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert digest == hashlib.sha256(second[name].read_bytes()).hexdigest(), name
            with Image.open(path) as picture:
                red_band = picture.convert("RGB").getpixel((picture.width - 2, 2))
            assert red_band[0] > 150 > red_band[1]  # the "SAMPLE" banner is on every picture
    with Image.open(first["new_fronts_repost.jpg"]) as repost:
        assert repost.size == (640, 480)
