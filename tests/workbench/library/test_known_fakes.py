"""Known-fakes lists between desks, on SQLite and PostgreSQL: one desk writes the hashes
of its refuted claims' pictures and video frames (never the originals), a plain CSV reader
reads them, another desk takes the list in, and ingest and ``match`` then say that a copy
is on it; bad rows are skipped and named; a list is removed whole."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PIL import Image

from tests.cli.test_cli import CLI
from tests.workbench.library.test_video_features import video_path
from workbench.base.errors import NotFoundError, ValidationError
from workbench.exchange.scope import ExportScope, gather
from workbench.library.known_fakes import COLUMNS, FORMAT
from workbench.workspace import Location, Workspace

__all__ = ["video_path"]  # the fixture, shared
DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def desk_a_list(tmp_path: Path, video_path: Path) -> Path:
    """Desk A's list: a refuted claim with a photo and a video, and an open one."""
    a = Workspace(Location.of(tmp_path / "desk-a"), analyst="alice")
    try:
        fake = a.claims.create("Convoy today", summary="recycled 2013 photo")
        a.media.ingest([DATA / "neardup" / "hopper.jpg", video_path], claim_id=fake.id)
        a.claims.set_status(fake.id, "refuted", "the photo is from 2013")
        other = a.claims.create("still open")
        a.media.ingest([DATA / "neardup" / "peppers.png"], claim_id=other.id)
        out = tmp_path / "desk-a-fakes.csv"
        rows, items = a.known.write_list(
            gather(a, ExportScope(statuses=("refuted",))).claims, out, "Desk A"
        )
        assert rows == 2 * items and items > 3  # pHash and dHash of the photo and each frame
        return out
    finally:
        a.close()


def test_a_plain_csv_reader_reads_the_list(desk_a_list: Path) -> None:
    with desk_a_list.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert {r["format"] for r in rows} == {FORMAT}
    assert {r["algorithm"] for r in rows} == {"phash", "dhash"}
    assert {r["kind"] for r in rows} == {"image", "video_frame"}
    assert all(len(r["hash"]) == 16 and int(r["hash"], 16) >= 0 for r in rows)
    photo = [r for r in rows if r["kind"] == "image"]
    assert len(photo) == 2 and photo[0]["label"] == "recycled 2013 photo"
    assert {(r["desk"], r["verdict"]) for r in rows} == {("Desk A", "refuted")}
    assert all("@" in r["item"] for r in rows if r["kind"] == "video_frame")
    assert desk_a_list.stat().st_size < 10_000  # hashes, never the originals


def test_a_copy_is_said_to_be_on_the_list_at_ingest_and_in_match(
    workspace: Workspace, desk_a_list: Path, tmp_path: Path
) -> None:
    done = workspace.known.take_in(desk_a_list, "Desk A fakes")
    assert (done.name, done.skipped) == ("Desk A fakes", 0) and done.entries > 6
    [listed] = workspace.known.lists()
    assert (listed.name, listed.desk, listed.entries) == ("Desk A fakes", "Desk A", done.entries)

    copy = tmp_path / "hopper-copy.jpg"
    Image.open(DATA / "neardup" / "hopper.png").convert("RGB").save(copy, quality=60)
    [stored] = workspace.media.ingest([copy])
    [known] = stored.known
    assert (known.list, known.verdict, known.label, known.desk) == (
        "Desk A fakes",
        "refuted",
        "recycled 2013 photo",
        "Desk A",
    )
    assert known.date and known.distance <= 10
    assert "on the known-fakes list of Desk A: refuted" in known.sentence()
    assert "'recycled 2013 photo'" in known.sentence()
    [matched] = workspace.media.match([DATA / "neardup" / "hopper.webp"])
    assert [k.list for k in matched.known] == ["Desk A fakes"]
    [unrelated] = workspace.media.match([DATA / "neardup" / "peppers.jpg"])
    assert unrelated.known == ()  # the open claim's picture was not listed
    assert workspace.known.lookup_media(stored.media.id)[0].list == "Desk A fakes"
    # The list is not the desk's media: nothing of it is in the library.
    assert [m.media_id for m in stored.near_duplicates] == []

    workspace.known.remove("Desk A fakes")
    assert workspace.known.lists() == []
    assert workspace.media.match([copy])[0].known == ()
    with pytest.raises(NotFoundError):
        workspace.known.remove("Desk A fakes")


def test_bad_rows_are_skipped_and_named_and_bad_files_refused(
    workspace: Workspace, desk_a_list: Path, tmp_path: Path
) -> None:
    lines = desk_a_list.read_text("utf-8").splitlines()
    broken = [
        lines[0],
        lines[1],
        lines[2].replace(",phash,", ",ahash,").replace(",dhash,", ",ahash,"),
        lines[3].replace(lines[3].split(",")[2], "zz" * 8),
        *lines[4:],
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(broken) + "\n", "utf-8")
    done = workspace.known.take_in(bad, "partly bad")
    assert done.skipped == 2 and done.entries == len(lines) - 3
    assert done.errors[0].startswith("line 3: algorithm:") and "line 4: hash:" in done.errors[1]
    with pytest.raises(ValidationError, match="here already"):
        workspace.known.take_in(desk_a_list, "partly bad")
    (tmp_path / "posts.csv").write_text("text,url\nhello,https://x\n", "utf-8")
    with pytest.raises(ValidationError, match="not a known-fakes list"):
        workspace.known.take_in(tmp_path / "posts.csv", "posts")
    assert [k.name for k in workspace.known.lists()] == ["partly bad"]


def test_the_command_line_shapes(desk_a_list: Path, tmp_path: Path) -> None:
    cli = CLI(tmp_path / "desk-b")
    taken = cli.json("hashlist", "import", str(desk_a_list), "--label", "Desk A")
    assert taken["name"] == "Desk A" and taken["skipped"] == 0
    assert [k["name"] for k in cli.json("hashlist", "list")] == ["Desk A"]
    [stored] = cli.json("ingest", str(DATA / "neardup" / "hopper.png"))
    assert stored["known"][0] == {
        "list": "Desk A",
        "label": "recycled 2013 photo",
        "verdict": "refuted",
        "date": stored["known"][0]["date"],
        "distance": stored["known"][0]["distance"],
        "desk": "Desk A",
        "kind": "image",
    }
    [matched] = cli.json("match", str(DATA / "neardup" / "hopper.gif"))
    assert matched["known"][0]["list"] == "Desk A"
    assert (
        "on the known-fakes list of Desk A"
        in cli.run("match", str(DATA / "neardup" / "hopper.gif")).stdout
    )
    out = tmp_path / "b.csv"
    written = cli.json("hashlist", "export", "--out", str(out))
    assert (
        written == {"out": str(out), "rows": 2, "items": 1, "claims": 0} or written["claims"] == 0
    )
    assert cli.json("hashlist", "remove", "Desk A")["name"] == "Desk A"
    assert cli.json("hashlist", "list") == []
