"""The verification checklist, on SQLite and PostgreSQL: the standard steps and the
desk's own, each step set with a note and audited, refusals, reports, and bags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.base.errors import NotFoundError, ValidationError
from workbench.claims.checklist import STANDARD, step_key
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import export_json
from workbench.exchange.report import build_report
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Location, Workspace


def test_every_claim_starts_with_every_step_open(workspace: Workspace) -> None:
    claim = workspace.claims.create("IS checkpoint in Sarwan")
    checks = workspace.checklist.of(claim.id)
    assert [c.step for c in checks] == list(STANDARD)
    assert all(c.state == "not_done" and c.open and c.at is None for c in checks)
    assert workspace.checklist.open_steps(claim.id) == list(STANDARD.values())


def test_a_step_is_set_with_a_note_and_audited(workspace: Workspace) -> None:
    claim = workspace.claims.create("IS checkpoint in Sarwan")
    done = workspace.checklist.set(claim.id, "place_located", "done", "المئذنة — the minaret 🕌")
    assert (done.state, done.by, done.label) == ("done", workspace.analyst, "Place located")
    workspace.checklist.set(claim.id, "time_established", "not_applicable")
    states = {c.step: c.state for c in workspace.checklist.of(claim.id)}
    assert states["place_located"] == "done" and states["time_established"] == "not_applicable"
    assert "Place located" not in workspace.checklist.open_steps(claim.id)
    workspace.checklist.set(claim.id, "place_located", "not_done", "the minaret is not unique")
    [first, _, again] = [e for e in workspace.claims.history(claim.id) if e.action == "check"]
    assert first.changes == {
        "step": "place_located",
        "check": [None, {"state": "done", "note": "المئذنة — the minaret 🕌"}],
    }
    assert again.changes["check"][0]["state"] == "done"
    assert workspace.claims.get(claim.id).version == claim.version  # not a claim field


def test_the_desk_adds_its_own_steps_and_a_removed_one_keeps_what_was_set(
    workspace: Workspace,
) -> None:
    claim = workspace.claims.create("convoy photo")
    kept = workspace.checklist.set_desk_steps(
        ["Weather matches", "", "Weather matches", "تم التحقق من الظل", "Place located"]
    )
    assert kept == ["Weather matches", "تم التحقق من الظل"]  # repeats and standard ones once
    assert workspace.checklist.desk_steps() == kept
    steps = workspace.checklist.steps()
    assert list(steps)[-2:] == ["weather_matches", step_key("تم التحقق من الظل")]
    workspace.checklist.set(claim.id, "weather_matches", "done", "rain on 3 June")
    workspace.checklist.set_desk_steps([])
    last = workspace.checklist.of(claim.id)[-1]
    assert (last.step, last.state, last.note) == ("weather_matches", "done", "rain on 3 June")
    with pytest.raises(ValidationError, match="not a step"):
        workspace.checklist.set(claim.id, "weather_matches", "done")


def test_wrong_checks_are_refused(workspace: Workspace) -> None:
    claim = workspace.claims.create("one")
    with pytest.raises(ValidationError, match="not a step"):
        workspace.checklist.set(claim.id, "vibes_checked", "done")
    with pytest.raises(ValidationError, match="state"):
        workspace.checklist.set(claim.id, "place_located", "maybe")
    with pytest.raises(ValidationError, match="note"):
        workspace.checklist.set(claim.id, "place_located", "done", "x" * 3000)
    with pytest.raises(NotFoundError):
        workspace.checklist.set("6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11", "place_located", "done")
    with pytest.raises(ValidationError, match="letters"):
        workspace.checklist.set_desk_steps(["!!!"])
    assert not [e for e in workspace.claims.history(claim.id) if e.action == "check"]


def test_a_report_lists_the_checklist(workspace: Workspace) -> None:
    claim = workspace.claims.create("one")
    workspace.checklist.set(claim.id, "source_identified", "done", "@group_feed, since 2014")
    [entry] = build_report(gather(workspace, ExportScope()), workspace).claims()
    lines = {line.label: line.value for line in entry.lines}
    assert lines["Step: Source identified"].startswith("done — @group_feed, since 2014 (")
    assert lines["Step: Place located"] == "not done"


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


def test_a_bag_carries_the_checks_and_the_later_wins(tmp_path: Path) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        claim = a.claims.create("convoy photo")
        a.checklist.set(claim.id, "earliest_copy_found", "done", "2013 post on a forum")
        bag = tmp_path / "one.zip"
        export_bag(a, gather(a, ExportScope()), bag, zipped=True)
        assert import_bundle(b, bag).conflicts == ()
        got = {c.step: c for c in b.checklist.of(claim.id)}["earliest_copy_found"]
        assert (got.state, got.note, got.by) == ("done", "2013 post on a forum", "alice")
        assert import_bundle(b, bag).conflicts == ()  # the same again: nothing differs
        b.checklist.set(claim.id, "earliest_copy_found", "not_done", "bob: the forum is a mirror")
        [conflict] = import_bundle(b, bag).conflicts
        assert (
            "earliest_copy_found" in conflict.where and "this workspace's kept" in conflict.message
        )

        path = export_json(gather(a, ExportScope()), tmp_path / "d.json", ws=a)
        document = json.loads(path.read_text("utf-8"))
        document["checks"][0]["state"] = "maybe"
        (tmp_path / "bad.json").write_text(json.dumps(document), "utf-8")
        refused = import_bundle(b, tmp_path / "bad.json").refused
        assert refused is not None and "checks[0].state" in refused
    finally:
        a.close()
        b.close()
