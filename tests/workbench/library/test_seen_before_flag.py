"""The stored "seen before" flag (``Media.seen_before``): set at ingest on both sides,
cleared when a purge leaves a media with nothing near it, read by search in SQL alone."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.schema import Media
from workbench.claims.search import ClaimQuery, ClaimSearch
from workbench.library.purge import delete_claim
from workbench.workspace import Workspace

NEARDUP = Path(__file__).resolve().parents[2] / "data" / "neardup"


def ingest(workspace: Workspace, name: str, claim_id: str | None = None) -> uuid.UUID:
    result = workspace.media.ingest([NEARDUP / name], claim_id=claim_id)[0]
    assert result.media is not None, result.error
    return uuid.UUID(result.media.id)


def flags(workspace: Workspace) -> dict[uuid.UUID, bool]:
    with workspace.db.read() as session:
        return {m: seen for m, seen in session.execute(select(Media.id, Media.seen_before))}


def purge(workspace: Workspace, media_ids: list[uuid.UUID]) -> None:
    """Remove media the way ``purge.delete_claim`` does, with the
    two calls that keep the flag true: neighbours before the deletes, recheck after."""
    with workspace.db.transaction() as session:
        neighbours = workspace.media.seen_before_neighbours(session, media_ids)
        for media_id in media_ids:
            session.delete(session.get(Media, media_id))
        workspace.media.recheck_seen_before(session, neighbours)
    for media_id in media_ids:
        workspace.index.remove(media_id)


def test_ingest_flags_the_new_media_and_every_earlier_one_it_matches(
    workspace: Workspace,
) -> None:
    jpg = ingest(workspace, "hopper.jpg")
    peppers = ingest(workspace, "peppers.jpg")
    assert flags(workspace) == {jpg: False, peppers: False}
    png = ingest(workspace, "hopper.png")
    assert flags(workspace) == {jpg: True, peppers: False, png: True}


def test_the_flag_follows_the_default_distance_not_the_analysts_setting(
    workspace: Workspace,
) -> None:
    jpg = ingest(workspace, "hopper.jpg")
    workspace.max_distance = 0  # what the analyst is shown, not what the flag means
    png = ingest(workspace, "hopper.png")
    assert flags(workspace) == {jpg: True, png: True}


def test_a_purge_clears_a_neighbour_left_with_nothing_near(workspace: Workspace) -> None:
    jpg, png = ingest(workspace, "hopper.jpg"), ingest(workspace, "hopper.png")
    peppers = ingest(workspace, "peppers.jpg")
    purge(workspace, [png])
    assert flags(workspace) == {jpg: False, peppers: False}


def test_a_purge_keeps_the_flag_of_a_neighbour_still_near_another(
    workspace: Workspace,
) -> None:
    jpg, png, webp = (ingest(workspace, f"hopper.{ext}") for ext in ("jpg", "png", "webp"))
    purge(workspace, [png])
    assert flags(workspace) == {jpg: True, webp: True}
    purge(workspace, [jpg])
    assert flags(workspace) == {webp: False}


def test_purging_two_neighbours_at_once_clears_the_third(workspace: Workspace) -> None:
    """The index still holds both purged media until the commit: neither may count."""
    jpg, png, webp = (ingest(workspace, f"hopper.{ext}") for ext in ("jpg", "png", "webp"))
    purge(workspace, [jpg, png])
    assert flags(workspace) == {webp: False}


def test_deleting_a_claim_with_purge_clears_the_flag(workspace: Workspace) -> None:
    first = workspace.claims.create("first")
    jpg = ingest(workspace, "hopper.jpg", first.id)
    png = ingest(workspace, "hopper.png", workspace.claims.create("second").id)
    delete_claim(workspace, first.id)
    assert flags(workspace) == {png: False}
    assert jpg not in workspace.index


def test_search_reads_the_flag_without_asking_the_index(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen, other = workspace.claims.create("seen"), workspace.claims.create("not seen")
    ingest(workspace, "hopper.jpg", seen.id)
    ingest(workspace, "hopper.png", seen.id)
    ingest(workspace, "peppers.jpg", other.id)

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("search asked the hash index")

    monkeypatch.setattr(workspace.index, "query", refuse)
    monkeypatch.setattr(workspace.index, "nearest", refuse)
    search = ClaimSearch(workspace)
    assert search.ids(ClaimQuery(has_seen_before=True)) == [seen.id]
    assert search.ids(ClaimQuery(has_seen_before=False)) == [other.id]
    assert [r.seen_before for r in search.rows([seen.id, other.id])] == [True, False]
