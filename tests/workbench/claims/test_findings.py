"""Findings on media, on SQLite and PostgreSQL: set, replaced, cleared, audited, refused
when wrong; carried by the JSON export and bags, merged by the later, listed when they
differ; named in reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.base.errors import NotFoundError, ValidationError
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import export_json
from workbench.exchange.report import build_report
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"


def _picture(
    ws: Workspace, name: str = "hopper.jpg", text: str = "convoy photo"
) -> tuple[str, str]:
    claim = ws.claims.create(text)
    [added] = ws.media.ingest([DATA / "neardup" / name], claim_id=claim.id)
    assert added.media is not None
    return claim.id, added.media.id


def test_a_finding_is_set_replaced_cleared_and_audited(workspace: Workspace) -> None:
    claim_id, media_id = _picture(workspace)
    found = workspace.findings.set(media_id, "DecontextualizedContent", "من 2013 — ‏Homs 📷")
    assert found is not None and found.by == workspace.analyst and found.at is not None
    assert workspace.media.get(media_id).finding == found
    [linked] = workspace.claims.get(claim_id).media
    assert linked.finding == found
    workspace.findings.set(media_id, "EditedOrCroppedContent")
    assert workspace.media.get(media_id).finding.category == "EditedOrCroppedContent"
    assert workspace.findings.set(media_id, None) is None
    assert workspace.media.get(media_id).finding is None
    assert workspace.findings.set(media_id, None) is None  # nothing to clear: no entry
    trail = [e for e in workspace.media.history(media_id) if e.action == "finding"]
    assert [(e.changes["finding"][0], e.changes["finding"][1]) for e in trail] == [
        (None, {"category": "DecontextualizedContent", "note": "من 2013 — ‏Homs 📷"}),
        (
            {"category": "DecontextualizedContent", "note": "من 2013 — ‏Homs 📷"},
            {"category": "EditedOrCroppedContent", "note": ""},
        ),
        ({"category": "EditedOrCroppedContent", "note": ""}, None),
    ]


def test_wrong_findings_are_refused(workspace: Workspace) -> None:
    _, media_id = _picture(workspace)
    with pytest.raises(ValidationError, match="finding"):
        workspace.findings.set(media_id, "Fake")
    with pytest.raises(ValidationError, match="note"):
        workspace.findings.set(media_id, "StagedContent", "x" * 3000)
    with pytest.raises(NotFoundError):
        workspace.findings.set("6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11", "StagedContent")
    with pytest.raises(ValidationError, match="not an id"):
        workspace.findings.set("m1", "StagedContent")
    assert workspace.media.get(media_id).finding is None


def test_a_report_names_the_finding(workspace: Workspace) -> None:
    _, media_id = _picture(workspace)
    workspace.findings.set(media_id, "StagedContent", "actors rehearse the scene")
    [entry] = build_report(gather(workspace, ExportScope()), workspace).claims()
    lines = {line.label: line.value for line in entry.media[0].lines}
    assert lines["Finding"].startswith("Staged — actors rehearse the scene (")


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


def test_a_bag_carries_findings_and_the_later_wins(tmp_path: Path) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        _, media_id = _picture(a)
        a.findings.set(media_id, "DecontextualizedContent", "first posted 2013")
        bag = tmp_path / "one.zip"
        export_bag(a, gather(a, ExportScope()), bag, zipped=True)
        summary = import_bundle(b, bag)
        assert summary.refused is None and not summary.conflicts
        [claim] = b.claims.find()
        here = b.media.get(claim.media[0].media_id).finding
        assert here is not None and (here.category, here.note, here.by) == (
            "DecontextualizedContent",
            "first posted 2013",
            "alice",
        )
        assert import_bundle(b, bag).conflicts == ()  # the same again: nothing differs

        b.findings.set(here_id := claim.media[0].media_id, "OriginalMediaContent", "bob, later")
        summary = import_bundle(b, bag)
        [conflict] = summary.conflicts
        assert "hopper.jpg" in conflict.where and "this workspace's kept" in conflict.message
        assert b.media.get(here_id).finding.category == "OriginalMediaContent"

        a.findings.set(media_id, "TransformedContent", "alice, later still")
        export_bag(a, gather(a, ExportScope()), tmp_path / "two.zip", zipped=True)
        summary = import_bundle(b, tmp_path / "two.zip")
        assert "the bag's, set later, taken" in summary.conflicts[0].message
        assert b.media.get(here_id).finding.category == "TransformedContent"
        assert b.media.history(here_id)[-1].action == "merge"
    finally:
        a.close()
        b.close()


def test_a_document_without_findings_merges_and_a_bad_one_is_named(tmp_path: Path) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        _, media_id = _picture(a)
        a.findings.set(media_id, "StagedContent")
        document = json.loads(
            export_json(gather(a, ExportScope()), tmp_path / "d.json", ws=a).read_text("utf-8")
        )
        assert document["media"][0]["finding"]["category"] == "StagedContent"
        document["media"][0]["finding"]["category"] = "Fake"
        (tmp_path / "bad.json").write_text(json.dumps(document), "utf-8")
        refused = import_bundle(b, tmp_path / "bad.json").refused
        assert refused is not None and "media[0].finding" in refused
        del document["media"][0]["finding"]
        (tmp_path / "old.json").write_text(json.dumps(document), "utf-8")
        assert import_bundle(b, tmp_path / "old.json").refused is None
    finally:
        a.close()
        b.close()
