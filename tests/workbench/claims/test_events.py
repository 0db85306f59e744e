"""Events, on SQLite and PostgreSQL: made with their claims, changed, claims added and
taken out, audited on the event and on the claims, refused when wrong, removed without
their claims; a report of one event, and bags that carry and merge them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.base.errors import NotFoundError, ValidationError
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import export_json
from workbench.exchange.report import build_report
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Location, Workspace


def test_an_event_groups_claims_and_every_change_is_audited(workspace: Workspace) -> None:
    video = workspace.claims.create("IS checkpoint video, Sarwan", source=("telegram", "@feed"))
    statement = workspace.claims.create("بيان: صوران بأيدينا 🏳️", source=("web", "front"))
    other = workspace.claims.create("convoy elsewhere")
    event = workspace.events.create(
        "Sarwan, June 2015",
        place="Sarwan",
        starts_at="2015-06-01",
        ends_at="2015-06-05T12:00:00+03:00",
        actors=["IS", "Jaysh al-Fatah", "IS"],
        claim_ids=[video.id, statement.id],
    )
    assert event.claim_ids == (video.id, statement.id) and event.actors == ("IS", "Jaysh al-Fatah")
    assert event.starts_at == datetime(2015, 6, 1, tzinfo=UTC)
    assert workspace.events.of_claim(video.id) == [(event.id, "Sarwan, June 2015")]
    changed = workspace.events.update(event.id, notes="two sides claim the village")
    assert changed.notes == "two sides claim the village"
    workspace.events.add_claims(event.id, [other.id, video.id])  # video is in already
    assert workspace.events.get(event.id).claim_ids == (video.id, statement.id, other.id)
    workspace.events.remove_claim(event.id, other.id)
    assert workspace.events.of_claim(other.id) == []
    assert [e.action for e in workspace.claims.history(other.id)][-2:] == [
        "event_add",
        "event_remove",
    ]
    trail = [e.action for e in workspace.claims.history(event.id)]  # any entity by its id
    assert trail[:1] == ["create"] and "update" in trail
    assert [e.name for e in workspace.events.all()] == ["Sarwan, June 2015"]
    workspace.events.delete(event.id)
    assert workspace.events.all() == [] and workspace.claims.get(video.id).text


def test_wrong_events_are_refused(workspace: Workspace) -> None:
    claim = workspace.claims.create("one")
    with pytest.raises(ValidationError, match="name"):
        workspace.events.create("  ")
    with pytest.raises(ValidationError, match="ends_at"):
        workspace.events.create("x", starts_at="2015-06-05", ends_at="2015-06-01")
    with pytest.raises(ValidationError, match="time zone"):
        workspace.events.create("x", starts_at="2015-06-05T10:00")
    with pytest.raises(NotFoundError):
        workspace.events.create("x", claim_ids=["6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11"])
    assert workspace.events.all() == []  # nothing half-made
    event = workspace.events.create("x")
    with pytest.raises(NotFoundError, match="not in event"):
        workspace.events.remove_claim(event.id, claim.id)
    with pytest.raises(NotFoundError):
        workspace.events.get("6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11")


def test_a_report_of_one_event(workspace: Workspace) -> None:
    inside = workspace.claims.create("IS checkpoint video, Sarwan")
    workspace.claims.create("not in the event")
    event = workspace.events.create(
        "صوران — June 2015", place="Sarwan", actors=["IS"], claim_ids=[inside.id]
    )
    report = build_report(gather(workspace, ExportScope(event_ids=(event.id,))), workspace)
    assert [c.title for c in report.claims()] == ["IS checkpoint video, Sarwan"]
    scope = {line.label: line.value for line in report.cover.scope}
    assert "صوران — June 2015" in scope["Event"] and "Sarwan" in scope["Event is"]
    [entry] = report.claims()
    lines = {line.label: line.value for line in entry.lines}
    assert "صوران — June 2015" in lines["Events"]  # each claim names its events


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


def test_a_bag_carries_events_and_the_merge_adds_and_settles_them(tmp_path: Path) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        one, two = a.claims.create("one"), a.claims.create("two")
        outside = a.claims.create("not exported")
        event = a.events.create("Sarwan", place="Sarwan", claim_ids=[one.id, two.id, outside.id])
        path = export_json(
            gather(a, ExportScope(claim_ids=(one.id, two.id))), tmp_path / "d.json", ws=a
        )
        document = json.loads(path.read_text("utf-8"))
        assert [e["claim_ids"] for e in document["events"]] == [[one.id, two.id]]
        bag = tmp_path / "bag.zip"
        export_bag(a, gather(a, ExportScope(claim_ids=(one.id, two.id))), bag, zipped=True)
        assert import_bundle(b, bag).conflicts == ()
        here = b.events.get(event.id)
        assert (here.name, here.claim_ids, here.created_by) == ("Sarwan", (one.id, two.id), "alice")
        assert import_bundle(b, bag).conflicts == ()

        b.events.update(event.id, place="Sarwan village (bob, later)")
        [conflict] = import_bundle(b, bag).conflicts
        assert conflict.where == "event Sarwan" and "this workspace's kept" in conflict.message
        assert b.events.get(event.id).place == "Sarwan village (bob, later)"

        document["events"][0]["claim_ids"] = ["6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11"]
        (tmp_path / "bad.json").write_text(json.dumps(document), "utf-8")
        refused = import_bundle(b, tmp_path / "bad.json").refused
        assert refused is not None and "events[0].claim_ids[0]" in refused
    finally:
        a.close()
        b.close()
