"""Saved filters: kept in the workspace's database, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims.saved_filters import SavedFilter, query_from_json, query_to_json
from workbench.claims.search import ClaimQuery
from workbench.workspace import Workspace

EVERYTHING = ClaimQuery(
    text="Sarwan checkpoint ",
    status="refuted",
    source_id="8c7e7a3e-1c39-4b7e-9a55-2f0e7c1b0d11",
    actor="IS",
    case_id="0b9a1f0e-5d6c-4f4b-8a8e-1f2e3d4c5b6a",
    tag="checkpoint",
    posted_from=datetime(2015, 6, 1, 14, 30, tzinfo=timezone(timedelta(hours=3))),
    posted_to=datetime(2015, 7, 1, tzinfo=UTC),
    has_seen_before=True,
)


def test_a_query_survives_json_with_its_times_offsets_written() -> None:
    raw = query_to_json(EVERYTHING)
    assert json.loads(raw)["posted_from"] == "2015-06-01T14:30:00+03:00"
    assert query_from_json(raw) == EVERYTHING
    assert query_from_json(query_to_json(ClaimQuery())) == ClaimQuery()


def test_keys_another_version_wrote_are_ignored_and_missing_ones_default() -> None:
    raw = json.dumps({"text": "flag", "has_media": True, "status": "confirmed"})
    assert query_from_json(raw) == ClaimQuery(text="flag", status="confirmed")
    with pytest.raises(ValidationError) as refused:
        query_from_json("[1, 2]")
    assert refused.value.field == "query"


def test_save_lists_by_name_whatever_the_case(workspace: Workspace) -> None:
    service = workspace.saved_filters
    assert service.list() == []
    before = datetime.now(UTC)
    zulu = service.save("zulu", ClaimQuery(tag="shelling"))
    service.save("  Alpha  ", ClaimQuery(status="confirmed"))
    service.save("bravo", EVERYTHING)
    listed = service.list()
    assert [f.name for f in listed] == ["Alpha", "bravo", "zulu"]
    assert listed[1].query == EVERYTHING and listed[2] == zulu
    assert isinstance(zulu, SavedFilter) and zulu.analyst == "tester"
    assert zulu.created_at.tzinfo is not None and zulu.created_at >= before - timedelta(seconds=1)


def test_saving_under_a_name_in_use_overwrites_it_keeping_its_id(workspace: Workspace) -> None:
    service = workspace.saved_filters
    first = service.save("mine", ClaimQuery(text="old"))
    again = service.save("mine", ClaimQuery(text="new"))
    assert again.id == first.id and again.query == ClaimQuery(text="new")
    assert service.list() == [again]


def test_rename_and_delete(workspace: Workspace) -> None:
    service = workspace.saved_filters
    kept = service.save("draft", EVERYTHING)
    renamed = service.rename(kept.id, "Sarwan refuted")
    assert (renamed.id, renamed.name, renamed.query) == (kept.id, "Sarwan refuted", EVERYTHING)
    assert service.rename(kept.id, "Sarwan refuted") == renamed  # its own name: no change
    other = service.save("other", ClaimQuery())
    service.delete(other.id)
    assert service.list() == [renamed]


def test_blank_names_and_names_in_use_are_refused(workspace: Workspace) -> None:
    service = workspace.saved_filters
    one = service.save("one", ClaimQuery())
    service.save("two", ClaimQuery())
    for attempt in (
        lambda: service.save("   ", ClaimQuery()),
        lambda: service.rename(one.id, ""),
        lambda: service.rename(one.id, "two"),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.field == "name"
    assert [f.name for f in service.list()] == ["one", "two"]


def test_unknown_ids_are_not_found(workspace: Workspace) -> None:
    service = workspace.saved_filters
    for missing in ("0b9a1f0e-5d6c-4f4b-8a8e-1f2e3d4c5b6a", "not an id"):
        with pytest.raises(NotFoundError):
            service.rename(missing, "x")
        with pytest.raises(NotFoundError):
            service.delete(missing)


def test_filters_travel_with_the_workspace(workspace: Workspace) -> None:
    saved = workspace.saved_filters.save("shared", EVERYTHING)
    with Workspace(workspace.location, analyst="colleague") as other:
        assert other.saved_filters.list() == [saved]
        other.saved_filters.save("shared", ClaimQuery(text="theirs"))
    (overwritten,) = workspace.saved_filters.list()
    assert (overwritten.id, overwritten.analyst) == (saved.id, "colleague")
