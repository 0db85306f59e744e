"""The ``workbench`` command as scripts see it: a real process, JSON on stdout, exit codes.

These shapes are a public contract: a change here is a change for every script that calls
the workbench, so a failing assertion means "bump the contract", not "update the test".
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageOps

from tests.composites import post_with, side_by_side

DATA = Path(__file__).resolve().parents[1] / "data"
INGEST_KEYS = {
    "path",
    "status",
    "error",
    "sha256",
    "media_id",
    "kind",
    "mime",
    "width",
    "height",
    "capture_time",
    "camera",
    "gps",
    "orientation",
    "near_duplicates",
    "known",
}
NEAR_KEYS = {"media_id", "sha256", "distance", "claim_ids", "first_seen", "overlaps"}


class CLI:
    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.env = {**os.environ, "WORKBENCH_ANALYST": "cli-tester"}
        self.env.pop("WORKBENCH_WORKSPACE", None)

    def run(
        self, *args: str, env: dict[str, str] | None = None, with_workspace: bool = True
    ) -> subprocess.CompletedProcess[str]:
        head = ["--workspace", str(self.workspace)] if with_workspace else []
        return subprocess.run(
            [sys.executable, "-m", "workbench", *head, *args],
            capture_output=True,
            text=True,
            env=env or self.env,
            timeout=120,
            check=False,
        )

    def json(self, *args: str) -> Any:
        done = (
            self.run(*args, "--json") if "--" not in args else self.run(*_json_before_dashes(args))
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # stdout is only JSON


def _json_before_dashes(args: tuple[str, ...]) -> list[str]:
    i = args.index("--")
    return [*args[:i], "--json", *args[i:]]


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "ws")


def test_init_creates_the_workspace(cli: CLI) -> None:
    out = cli.json("init")
    assert out["database"] == "sqlite"
    assert (cli.workspace / "workbench.sqlite").is_file()
    assert (cli.workspace / "media").is_dir()


def test_ingest_reports_each_file_in_the_documented_shape(cli: CLI, tmp_path: Path) -> None:
    dash = tmp_path / "-photo-.jpg"  # a name a careless script would take for an option
    shutil.copy(DATA / "neardup" / "hopper.jpg", dash)
    out = cli.json(
        "ingest",
        "--",
        str(DATA / "exif" / "iphone_hdr_NO.jpg"),
        str(DATA / "hostile" / "truncated_jpeg.jpg"),
        str(DATA / "neardup" / "hopper.png"),
        str(dash),
    )
    assert [set(o) >= INGEST_KEYS for o in out] == [True] * 4
    iphone, broken, hopper, dashed = out
    assert iphone["status"] == "added" and iphone["kind"] == "image"
    assert iphone["mime"] == "image/jpeg" and (iphone["width"], iphone["height"]) == (3264, 2448)
    assert iphone["camera"] == {"make": "Apple", "model": "iPhone 6"}
    assert iphone["gps"] == pytest.approx({"lat": 40.4469722, "lon": -3.7247528})
    assert iphone["capture_time"] == "2015-04-10T20:12:23" and iphone["orientation"] == 1
    assert len(iphone["sha256"]) == 64 and iphone["error"] is None
    assert broken["status"] == "error" and "truncated" in broken["error"]
    assert broken["sha256"] is None and broken["near_duplicates"] == []
    assert hopper["status"] == "added" and hopper["near_duplicates"] == []
    assert dashed["status"] == "added"
    [near] = dashed["near_duplicates"]
    assert set(near) >= NEAR_KEYS
    assert near["media_id"] == hopper["media_id"] and near["sha256"] == hopper["sha256"]
    assert isinstance(near["distance"], int) and near["claim_ids"] == []
    again = cli.json("ingest", str(DATA / "exif" / "iphone_hdr_NO.jpg"))
    assert again[0]["status"] == "exists" and again[0]["media_id"] == iphone["media_id"]


def test_ingest_walks_folders(cli: CLI) -> None:
    out = cli.json("ingest", str(DATA / "neardup"))
    statuses = {Path(o["path"]).name: o["status"] for o in out}
    assert statuses["SOURCES.md"] == "error"
    assert sum(s == "added" for s in statuses.values()) == 9


def test_match_lists_matches_best_first_and_stores_nothing(cli: CLI, tmp_path: Path) -> None:
    stored = cli.json(
        "ingest", str(DATA / "neardup" / "hopper.png"), str(DATA / "neardup" / "peppers.png")
    )
    out = cli.json(
        "match", str(DATA / "neardup" / "hopper.webp"), str(DATA / "exif" / "flower.jpg")
    )
    assert [o["query"] for o in out] == [
        str(DATA / "neardup" / "hopper.webp"),
        str(DATA / "exif" / "flower.jpg"),
    ]
    [m] = out[0]["matches"]
    assert set(m) >= {"media_id", "sha256", "distance", "claim_ids"}
    assert m["media_id"] == stored[0]["media_id"]
    assert out[1]["matches"] == []
    degraded = tmp_path / "forwarded.jpg"  # shrunk and recompressed, as messengers do
    with Image.open(DATA / "neardup" / "hopper.png") as im:
        im.convert("RGB").resize((40, 40)).save(degraded, quality=15)
    [near] = cli.json("match", str(degraded))[0]["matches"]
    assert 0 < near["distance"] <= 10
    strict = cli.json("match", "--max-distance", str(near["distance"] - 1), str(degraded))
    assert strict[0]["matches"] == []
    verify = cli.json("verify")
    assert verify["ok"] is True
    assert len(list((cli.workspace / "media").rglob("*"))) - 1 - 4 == 2  # tmp + 2x2 dirs + 2 files


def test_match_says_which_kind_of_evidence_matched(cli: CLI, tmp_path: Path) -> None:
    [stored] = cli.json("ingest", str(DATA / "neardup" / "peppers.png"))
    mirrored, turned = tmp_path / "mirrored.png", tmp_path / "turned.png"
    with Image.open(DATA / "neardup" / "peppers.png") as im:
        ImageOps.mirror(im.convert("RGB")).save(mirrored)
        im.convert("RGB").transpose(Image.Transpose.ROTATE_90).save(turned)
    out = cli.json("match", str(DATA / "neardup" / "peppers.jpg"), str(mirrored), str(turned))
    assert [[(m["media_id"], m["evidence"]) for m in o["matches"]] for o in out] == [
        [(stored["media_id"], "whole")],
        [(stored["media_id"], "mirrored")],
        [(stored["media_id"], "rotated_90")],
    ]
    [added] = cli.json("ingest", str(mirrored))
    assert [n["evidence"] for n in added["near_duplicates"]] == ["mirrored"]


def test_claim_lifecycle(cli: CLI) -> None:
    added = cli.json(
        "claim",
        "add",
        "--text",
        "IS fighters hold checkpoint in Sarwan",
        "--source",
        "telegram:@group_feed",
        "--source-reliability",
        "D",
        "--url",
        "https://t.me/group_feed/1",
        "--posted",
        "2015-06-01T12:00:00+03:00",
        "--case",
        "Northern Aleppo",
        "--original-text",
        "حاجز في صوران",
        "--language",
        "ar",
        "--tag",
        "checkpoint",
        "--actor",
        "IS",
        "--media",
        str(DATA / "neardup" / "hopper.jpg"),
    )
    claim_id = added["id"]
    assert added["media"][0]["status"] == "added"
    plain = cli.run("claim", "add", "--text", "second claim")
    assert plain.returncode == 0 and len(plain.stdout.strip()) == 36  # just the id

    shown = cli.json("claim", "show", claim_id)
    assert shown["id"] == claim_id and shown["status"] == "unconfirmed"
    assert shown["original_text"] == "حاجز في صوران" and shown["original_language"] == "ar"
    assert shown["source"]["platform"] == "telegram" and shown["source"]["reliability"] == "D"
    assert shown["posted_at"] == "2015-06-01T09:00:00+00:00"
    assert shown["case_name"] == "Northern Aleppo" and shown["tags"] == ["checkpoint"]
    assert shown["media"][0]["role"] == "claim_media"

    refused = cli.run("claim", "status", claim_id, "confirmed", "--json")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "rationale" in refused.stderr and "Traceback" not in refused.stderr
    decided = cli.json(
        "claim", "status", claim_id, "confirmed", "--rationale", "geolocated from the minaret"
    )
    assert decided["status"] == "confirmed" and decided["decided_by"] == "cli-tester"

    listed = cli.json("claim", "list", "--status", "confirmed")
    assert [c["id"] for c in listed] == [claim_id]
    assert len(cli.json("claim", "list")) == 2
    trail = cli.json("claim", "show", claim_id)["audit"]
    assert [e["action"] for e in trail] == ["create", "attach", "status"]

    near = cli.json("ingest", str(DATA / "neardup" / "hopper.png"))[0]["near_duplicates"]
    assert near[0]["claim_ids"] == [claim_id]


def test_errors_are_messages_with_a_non_zero_exit(cli: CLI) -> None:
    bad_time = cli.run("claim", "add", "--text", "x", "--posted", "2015-06-01T10:00", "--json")
    assert bad_time.returncode == 1 and bad_time.stdout == ""
    assert "posted_at" in bad_time.stderr and "time zone" in bad_time.stderr
    missing = cli.run("claim", "show", "00000000-0000-0000-0000-000000000000")
    assert missing.returncode == 1 and "no claim" in missing.stderr
    usage = cli.run("claim", "status")
    assert usage.returncode == 2
    for done in (bad_time, missing, usage):
        assert "Traceback" not in done.stderr


def test_verify_fails_on_a_changed_original(cli: CLI) -> None:
    [stored] = cli.json("ingest", str(DATA / "exif" / "flower.jpg"))
    assert cli.run("verify").returncode == 0
    original = next(p for p in (cli.workspace / "media").rglob(stored["sha256"]))
    original.chmod(0o644)
    original.write_bytes(b"edited")
    done = cli.run("verify", "--json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    assert report["problems"][0]["kind"] == "hash_mismatch"
    assert report["problems"][0]["sha256"] == stored["sha256"]


def test_verify_names_an_edited_audit_entry_and_checks_a_published_head(cli: CLI) -> None:
    import sqlite3

    claim = cli.json("claim", "add", "--text", "convoy seen at the bridge")
    cli.json("claim", "status", claim["id"], "refuted", "--rationale", "old video")
    clean = cli.json("verify")
    assert clean["ok"] is True and clean["problems"] == []
    head = clean["audit_chain"]["head"]
    assert clean["audit_chain"]["entries"] >= 2 and len(head) == 64
    assert cli.json("verify", "--head", head)["ok"] is True

    with sqlite3.connect(next(cli.workspace.glob("*.sqlite"))) as db:
        db.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = 1")
    done = cli.run("verify", "--json", "--head", head)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["ok"] is False
    edited = [p for p in report["problems"] if p["kind"] == "audit_edited"]
    assert len(edited) == 1 and "entry #1 (" in edited[0]["detail"]
    assert set(edited[0]) == {"kind", "sha256", "detail"} and len(edited[0]["sha256"]) == 64
    human = cli.run("verify")
    assert human.returncode == 1 and "audit_edited: " in human.stdout

    unknown = cli.run("verify", "--json", "--head", "ab" * 32)
    assert unknown.returncode == 1
    assert "audit_broken" in {p["kind"] for p in json.loads(unknown.stdout)["problems"]}
    assert cli.run("verify", "--head", "not-a-hash").returncode != 0


NO_FEATURES = {"considered": 0, "computed": 0, "found_inside": 0, "errors": []}


def test_reindex_reports_what_it_hashed_again(cli: CLI) -> None:
    cli.json("ingest", str(DATA / "exif" / "flower.jpg"))
    out = cli.json("reindex")
    # Stored with its views and its local features.
    assert out == {"considered": 0, "reindexed": 0, "errors": [], "features": NO_FEATURES}
    everything = cli.json("reindex", "--all")
    assert everything == {
        "considered": 1,
        "reindexed": 1,
        "errors": [],
        "features": NO_FEATURES,
    }
    assert "1 of 1 media hashed again" in cli.run("reindex", "--all").stdout


def test_a_photo_inside_a_post_comes_with_its_evidence(cli: CLI, tmp_path: Path) -> None:
    """Found by local features where no hash view meets: the new fields say where."""
    photo = DATA / "skimage" / "chelsea.png"
    cli.json("ingest", str(photo))
    post = post_with(photo, tmp_path / "post.png")
    matched = cli.json("match", str(post))
    [near] = matched[0]["matches"]
    assert near["evidence"] in ("region", "inside")
    assert near["points"] >= 15
    box = near["stored_in_query"]
    assert abs(box["x"] - 20) < 30 and abs(box["y"] - 130) < 30
    assert near["where"].startswith("contains it: ") and "points" in near["where"]
    assert set(near) >= NEAR_KEYS | {"points", "query_in_stored", "stored_in_query", "where"}
    stored = cli.json("ingest", str(post))
    [near] = stored[0]["near_duplicates"]
    assert near["points"] >= 15 and near["stored_in_query"] is not None


def test_ingest_later_leaves_features_to_reindex(cli: CLI, tmp_path: Path) -> None:
    """Two photos side by side in one picture: no hash view meets either; the reindex
    that computes the features finds both inside it."""
    photos = [DATA / "skimage" / "coffee.png", DATA / "skimage" / "chelsea.png"]
    collage = side_by_side(photos, tmp_path / "collage.png")
    cli.json("ingest", "--later", *map(str, photos))
    [added] = cli.json("ingest", "--later", str(collage))
    assert added["near_duplicates"] == []  # nothing yet: features come with reindex
    out = cli.json("reindex")
    assert out["features"] == {"considered": 3, "computed": 3, "found_inside": 1, "errors": []}
    assert cli.json("reindex")["features"]["considered"] == 0  # done, nothing to redo
    [again] = cli.json("ingest", str(collage))  # known now: what it holds, besides itself
    assert again["status"] == "exists"
    near = again["near_duplicates"]
    assert {n["evidence"] for n in near} == {"inside"}
    assert {n["sha256"] for n in near} == {stored_sha(cli, p) for p in photos}
    assert all(n["where"].startswith("contains it: ") and n["distance"] is None for n in near)


def stored_sha(cli: CLI, path: Path) -> str:
    [result] = cli.json("ingest", str(path))
    return str(result["sha256"])


def test_workspace_comes_from_the_environment_and_workbench_script_exists(
    cli: CLI, tmp_path: Path
) -> None:
    env = {**cli.env, "WORKBENCH_WORKSPACE": str(tmp_path / "from-env")}
    done = cli.run("init", "--json", env=env, with_workspace=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["workspace"] == str(tmp_path / "from-env")
    script = Path(sys.executable).parent / "workbench"
    assert script.exists()
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=True)
    for command in ("init", "ingest", "match", "claim", "verify", "reindex"):
        assert command in help_text.stdout


@pytest.mark.skipif(not os.environ.get("WORKBENCH_TEST_PG_URL"), reason="no PostgreSQL server")
def test_two_workstations_share_a_postgresql_workspace(pg_schema: str, tmp_path: Path) -> None:
    shared_media = tmp_path / "shared-media"
    desk, laptop = CLI(tmp_path / "desk"), CLI(tmp_path / "laptop")
    for station in (desk, laptop):
        out = station.json("init", "--database-url", pg_schema, "--media-dir", str(shared_media))
        assert out["database"] == "postgresql" and out["media_dir"] == str(shared_media)
    added = desk.json(
        "claim",
        "add",
        "--text",
        "convoy heads north",
        "--media",
        str(DATA / "neardup" / "peppers.png"),
    )
    assert [c["id"] for c in laptop.json("claim", "list")] == [added["id"]]
    again = laptop.json("ingest", str(DATA / "neardup" / "peppers.png"))[0]
    assert again["status"] == "exists"
    near = laptop.json("match", str(DATA / "neardup" / "peppers.jpg"))[0]["matches"]
    assert near[0]["claim_ids"] == [added["id"]]
    assert laptop.json("verify")["ok"] is True


def _two_claims(cli: CLI) -> tuple[str, str]:
    kept = cli.json(
        "claim",
        "add",
        "--text",
        "=1+1 convoy",
        "--source",
        "telegram:@coast",
        "--case",
        "Coast",
        "--tag",
        "convoy",
        "--posted",
        "2026-03-01T08:00:00+00:00",
    )["id"]
    other = cli.json("claim", "add", "--text", "other", "--posted", "2026-03-05T08:00:00+00:00")[
        "id"
    ]
    cli.json("claim", "status", kept, "refuted", "--rationale", "older picture")
    return kept, other


def test_claims_are_related_and_unrelated_and_show_says_so(cli: CLI) -> None:
    kept, other = _two_claims(cli)
    made = cli.json("claim", "relate", other, kept, "--as", "duplicate_of", "--note", "نسخة 📷")
    assert made == {
        "claim_id": other,
        "other_id": kept,
        "kind": "duplicate_of",
        "note": "نسخة 📷",
        "created_at": made["created_at"],
        "created_by": "cli-tester",
    }
    shown = cli.json("claim", "show", kept)["relations"]
    assert shown == [
        {
            "kind": "duplicate_of",
            "claim_id": other,
            "note": "نسخة 📷",
            "direction": "incoming",
            "status": "unconfirmed",
            "created_at": made["created_at"],
            "created_by": "cli-tester",
        }
    ]
    assert cli.json("claim", "show", other)["relations"][0]["direction"] == "outgoing"
    human = cli.run("claim", "show", other).stdout
    assert f"duplicate of: {kept} [refuted]" in human and "نسخة 📷" in human

    bad = cli.run("claim", "relate", kept, other, "--as", "supports")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    itself = cli.run("claim", "relate", kept, kept, "--as", "same_event")
    assert itself.returncode == 1 and "itself" in itself.stderr and "Traceback" not in itself.stderr

    gone = cli.json("claim", "unrelate", kept, other)
    assert gone["kind"] == "duplicate_of"
    assert cli.json("claim", "show", kept)["relations"] == []
    again = cli.run("claim", "unrelate", kept, other)
    assert again.returncode == 1 and "not related" in again.stderr
    actions = [e["action"] for e in cli.json("claim", "show", kept)["audit"]]
    assert actions[-2:] == ["relate", "unrelate"]


def test_a_media_finding_is_set_shown_and_cleared(cli: CLI) -> None:
    added = cli.json(
        "claim", "add", "--text", "convoy", "--media", str(DATA / "neardup" / "hopper.jpg")
    )
    media_id = added["media"][0]["media_id"]
    set_ = cli.json("media", "finding", media_id, "DecontextualizedContent", "--note", "صورة 2013")
    assert set_["media_id"] == media_id
    assert set_["finding"] == {
        "category": "DecontextualizedContent",
        "note": "صورة 2013",
        "by": "cli-tester",
        "at": set_["finding"]["at"],
    }
    [linked] = cli.json("claim", "show", added["id"])["media"]
    assert linked["finding"] == set_["finding"]
    assert linked["first_seen"] == {
        "claim_id": added["id"],
        "at": linked["first_seen"]["at"],
        "posted": False,
        "handle": "",
        "later": 0,
    }
    assert "[DecontextualizedContent]" in cli.run("claim", "show", added["id"]).stdout
    bad = cli.run("media", "finding", media_id, "Fake")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    missing = cli.run("media", "finding", "00000000-0000-0000-0000-000000000000", "StagedContent")
    assert missing.returncode == 1 and "no media" in missing.stderr
    assert cli.json("media", "finding", media_id, "none") == {"media_id": media_id, "finding": None}
    assert cli.json("claim", "show", added["id"])["media"][0]["finding"] is None


def test_a_checklist_step_is_set_and_show_lists_every_step(cli: CLI) -> None:
    kept, _ = _two_claims(cli)
    done = cli.json("claim", "check", kept, "place_located", "done", "--note", "المئذنة")
    assert done == {
        "step": "place_located",
        "label": "Place located",
        "state": "done",
        "note": "المئذنة",
        "by": "cli-tester",
        "at": done["at"],
    }
    checklist = cli.json("claim", "show", kept)["checklist"]
    assert [c["step"] for c in checklist] == [
        "source_identified",
        "earliest_copy_found",
        "place_located",
        "time_established",
        "independent_corroboration",
    ]
    assert set(checklist[0]) == {"step", "state", "note", "by", "at"}
    assert checklist[2] == {k: v for k, v in done.items() if k != "label"}
    assert checklist[0]["state"] == "not_done" and checklist[0]["at"] is None
    assert "[x] Place located: المئذنة" in cli.run("claim", "show", kept).stdout
    unknown = cli.run("claim", "check", kept, "vibes", "done")
    assert unknown.returncode == 1 and "not a step" in unknown.stderr
    bad = cli.run("claim", "check", kept, "place_located", "maybe")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_events_are_added_listed_shown_and_reported(cli: CLI, tmp_path: Path) -> None:
    kept, other = _two_claims(cli)
    made = cli.json(
        "event",
        "add",
        "--name",
        "صوران، حزيران 2015",
        "--place",
        "Sarwan",
        "--from",
        "2015-06-01",
        "--to",
        "2015-06-05",
        "--actor",
        "IS",
        "--claim",
        kept,
    )
    assert set(made) == {
        "id",
        "name",
        "place",
        "starts_at",
        "ends_at",
        "actors",
        "notes",
        "created_at",
        "created_by",
        "updated_at",
        "claim_ids",
    }
    assert made["claim_ids"] == [kept] and made["starts_at"] == "2015-06-01T00:00:00+00:00"
    assert [e["id"] for e in cli.json("event", "list")] == [made["id"]]
    shown = cli.json("event", "show", made["id"])
    assert [c["id"] for c in shown["claims"]] == [kept] and shown["claims"][0][
        "status"
    ] == "refuted"
    assert "telegram:@coast" in cli.run("event", "show", made["id"]).stdout
    assert cli.json("claim", "show", kept)["events"] == [
        {"id": made["id"], "name": "صوران، حزيران 2015"}
    ]
    assert cli.json("claim", "show", other)["events"] == []
    out = tmp_path / "event.json"
    done = cli.json("export", "--format", "json", "--event", made["id"], "--out", str(out))
    assert done["claims"] == 1
    document = json.loads(out.read_text("utf-8"))
    assert document["scope"]["event_ids"] == [made["id"]]
    assert [e["id"] for e in document["events"]] == [made["id"]]
    wrong = cli.run("event", "add", "--name", "x", "--from", "2015-06-05", "--to", "2015-06-01")
    assert wrong.returncode == 1 and "ends_at" in wrong.stderr and "Traceback" not in wrong.stderr
    missing = cli.run(
        "export", "--format", "pdf", "--event", "nope", "--out", str(tmp_path / "x.pdf")
    )
    assert missing.returncode == 1 and "event" in missing.stderr


def test_export_writes_the_chosen_claims_in_the_documented_shape(cli: CLI, tmp_path: Path) -> None:
    kept, other = _two_claims(cli)
    out = tmp_path / "claims.csv"
    done = cli.json(
        "export", "--format", "csv", "--out", str(out), "--case", "coast", "--to", "2026-03-01"
    )
    assert done == {
        "format": "csv",
        "out": str(out),
        "claims": 1,
        "originals": 0,
        "left_out": [],
        "warnings": [],
    }
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and rows[1].startswith(f"{kept},refuted,'=1+1 convoy,")
    review = tmp_path / "reviews.jsonld"
    cli.json("export", "--format", "claimreview", "--out", str(review), "--status", "refuted")
    graph = json.loads(review.read_text(encoding="utf-8"))["@graph"]
    assert [r["identifier"] for r in graph] == [kept]
    everything = cli.json(
        "export",
        "--format",
        "csv",
        "--out",
        str(out),
        "--source",
        "telegram:@coast",
        "--claim",
        other,
    )
    assert everything["claims"] == 0  # every filter holds at once
    unknown = cli.run("export", "--format", "csv", "--out", str(out), "--case", "nowhere")
    assert unknown.returncode == 1 and "no case 'nowhere'" in unknown.stderr
    bad_format = cli.run("export", "--format", "docx", "--out", str(out))
    assert bad_format.returncode == 2


def test_claimreview_export_says_what_it_left_out_and_where_reviews_live(
    cli: CLI, tmp_path: Path
) -> None:
    """Issue 14: the command said 9 claims while writing 7 reviews; no review had a url."""
    decided = cli.json(
        "claim", "add", "--text", "A long claim. " * 40, "--summary", "Convoy photo is from 2013"
    )["id"]
    cli.json("claim", "status", decided, "refuted", "--rationale", "older picture")
    undecided = cli.json("claim", "add", "--text", "not decided yet")["id"]
    assert cli.json("claim", "show", decided)["summary"] == "Convoy photo is from 2013"
    out = tmp_path / "reviews.jsonld"
    done = cli.json(
        "export",
        "--format",
        "claimreview",
        "--out",
        str(out),
        "--review-url",
        "https://d.example/r",
    )
    assert done["claims"] == 1 and done["warnings"] == []
    assert done["left_out"] == [{"id": undecided, "reason": "unconfirmed: no verdict to publish"}]
    (review,) = json.loads(out.read_text(encoding="utf-8"))["@graph"]
    assert review["url"] == f"https://d.example/r/{decided}"
    assert review["claimReviewed"] == "Convoy photo is from 2013"
    human = cli.run("export", "--format", "claimreview", "--out", str(out))
    assert human.returncode == 0
    assert f"1 left out (unconfirmed: no verdict to publish): {undecided}" in human.stdout
    assert "warning: no publication URL is set" in human.stdout  # none in Settings either
    bad = cli.run("export", "--format", "claimreview", "--out", str(out), "--review-url", "ftp:x")
    assert bad.returncode == 1 and "review-url" in bad.stderr


def test_export_writes_an_excel_workbook_beside_csv(cli: CLI, tmp_path: Path) -> None:
    import openpyxl

    kept, _ = _two_claims(cli)
    out = tmp_path / "claims.xlsx"
    done = cli.json("export", "--format", "xlsx", "--out", str(out), "--case", "coast")
    assert {k: done[k] for k in ("format", "out", "claims", "originals")} == {
        "format": "xlsx",
        "out": str(out),
        "claims": 1,
        "originals": 0,
    }
    sheet = openpyxl.load_workbook(out).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    [row] = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(2)]
    assert row["id"].value == kept and row["status"].value == "refuted"
    assert row["text"].value == "'=1+1 convoy" and row["text"].data_type == "s"
    assert row["posted_at"].value == "2026-03-01T08:00:00+00:00"
    assert "xlsx" in cli.run("export", "--help").stdout


def test_a_bag_goes_from_one_workspace_to_another_by_the_command_line(
    cli: CLI, tmp_path: Path
) -> None:
    kept, _ = _two_claims(cli)
    cli.json("ingest", "--claim", kept, str(DATA / "exif" / "Canon_40D.jpg"))
    bag = tmp_path / "coast.zip"
    done = cli.json("export", "--format", "bag", "--out", str(bag), "--case", "Coast")
    assert (done["claims"], done["originals"]) == (1, 1) and bag.is_file()
    for fmt, suffix, head in (("pdf", ".pdf", b"%PDF-"), ("html", ".html", b"<!DOCTYPE html")):
        out = tmp_path / f"report{suffix}"
        assert cli.json("export", "--format", fmt, "--out", str(out))["claims"] == 2
        assert out.read_bytes()[:20].lower().startswith(head.lower())
    document = tmp_path / "all.json"
    cli.json("export", "--format", "json", "--out", str(document))
    assert json.loads(document.read_text(encoding="utf-8"))["version"] == 1

    other = CLI(tmp_path / "other")
    summary = other.json("import", str(bag))
    assert summary["format"] == "bag" and summary["refused"] is None
    assert summary["added"] == [kept] and summary["media_added"] == 1
    assert set(summary) == {
        "path",
        "format",
        "refused",
        "added",
        "merged",
        "skipped",
        "conflicts",
        "media_added",
        "media_existing",
    }
    again = other.json("import", str(bag))
    assert again["added"] == [] and again["merged"] == [kept] and again["conflicts"] == []
    shown = other.json("claim", "show", kept)
    assert shown["status"] == "refuted" and len(shown["media"]) == 1

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    refused = other.run("import", str(broken), "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["refused"]
    assert "Traceback" not in refused.stderr


def test_a_claims_location_precision_is_given_shown_and_checked(cli: CLI) -> None:
    added = cli.json(
        "claim", "add", "--text", "Checkpoint in Sarwan", "--lat", "36.4581", "--lon", "37.1732",
        "--precision", "vicinity",
    )  # fmt: skip
    shown = cli.json("claim", "show", added["id"])
    assert (shown["latitude"], shown["longitude"], shown["location_precision"]) == (
        36.4581,
        37.1732,
        "vicinity",
    )
    refused = cli.run("claim", "add", "--text", "x", "--precision", "somewhere")
    assert refused.returncode == 2 and "--precision" in refused.stderr
    assert "exact" in refused.stderr and "Traceback" not in refused.stderr


def test_the_command_line_package_runs_as_a_module_too(tmp_path: Path) -> None:
    """``python -m workbench.cli`` (what scripts called before the command line became a
    package) is the same command as ``python -m workbench``."""
    env = {**os.environ, "WORKBENCH_WORKSPACE": str(tmp_path / "ws")}
    ran = [
        subprocess.run(
            [sys.executable, "-m", module, "--version"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        for module in ("workbench", "workbench.cli")
    ]
    assert [r.returncode for r in ran] == [0, 0], [r.stderr for r in ran]
    assert ran[0].stdout == ran[1].stdout and "Claim workbench" in ran[0].stdout
