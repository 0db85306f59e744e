"""Relations between claims, on SQLite and PostgreSQL: one a pair, audited on both claims,
replaced and removed from either side, gone with a removed claim, refused when wrong."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from workbench.base.errors import NotFoundError, ValidationError
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import export_json
from workbench.exchange.report import build_report
from workbench.exchange.scope import ExportScope, gather
from workbench.library.first_seen import first_seen
from workbench.workspace import Location, Workspace


def test_a_relation_reads_from_both_claims(workspace: Workspace) -> None:
    video = workspace.claims.create(
        "Checkpoint video: IS holds Sarwan", posted_at="2015-06-01T10:00Z"
    )
    statement = workspace.claims.create(
        "بيان: قوات المعارضة تسيطر على صوران 🏳️", summary="Rebels say they hold Sarwan"
    )
    workspace.claims.set_status(statement.id, "refuted", "video geolocated to Sarwan, 1 June")
    made = workspace.relations.relate(video.id, statement.id, "contradicts", "rival claims ⟵ ‏")
    assert (made.claim_id, made.other_id, made.kind) == (video.id, statement.id, "contradicts")
    assert made.created_by == workspace.analyst

    [seen] = workspace.relations.of(video.id)
    assert (seen.claim_id, seen.kind, seen.direction) == (statement.id, "contradicts", "outgoing")
    assert (seen.status, seen.text, seen.note) == (
        "refuted",
        "Rebels say they hold Sarwan",
        "rival claims ⟵ ‏",
    )
    [back] = workspace.relations.of(statement.id)
    assert (back.claim_id, back.direction, back.status) == (video.id, "incoming", "unconfirmed")
    # Neither claim's version moved: a relation never conflicts with an edit.
    assert workspace.claims.get(video.id).version == video.version
    for claim_id in (video.id, statement.id):
        [entry] = [e for e in workspace.claims.history(claim_id) if e.action == "relate"]
        assert entry.changes["relation"][0] is None
        assert entry.changes["relation"][1]["kind"] == "contradicts"


def test_relating_a_pair_again_replaces_it_from_either_side(workspace: Workspace) -> None:
    a = workspace.claims.create("copy of the convoy photo")
    b = workspace.claims.create("convoy photo, first posted")
    workspace.relations.relate(a.id, b.id, "corroborates")
    workspace.relations.relate(b.id, a.id, "duplicate_of", "same photo, cropped")
    [rel] = workspace.relations.of(a.id)
    assert (rel.kind, rel.direction, rel.words) == ("duplicate_of", "incoming", "has duplicate")
    assert workspace.relations.of(b.id)[0].words == "duplicate of"
    replaced = [e for e in workspace.claims.history(a.id) if e.action == "relate"][-1]
    assert replaced.changes["relation"][0]["kind"] == "corroborates"

    gone = workspace.relations.unrelate(a.id, b.id)  # made from b: removed from a
    assert gone.kind == "duplicate_of"
    assert workspace.relations.of(a.id) == [] and workspace.relations.of(b.id) == []
    assert [e.action for e in workspace.claims.history(b.id)][-1] == "unrelate"
    with pytest.raises(NotFoundError, match="not related"):
        workspace.relations.unrelate(a.id, b.id)


def test_wrong_relations_are_refused_and_nothing_is_written(workspace: Workspace) -> None:
    a = workspace.claims.create("one")
    b = workspace.claims.create("two")
    with pytest.raises(ValidationError, match="kind"):
        workspace.relations.relate(a.id, b.id, "supports")
    with pytest.raises(ValidationError, match="itself"):
        workspace.relations.relate(a.id, a.id, "same_event")
    with pytest.raises(NotFoundError):
        workspace.relations.relate(a.id, "6b0d2d9e-6c5e-4a55-9c2b-2f3f3c1d0a11", "same_event")
    with pytest.raises(ValidationError, match="not an id"):
        workspace.relations.relate(a.id, "b", "same_event")
    with pytest.raises(ValidationError, match="note"):
        workspace.relations.relate(a.id, b.id, "same_event", "x" * 5000)
    assert workspace.relations.of(a.id) == []
    assert not [e for e in workspace.claims.history(a.id) if e.action == "relate"]


def test_a_removed_claim_takes_its_relations_with_it(workspace: Workspace) -> None:
    a = workspace.claims.create("one")
    b = workspace.claims.create("two")
    c = workspace.claims.create("three")
    workspace.relations.relate(a.id, b.id, "same_event")
    workspace.relations.relate(c.id, a.id, "corroborates")
    assert {r.other_id for r in workspace.relations.among([a.id, b.id])} == {b.id}
    assert len(workspace.relations.among([a.id, b.id, c.id])) == 2
    workspace.claims.delete(a.id)
    assert workspace.relations.of(b.id) == [] and workspace.relations.of(c.id) == []


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


def test_a_bag_carries_the_relations_among_its_claims_and_the_merge_adds_them(
    tmp_path: Path,
) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        one = a.claims.create("IS checkpoint video, Sarwan", case="Sarwan")
        two = a.claims.create("بيان المعارضة: صوران بأيدينا", case="Sarwan")
        three = a.claims.create("convoy photo", case="Elsewhere")
        a.relations.relate(one.id, two.id, "contradicts", "rival accounts 🛑")
        a.relations.relate(three.id, one.id, "same_event")  # three is not exported below
        bag = tmp_path / "sarwan.zip"
        export_bag(a, gather(a, ExportScope(claim_ids=(one.id, two.id))), bag, zipped=True)
        document = json.loads(zipfile.ZipFile(bag).read("sarwan/data/workbench.json"))
        assert [(r["claim_id"], r["kind"]) for r in document["relations"]] == [
            (one.id, "contradicts")
        ]

        summary = import_bundle(b, bag)
        assert summary.refused is None and not summary.conflicts
        [seen] = b.relations.of(one.id)
        assert (seen.claim_id, seen.kind, seen.note) == (two.id, "contradicts", "rival accounts 🛑")
        assert seen.created_by == "alice"  # who made it travels; bob's import is audited
        merged = b.claims.history(two.id)[-1]
        assert (merged.action, merged.actor) == ("merge", "bob")
        assert "imported_from" in merged.changes
        assert any(e.action == "relate" and e.actor == "alice" for e in b.claims.history(one.id))

        before = len(b.claims.history(one.id))
        again = import_bundle(b, bag)  # nothing new: nothing added, nothing audited
        assert not again.conflicts and len(b.claims.history(one.id)) == before

        # Related differently on each side: the later one is kept, and it is listed.
        b.relations.relate(one.id, two.id, "corroborates", "bob, later")
        summary = import_bundle(b, bag)
        [conflict] = summary.conflicts
        assert two.id in conflict.where and "this workspace's kept" in conflict.message
        assert b.relations.of(one.id)[0].kind == "corroborates"
    finally:
        a.close()
        b.close()


def test_a_document_from_before_relations_still_merges_and_bad_ones_are_named(
    tmp_path: Path,
) -> None:
    a, b = _open(tmp_path / "a", "alice"), _open(tmp_path / "b", "bob")
    try:
        one, two = a.claims.create("one"), a.claims.create("two")
        a.relations.relate(one.id, two.id, "duplicate_of")
        path = export_json(gather(a, ExportScope()), tmp_path / "all.json", ws=a)
        document = json.loads(path.read_text("utf-8"))
        old = {k: v for k, v in document.items() if k != "relations"}
        (tmp_path / "old.json").write_text(json.dumps(old), "utf-8")
        summary = import_bundle(b, tmp_path / "old.json")
        assert summary.refused is None and sorted(summary.added) == sorted([one.id, two.id])
        assert b.relations.of(one.id) == []

        document["relations"][0]["other_id"] = document["relations"][0]["claim_id"]
        (tmp_path / "self.json").write_text(json.dumps(document), "utf-8")
        refused = import_bundle(b, tmp_path / "self.json").refused
        assert refused is not None and "relations[0]" in refused and "itself" in refused
        document["relations"][0]["kind"] = "supports"
        (tmp_path / "kind.json").write_text(json.dumps(document), "utf-8")
        refused = import_bundle(b, tmp_path / "kind.json").refused
        assert refused is not None and "relations[0].kind" in refused
    finally:
        a.close()
        b.close()


def test_a_report_names_each_relation_and_the_other_claim(workspace: Workspace) -> None:
    one = workspace.claims.create("IS checkpoint video, Sarwan")
    two = workspace.claims.create("بيان: صوران بأيدينا")
    outside = workspace.claims.create("convoy photo, posted later")
    workspace.claims.set_status(two.id, "refuted", "the video shows the checkpoint on 1 June")
    workspace.relations.relate(one.id, two.id, "contradicts", "rival accounts")
    workspace.relations.relate(outside.id, one.id, "duplicate_of")
    report = build_report(gather(workspace, ExportScope(claim_ids=(one.id, two.id))), workspace)
    first, second = report.claims()
    lines = {line.label: line.value for line in first.lines}
    assert lines["Contradicts"].startswith("#2 ") and "(refuted) — " in lines["Contradicts"]
    assert "rival accounts" in lines["Contradicts"]
    assert "not in this report" in lines["Has duplicate"]
    assert "#1 " in {line.label: line.value for line in second.lines}["Contradicts"]


def test_first_seen_is_the_earliest_claim_of_the_file_or_a_near_copy(
    workspace: Workspace,
) -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "neardup"
    old = workspace.claims.create(
        "the original post", posted_at="2013-04-02T10:00:00Z", source=("twitter", "@first")
    )
    new = workspace.claims.create("today's convoy", posted_at="2015-06-03T14:10:00Z")
    undated = workspace.claims.create("a copy, post time unknown")
    [a] = workspace.media.ingest([data / "hopper.jpg"], claim_id=old.id)
    [b] = workspace.media.ingest([data / "hopper.png"], claim_id=new.id)
    workspace.media.ingest([data / "hopper.png"], claim_id=undated.id)
    assert a.media is not None and b.media is not None
    seen = first_seen(workspace, b.media.id)
    assert seen is not None and (seen.claim_id, seen.handle, seen.later) == (old.id, "@first", 2)
    assert seen.sentence() == "first seen 2013-04-02 10:00 UTC, @first, 2 later copies"
    lone = workspace.claims.create("nothing like it")
    [c] = workspace.media.ingest([data / "peppers.png"], claim_id=lone.id)
    assert c.media is not None
    only = first_seen(workspace, c.media.id)
    assert only is not None and only.later == 0 and not only.dated
    assert "post time unknown" in only.sentence()
