"""Bounded fuzzing (hypothesis) of everything that reads files from outside.

Three doors take bytes nobody checked: picture/video ingest, the post importers and the
bag import. Each is fed damaged versions of real inputs (the files under ``tests/data``
with bytes flipped, cut or inserted; real tweets, Telegram exports and bags with values
swapped for odd ones) and must answer, never raise:

- ingest: every file ``added``, ``exists`` or ``error`` with a message; nothing half-stored;
- ``import_posts``: a summary, or a :class:`WorkbenchError`; nothing else escapes;
- ``import_bundle``: a summary; when it is ``refused`` no row and no file changed.

Bounded for CI: ``derandomize=True`` (the same examples on every run, no example
database), 200 examples per test, and no per-example deadline (the machine's speed must
not make the test flaky); the file runs in about half a minute. For a longer random
search by hand: ``WORKBENCH_FUZZ_EXAMPLES=5000 pytest tests/workbench/exchange/test_fuzz.py``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storage.schema import AuditEntry, Case, Claim, ClaimMedia, Media, MediaHash, Source
from workbench.base.errors import WorkbenchError
from workbench.claims.views import ImportSummary
from workbench.exchange.bag_reader import import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.importers import import_posts
from workbench.exchange.scope import ExportScope, gather
from workbench.library.views import IngestStatus
from workbench.workspace import Location, Workspace

DATA = Path(__file__).resolve().parents[2] / "data"

#: ``WORKBENCH_FUZZ_EXAMPLES=5000`` runs a longer, random (not derandomized) search by hand.
LONG_RUN = int(os.environ.get("WORKBENCH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    derandomize=not LONG_RUN,
    database=None,
    deadline=None,
    max_examples=LONG_RUN or 200,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one workspace for all examples, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

SMALL_PICTURES = [
    DATA / "neardup" / "hopper.jpg",
    DATA / "neardup" / "hopper.webp",
    DATA / "neardup" / "hopper.gif",
    DATA / "exif" / "hopper_orientation_6.jpg",  # EXIF orientation
    DATA / "exif" / "exif_gps.jpg",  # GPS block
    DATA / "exif" / "g4_orientation_6.tif",  # TIFF, G4 compression
]


# -- strategies ----------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with 1-4 damages: bits flipped, bytes overwritten, inserted, deleted,
    or the tail cut off. Positions favour the first 512 bytes, where headers live."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        end = len(data) - 1
        pos = draw(st.integers(0, min(end, 511)) | st.integers(0, end))
        op = draw(st.sampled_from(["flip", "overwrite", "insert", "delete", "truncate"]))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "overwrite":
            chunk = draw(st.sampled_from([b"\x00", b"\xff", b"\xff\xff\xff\xff", b"\x7f\xff"]))
            data[pos : pos + len(chunk)] = chunk
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        else:
            del data[pos:]
    return bytes(data)


ODD_DATES = st.sampled_from(
    [
        "2015-02-30T10:00:00Z",
        "2015-06-01T10:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-23:59",
        "Wed Feb 30 25:61:00 +0000 2015",
        "Mon Jun 01 10:00:00 +9999 2015",
        "0000-00-00",
        "yesterday",
        "",
        "1e400",
        "-1",
        "99999999999999999999",
    ]
) | st.integers(-(10**20), 10**20).map(str)
ODD_URLS = st.sampled_from(
    [
        "javascript:alert(1)",
        "http://",
        "http://[::1",
        "https://exa mple.com/x",
        "https://host:99999/",
        "https://twitter.com/x/status/" + "9" * 40,
        "file:///etc/passwd",
        "//no-scheme",
    ]
)
ODD_TEXT = st.text(max_size=40) | st.sampled_from(["\x00", "\u202e", "\ufeff", "\u2028"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | ODD_TEXT
    | ODD_DATES
    | ODD_URLS
)
#: Keys the readers look for, so random documents reach past the first check.
KEYS = st.sampled_from(
    [
        "id",
        "id_str",
        "text",
        "full_text",
        "created_at",
        "user",
        "screen_name",
        "username",
        "name",
        "entities",
        "hashtags",
        "urls",
        "media",
        "data",
        "includes",
        "users",
        "tweets",
        "places",
        "coordinates",
        "geo",
        "place",
        "lang",
        "author_id",
        "retweeted_status",
        "quoted_status",
        "referenced_tweets",
        "in_reply_to_status_id",
        "edit_history_tweet_ids",
        "extended_tweet",
        "statuses",
        "errors",
        "messages",
        "type",
        "date",
        "date_unixtime",
        "from",
        "from_id",
        "photo",
        "file",
        "chats",
        "list",
        "forwarded_from",
        "reply_to_message_id",
        "__twarc",
    ]
) | st.text(max_size=6)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=12,
)


def _slots(value: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key) in a JSON value, to pick one to replace."""
    if isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key))
            _slots(item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index))
            _slots(item, out)
    return out


def mutate_json(draw: st.DrawFn, value: Any) -> Any:
    """A deep copy of ``value`` with 1-5 of its values replaced by odd ones, or removed."""
    value = json.loads(json.dumps(value))
    for _ in range(draw(st.integers(1, 5))):
        slots = _slots(value, [])
        if not slots:
            return draw(JSON_VALUES)
        container, key = slots[draw(st.integers(0, len(slots) - 1))]
        if isinstance(container, dict) and draw(st.booleans()) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(JSON_VALUES)
    return value


def as_bytes(draw: st.DrawFn, text: str) -> bytes:
    """Text as UTF-8, sometimes with broken UTF-8 or a cut end."""
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        raw = draw(mutated(raw))
    return raw


def _records(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


TWARC_RECORDS = [
    record
    for name in ("two_tweets.jsonl", "geo_tweets.jsonl", "media_tweet.jsonl", "quoted_edit.jsonl")
    for record in _records(DATA / "posts" / "twarc-csv" / name)
]
TWEET_DOCUMENTS = [
    json.loads((DATA / "posts" / "python-twitter" / name).read_text("utf-8"))
    for name in (
        "get_status.json",
        "get_status_with_place.json",
        "extended_tweet_in_extended_mode.json",
        "streaming_extended_tweet.json",
    )
]
TELEGRAM_EXPORTS = [
    json.loads((DATA / "posts" / "chat-miner" / name).read_text("utf-8"))
    for name in ("test_single_export.json", "test_batch_export.json")
]


# -- helpers -------------------------------------------------------------------------------


class Files:
    """Fresh file names in one folder, so no example sees another's file."""

    def __init__(self, root: Path) -> None:
        self.root, self.n = root, 0

    def folder(self) -> Path:
        self.n += 1
        folder = self.root / f"ex{self.n}"
        folder.mkdir()
        return folder


def _state(ws: Workspace) -> dict[str, Any]:
    with ws.db.read() as session:
        counts = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Claim, Media, MediaHash, ClaimMedia, Source, Case, AuditEntry)
        }
    return {**counts, "files": sorted(ws.store.iter_shas())}


def _import(ws: Workspace, path: Path) -> ImportSummary | None:
    try:
        summary = import_posts(ws, path)
    except WorkbenchError:
        event("WorkbenchError")
        return None
    assert isinstance(summary, ImportSummary)
    event("refused" if summary.refused else f"read: {bool(summary.added)} added")
    for issue in summary.skipped:
        assert issue.message
    return summary


def _no_leftovers(ws: Workspace) -> None:
    assert list(ws.store.tmp.iterdir()) == []


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path / "fuzz")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    (tmp_path / "fuzz").mkdir()
    workspace = Workspace(Location.of(tmp_path / "ws"), analyst="fuzzer")
    try:
        yield workspace
    finally:
        workspace.close()


# -- image ingest --------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_damaged_pictures_are_added_or_refused_never_raised(
    ws: Workspace, files: Files, data: st.DataObject
) -> None:
    original = data.draw(st.sampled_from(SMALL_PICTURES))
    damaged = data.draw(mutated(original.read_bytes()))
    path = files.folder() / original.name
    path.write_bytes(damaged)
    [result] = ws.media.ingest([path])
    event(result.status.value)
    assert result.status in (IngestStatus.ADDED, IngestStatus.EXISTS, IngestStatus.ERROR)
    if result.status is IngestStatus.ERROR:
        assert result.error and result.media is None
    else:
        assert result.media is not None
        assert result.media.sha256 == hashlib.sha256(damaged).hexdigest()
    _no_leftovers(ws)
    with ws.db.read() as session:
        stored = set(session.scalars(select(Media.sha256)))
    assert set(ws.store.iter_shas()) == stored  # no original without its row, nor a row
    assert ws.verifier.run() == []


# -- post importers ------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_fuzzed_twarc_lines_give_a_summary_or_a_workbench_error(
    ws: Workspace, files: Files, data: st.DataObject
) -> None:
    lines = []
    for _ in range(data.draw(st.integers(1, 4))):
        kind = data.draw(st.sampled_from(["real", "mutated", "mutated", "random", "deep"]))
        if kind == "random":
            lines.append(json.dumps(data.draw(JSON_VALUES)))
        elif kind == "deep":  # deeper than Python's recursion limit
            depth = data.draw(st.sampled_from([50, 5000, 100_000]))
            lines.append("[" * depth + "]" * depth)
        else:
            record = data.draw(st.sampled_from(TWARC_RECORDS))
            if kind == "mutated":
                record = mutate_json(data.draw, record)
            lines.append(json.dumps(record, ensure_ascii=data.draw(st.booleans())))
    path = files.folder() / "tweets.jsonl"
    path.write_bytes(as_bytes(data.draw, "\n".join(lines) + data.draw(st.sampled_from(["\n", ""]))))
    _import(ws, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_tweet_documents_give_a_summary_or_a_workbench_error(
    ws: Workspace, files: Files, data: st.DataObject
) -> None:
    document = mutate_json(data.draw, data.draw(st.sampled_from(TWEET_DOCUMENTS)))
    path = files.folder() / "tweet.json"
    path.write_bytes(as_bytes(data.draw, json.dumps(document)))
    _import(ws, path)


@FUZZ
@given(data=st.data())
def test_fuzzed_telegram_exports_give_a_summary_or_a_workbench_error(
    ws: Workspace, files: Files, data: st.DataObject
) -> None:
    export = mutate_json(data.draw, data.draw(st.sampled_from(TELEGRAM_EXPORTS)))
    folder = files.folder()
    shutil.copy(DATA / "neardup" / "hopper.webp", folder / "photo.webp")  # a photo to name
    (folder / "result.json").write_bytes(as_bytes(data.draw, json.dumps(export)))
    _import(ws, folder)


CSV_HEADERS = st.lists(
    st.sampled_from(
        [
            "text",
            "original_text",
            "translation",
            "original_language",
            "posted_at",
            "observed_at",
            "post_url",
            "url",
            "source",
            "platform",
            "handle",
            "place",
            "lat",
            "lon",
            "latitude",
            "longitude",
            "credibility",
            "actors",
            "tags",
            "status",
            "rationale",
            "case",
            "media",
            "notes",
            "Posted At",
            "",
        ]
    )
    | st.text(max_size=8),
    min_size=1,
    max_size=8,
).map(lambda columns: ["text", *columns])
CSV_CELLS = (
    ODD_TEXT
    | ODD_DATES
    | ODD_URLS
    | st.sampled_from(
        [
            "0",
            "7",
            "x",
            "G",
            "nan",
            "inf",
            "91",
            "12,5",
            "-180.0001",
            "confirmed",
            "refuted",
            "photo.webp",
            "../photo.webp",
            "/etc/passwd",
            ".",
            "twitter:@a",
            "a;b;;c",
            "x" * 300,  # a file name too long for the file system
            "photo\x00.webp",
        ]
    )
    | st.floats(allow_nan=True, allow_infinity=True).map(str)
)


@FUZZ
@given(data=st.data(), header=CSV_HEADERS)
def test_fuzzed_csv_rows_give_a_summary_or_a_workbench_error(
    ws: Workspace, files: Files, data: st.DataObject, header: list[str]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=data.draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    for _ in range(data.draw(st.integers(0, 4))):
        writer.writerow([data.draw(CSV_CELLS) for _ in header])
    folder = files.folder()
    shutil.copy(DATA / "neardup" / "hopper.webp", folder / "photo.webp")
    path = folder / "claims.csv"
    path.write_bytes(as_bytes(data.draw, out.getvalue()))
    _import(ws, path)


# -- bag import ----------------------------------------------------------------------------


class Bag(bytes):
    """A bag's bytes that do not fill a failure report."""

    def __repr__(self) -> str:
        return f"<bag: {len(self)} bytes>"


@pytest.fixture(scope="module")
def bag(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A small real bag: one claim with every field, one picture."""
    ws = Workspace(Location.of(tmp_path_factory.mktemp("bag-source") / "ws"), analyst="alice")
    try:
        claim = ws.claims.create(
            "a claim",
            case="case one",
            source=("twitter", "@someone"),
            post_url="https://example.com/1",
            posted_at="2015-06-01T10:00Z",
            latitude=36.2,
            longitude=37.1,
            credibility=2,
            tags=["x"],
            actors=["y"],
        )
        ws.claims.set_status(claim.id, "confirmed", "seen on the ground")
        ws.media.ingest([DATA / "neardup" / "hopper.webp"], claim_id=claim.id)
        out = tmp_path_factory.mktemp("bag") / "bag.zip"
        export_bag(ws, gather(ws, ExportScope()), out, zipped=True)
        return Bag(out.read_bytes())
    finally:
        ws.close()


def _members(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def _manifest(members: dict[str, bytes], root: str, prefix: str, name: str) -> bytes:
    lines = [
        f"{hashlib.sha256(content).hexdigest()}  {path[len(root) :]}"
        for path, content in sorted(members.items())
        if path.startswith(root + prefix)
    ]
    return ("\n".join(lines) + "\n").encode()


def _resealed(members: dict[str, bytes]) -> dict[str, bytes]:
    """The manifests written again, so a changed document passes the checksums and reaches
    the document checks and the merge."""
    root = next(name for name in members if name.endswith("bagit.txt"))[: -len("bagit.txt")]
    members[root + "manifest-sha256.txt"] = _manifest(members, root, "data/", "")
    payload = [c for path, c in members.items() if path.startswith(root + "data/")]
    oxum = f"Payload-Oxum: {sum(map(len, payload))}.{len(payload)}"
    info = members[root + "bag-info.txt"].decode().splitlines()
    lines = [oxum if line.startswith("Payload-Oxum:") else line for line in info]
    members[root + "bag-info.txt"] = ("\n".join(lines) + "\n").encode()
    tags = {
        path: content
        for path, content in members.items()
        if path.startswith(root)
        and "/" not in path[len(root) :]
        and not path.endswith("tagmanifest-sha256.txt")
    }
    members[root + "tagmanifest-sha256.txt"] = _manifest(tags, root, "", "")
    return members


@st.composite
def damaged_bags(draw: st.DrawFn, raw: bytes) -> bytes:
    kind = draw(st.sampled_from(["bytes", "member", "manifest", "document", "document"]))
    if kind == "bytes":
        return draw(mutated(raw))
    members = _members(raw)
    names = sorted(members)
    if kind == "member":
        name = draw(st.sampled_from(names))
        members[name] = draw(mutated(members[name])) if members[name] else b"\xff"
    elif kind == "manifest":
        name = next(n for n in names if n.endswith("/manifest-sha256.txt"))
        lines = members[name].decode().splitlines()
        line = draw(st.sampled_from(lines))
        digest, _, path = line.partition("  ")
        swap = draw(
            st.sampled_from(
                [
                    f"{'0' * 64}  {path}",
                    f"{digest}  ../../outside",
                    f"{digest}  /etc/passwd",
                    f"{digest}  data/media/missing",
                    f"{digest}  {path}\x00",
                    f"{digest}",
                    f"{digest}  {path}\n{digest}  {path}",
                    "",
                ]
            )
        )
        members[name] = "\n".join(swap if x == line else x for x in lines).encode() + b"\n"
    else:
        name = next(n for n in names if n.endswith("data/workbench.json"))
        document = mutate_json(draw, json.loads(members[name]))
        members[name] = json.dumps(document).encode()
        members = _resealed(members)
    return _zip(members)


@FUZZ
@given(data=st.data())
def test_damaged_bags_are_imported_or_refused_whole(
    ws: Workspace, files: Files, bag: bytes, data: st.DataObject
) -> None:
    path = files.folder() / "bag.zip"
    path.write_bytes(data.draw(damaged_bags(bag)))
    before = _state(ws)
    summary = import_bundle(ws, path)
    assert isinstance(summary, ImportSummary)
    event("refused" if summary.refused else "imported")
    if summary.refused is not None:
        assert summary.refused
        assert _state(ws) == before, summary.refused
    _no_leftovers(ws)


def test_the_resealed_bag_is_still_a_good_bag(ws: Workspace, tmp_path: Path, bag: bytes) -> None:
    """The fuzzer's resealing is right: an unchanged document resealed imports cleanly, so
    the document fuzzing above gets past the checksums."""
    path = tmp_path / "resealed.zip"
    path.write_bytes(_zip(_resealed(_members(bag))))
    summary = import_bundle(ws, path)
    assert summary.refused is None and len(summary.added) == 1


# -- what the fuzzing found, kept as plain regression tests --------------------------------


def test_a_video_variant_with_a_bit_rate_that_is_not_a_number(ws: Workspace, files: Files) -> None:
    """twitter._best_media_url called int() on ``bit_rate``: a list raised TypeError."""
    record = json.loads(json.dumps(TWARC_RECORDS[0]))
    record["data"][0]["attachments"] = {"media_keys": ["7_1"]}
    variants = [
        {"content_type": "video/mp4", "bit_rate": [1], "url": "https://video.example/a.mp4"},
        {"content_type": "video/mp4", "bit_rate": 1e400, "url": "https://video.example/b.mp4"},
    ]
    record.setdefault("includes", {})["media"] = [
        {"media_key": "7_1", "type": "video", "variants": variants}
    ]
    path = files.folder() / "video.jsonl"
    path.write_text(json.dumps(record) + "\n")
    summary = import_posts(ws, path)
    assert summary.refused is None and len(summary.added) == 1


@pytest.mark.parametrize("name", ["photo\x00.webp", "x" * 5000])
def test_a_media_name_the_file_system_cannot_take(ws: Workspace, files: Files, name: str) -> None:
    """importers.model.within resolved the name: a NUL byte raised ValueError, and a name
    too long for the file system raised OSError from ``is_file``. Now: a skipped row (CSV)
    or a note and an issue (Telegram)."""
    folder = files.folder()
    out = io.StringIO()
    csv.writer(out).writerows([["text", "media"], ["a claim", name]])
    (folder / "claims.csv").write_text(out.getvalue())
    summary = import_posts(ws, folder / "claims.csv")
    assert summary.added == () and "media" in summary.skipped[0].message
    export = {"name": "chat", "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2015-06-01T10:00:00", "text": "hi", "photo": name}
    ]}  # fmt: skip
    (folder / "result.json").write_text(json.dumps(export))
    summary = import_posts(ws, folder)
    assert summary.refused is None and len(summary.added) == 1
    assert summary.skipped


def test_a_bag_whose_tag_file_is_not_utf8_is_refused(
    ws: Workspace, files: Files, bag: bytes
) -> None:
    """bagit raised UnicodeDecodeError out of ``import_bundle`` for a bag-info.txt that is
    not UTF-8; now the bag is refused whole with the reason."""
    members = _members(bag)
    info = next(name for name in members if name.endswith("/bag-info.txt"))
    members[info] = b"\x80" + members[info]
    path = files.folder() / "bag.zip"
    path.write_bytes(_zip(members))
    before = _state(ws)
    summary = import_bundle(ws, path)
    assert summary.refused and "UTF-8" in summary.refused
    assert _state(ws) == before
