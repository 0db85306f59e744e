"""The JSON export document: schema, content, and reading it back with named refusals."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from workbench.exchange import export
from workbench.exchange.interchange import SCHEMA_FILE, DocumentError, export_json
from workbench.exchange.interchange_reader import parse_document, read_document
from workbench.exchange.scope import ExportScope, ExportSet, gather
from workbench.sample import create_sample_case
from workbench.workspace import Location, Workspace


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ExportSet, Path]]:
    """A sample workspace with one more verdict, exported once for the whole module."""
    folder = tmp_path_factory.mktemp("interchange")
    ws = Workspace(Location.of(folder / "ws"), analyst="alice")
    try:
        create_sample_case(ws)
        export_set = gather(ws, ExportScope())
        out = export_json(export_set, folder / "export.json", ws=ws)
        yield export_set, out
    finally:
        ws.close()


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_document_validates_against_the_schema_file(exported: tuple[ExportSet, Path]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(_load(exported[1])), key=str)
    assert not errors, errors[0].message


def test_schema_catches_a_broken_document(exported: tuple[ExportSet, Path]) -> None:
    """The schema is not vacuous: a wrong status and a naive time fail it."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    doc = _load(exported[1])
    doc["claims"][0]["status"] = "maybe"
    doc["claims"][1]["updated_at"] = "2015-06-01T10:00:00"
    validator = jsonschema.Draft202012Validator(schema)
    paths = {tuple(e.absolute_path) for e in validator.iter_errors(doc)}
    assert ("claims", 0, "status") in paths
    assert ("claims", 1, "updated_at") in paths


def test_document_holds_everything(exported: tuple[ExportSet, Path]) -> None:
    export_set, path = exported
    doc = _load(path)
    assert doc["schema"] == "claim-workbench/export" and doc["version"] == 1
    assert doc["workspace_id"] == export_set.workspace_id
    assert doc["exported_by"] == "alice"
    assert datetime.fromisoformat(doc["exported_at"]).utcoffset() is not None
    assert len(doc["claims"]) == len(export_set.claims) == 6
    by_id = {c["id"]: c for c in doc["claims"]}
    for item in export_set.claims:
        claim, row = item.claim, by_id[item.claim.id]
        assert row["text"] == claim.text and row["status"] == claim.status
        assert row["rationale"] == claim.rationale and row["decided_by"] == claim.decided_by
        assert row["actors"] == list(claim.actors) and row["tags"] == list(claim.tags)
        assert row["version"] == claim.version
        assert row["updated_at"] == claim.updated_at.isoformat()
        assert [(m["sha256"], m["role"]) for m in row["media"]] == [
            (m.sha256, m.role) for m in claim.media
        ]
        assert row["source_id"] == (claim.source.id if claim.source else None)
    sources = {s["id"]: s for s in doc["sources"]}
    assert {s["reliability"] for s in sources.values()} >= {"D", "E"}
    assert all(s["display_name"] for s in sources.values())
    case = doc["cases"][0]
    assert case["name"].startswith("Sample") and case["description"]  # from the workspace
    media = {m["sha256"]: m for m in doc["media"]}
    assert set(media) == {m.sha256 for m in export_set.originals()}
    assert {m["kind"] for m in media.values()} == {"image", "video"}
    assert any(m["camera_make"] for m in media.values())  # the sample's EXIF picture
    actions = {(e["entity_type"], e["action"]) for e in doc["audit"]}
    assert {("claim", "create"), ("claim", "status"), ("media", "add")} <= actions


def test_read_document_types_what_an_import_needs(exported: tuple[ExportSet, Path]) -> None:
    export_set, path = exported
    doc = read_document(path)
    assert [c.id for c in doc.claims] == [item.claim.id for item in export_set.claims]
    first = export_set.claims[0].claim
    assert doc.claims[0].values["posted_at"] == first.posted_at
    assert doc.claims[0].updated_at == first.updated_at
    assert set(doc.media) == {m.sha256 for m in export_set.originals()}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(version=2), "version: 2 is not supported"),
        (lambda d: d.update(schema="other"), "schema: is 'other'"),
        (lambda d: d["claims"][2].update(status="maybe"), "claims[2].status: 'maybe'"),
        (lambda d: d["claims"][0].update(posted_at="2015-06-01 10:00"), "claims[0].posted_at"),
        (lambda d: d["claims"][1].pop("text"), "claims[1]: 'text' is missing"),
        (lambda d: d["claims"][0].update(latitude=95), "claims[0].latitude"),
        (lambda d: d["media"][0].update(sha256="../x"), "media[0].sha256"),
        (
            lambda d: d["claims"][0]["media"].append({"sha256": "a" * 64, "role": "evidence"}),
            "claims[0].media[2]",
        ),
        (lambda d: d["sources"][0].update(reliability="Z"), "sources[0].reliability"),
        (lambda d: d["claims"][3].update(id=d["claims"][4]["id"]), "appears twice"),
    ],
)
def test_bad_documents_are_refused_naming_the_place(
    exported: tuple[ExportSet, Path], change: Any, expected: str
) -> None:
    doc = _load(exported[1])
    change(doc)
    with pytest.raises(DocumentError) as caught:
        parse_document(doc, "export.json")
    assert str(caught.value).startswith("export.json: ")
    assert expected in str(caught.value)


def test_a_document_from_before_the_summary_field_is_read(
    exported: tuple[ExportSet, Path],
) -> None:
    """``summary`` came after version 1 was first written: a document may lack it; one
    that has it must have text."""
    doc = _load(exported[1])
    for claim in doc["claims"]:
        assert claim.pop("summary") == ""
    assert all(c.values["summary"] == "" for c in parse_document(doc, "old.json").claims)
    doc["claims"][0]["summary"] = 7
    with pytest.raises(DocumentError, match=r"claims\[0\]\.summary"):
        parse_document(doc, "old.json")


def test_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"schema": ', encoding="utf-8")
    with pytest.raises(DocumentError, match=r"broken.json: not valid JSON"):
        read_document(bad)


def test_json_and_bag_carry_the_seen_before_history(
    workspace: Workspace, data: Path, tmp_path: Path
) -> None:
    """Issue 14: the seen-before history was filled only for PDF, HTML and CSV; the JSON
    export and the bag's document (what a second desk imports) left it empty."""
    first = workspace.claims.create("The convoy photo, first post")
    repost = workspace.claims.create("The same photo, reposted")
    variant = workspace.claims.create("A recompressed copy")
    workspace.media.ingest([data / "neardup" / "hopper.png"], claim_id=first.id)
    workspace.media.ingest([data / "neardup" / "hopper.png"], claim_id=repost.id)
    workspace.media.ingest([data / "neardup" / "hopper.jpg"], claim_id=variant.id)
    json_out = export(workspace, "json", ExportScope(), tmp_path / "export.json").path
    bag = export(workspace, "bag", ExportScope(), tmp_path / "bag.zip").path
    with zipfile.ZipFile(bag) as archive:
        (inside,) = [n for n in archive.namelist() if n.endswith("data/workbench.json")]
        bag_doc = json.loads(archive.read(inside).decode("utf-8"))
    for doc in (_load(json_out), bag_doc):
        seen = {c["id"]: c["seen_before"][0] for c in doc["claims"]}
        assert seen[first.id]["other_claim_ids"] == [repost.id]  # the very file
        assert seen[repost.id]["other_claim_ids"] == [first.id]
        near = seen[variant.id]["near"]
        assert [sorted(n["claim_ids"]) for n in near] == [sorted([first.id, repost.id])]
        assert seen[variant.id]["other_claim_ids"] == []
