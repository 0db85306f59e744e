"""Case bundles: BagIt export, the merging import, and bad bags refused whole."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
from sqlalchemy import func, select

from storage.schema import AuditEntry, Case, Claim, ClaimMedia, Media, Source
from workbench.base.errors import Cancelled
from workbench.claims.views import ClaimView
from workbench.exchange.bag_reader import Limits, import_bundle
from workbench.exchange.bag_writer import export_bag
from workbench.exchange.interchange import export_json
from workbench.exchange.scope import ExportScope, gather
from workbench.sample import create_sample_case
from workbench.workspace import Location, Workspace


def _open(folder: Path, analyst: str) -> Workspace:
    return Workspace(Location.of(folder), analyst=analyst)


@pytest.fixture(scope="module")
def source_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = _open(tmp_path_factory.mktemp("source") / "ws", "alice")
    try:
        create_sample_case(ws)
        yield ws
    finally:
        ws.close()


@pytest.fixture(scope="module")
def bags(source_ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample exported once as a folder bag, a zipped bag and a JSON export."""
    out = tmp_path_factory.mktemp("bags")
    export_set = gather(source_ws, ExportScope())
    export_bag(source_ws, export_set, out / "case-bag", zipped=False)
    export_bag(source_ws, export_set, out / "case-bag.zip", zipped=True)
    export_json(export_set, out / "case.json", ws=source_ws)
    return {"folder": out / "case-bag", "zip": out / "case-bag.zip", "json": out / "case.json"}


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Workspace]:
    ws = _open(tmp_path / "target", "bob")
    try:
        yield ws
    finally:
        ws.close()


def _state(ws: Workspace) -> dict[str, Any]:
    """Everything an import could change: row counts and the files in the store."""
    with ws.db.read() as session:
        counts = {
            model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Claim, Media, ClaimMedia, Source, Case, AuditEntry)
        }
    return {**counts, "files": sorted(ws.store.iter_shas())}


def _comparable(claim: ClaimView) -> tuple[Any, ...]:
    source = claim.source
    return (
        claim.id,
        claim.case_name,
        claim.text,
        claim.original_text,
        claim.original_language,
        claim.translation,
        (source.platform, source.handle, source.reliability, source.display_name)
        if source
        else None,
        claim.post_url,
        claim.posted_at,
        claim.observed_at,
        claim.place_name,
        claim.latitude,
        claim.longitude,
        claim.actors,
        claim.tags,
        claim.status,
        claim.credibility,
        claim.rationale,
        claim.decided_by,
        claim.decided_at,
        claim.notes,
        claim.created_at,
        claim.updated_at,
        sorted((m.sha256, m.role, m.original_name) for m in claim.media),
    )


# -- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_exported_bag_is_valid_for_bagit(
    bags: dict[str, Path], kind: str, tmp_path: Path, source_ws: Workspace
) -> None:
    path = bags[kind]
    if kind == "zip":
        with zipfile.ZipFile(path) as zf:
            assert all(n.startswith("case-bag/") for n in zf.namelist())
            zf.extractall(tmp_path)
        path = tmp_path / "case-bag"
    bag = bagit.Bag(str(path))
    bag.validate()  # completeness, Payload-Oxum and every checksum
    assert bag.version_info == (1, 0)
    assert bag.info["Case"] == "Sample: northern Aleppo, June 2015"
    assert bag.info["Contact-Name"] == "alice"
    assert bag.info["Workspace-Id"] == source_ws.workspace_id
    assert re.match(r"\d{4}-\d\d-\d\dT.*\+00:00$", bag.info["Export-Time"])
    assert "tagmanifest-sha256.txt" in os.listdir(path)
    media = [n for n in bag.payload_entries() if n.startswith("data/media/")]
    assert len(media) == 9
    for name in media:  # each original under its own SHA-256, byte for byte
        assert hashlib.sha256((path / name).read_bytes()).hexdigest() == name.rsplit("/")[-1]


def test_export_refuses_an_existing_folder_and_cancel_leaves_nothing(
    source_ws: Workspace, tmp_path: Path
) -> None:
    export_set = gather(source_ws, ExportScope())
    (tmp_path / "taken").mkdir()
    with pytest.raises(Exception, match="already exists"):
        export_bag(source_ws, export_set, tmp_path / "taken", zipped=False)
    calls: list[int] = []

    def cancel_after_three() -> bool:
        calls.append(1)
        return len(calls) > 3

    for zipped, name in ((True, "c.zip"), (False, "c")):
        calls.clear()
        with pytest.raises(Cancelled):
            export_bag(
                source_ws,
                export_set,
                tmp_path / name,
                zipped=zipped,
                should_cancel=cancel_after_three,
            )
    assert sorted(os.listdir(tmp_path)) == ["taken"]


def test_export_refuses_a_damaged_original(tmp_path: Path) -> None:
    ws = _open(tmp_path / "ws", "alice")
    try:
        create_sample_case(ws)
        export_set = gather(ws, ExportScope())
        victim = export_set.originals()[0].sha256
        path = ws.store.path_for(victim)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        path.write_bytes(path.read_bytes() + b"x")
        with pytest.raises(Exception, match=f"{victim}.*damaged"):
            export_bag(ws, export_set, tmp_path / "b.zip", zipped=True)
        assert not list(tmp_path.glob("*.zip*")) and not list(tmp_path.glob(".b.zip*"))
    finally:
        ws.close()


# -- import: round trips and merging -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["folder", "zip"])
def test_round_trip_into_another_workspace(
    bags: dict[str, Path], kind: str, source_ws: Workspace, target: Workspace
) -> None:
    counts: list[tuple[int, int]] = []
    stages: list[str] = []
    summary = import_bundle(
        target, bags[kind], progress=lambda *a: counts.append(a), on_stage=stages.append
    )
    assert summary.refused is None, summary.refused
    assert summary.format == "bag"
    original = {c.id: c for c in source_ws.claims.find()}
    assert sorted(summary.added) == sorted(original) and not summary.merged
    assert summary.media_added == 9 and not summary.skipped and not summary.conflicts
    copied = {c.id: c for c in target.claims.find()}
    assert {k: _comparable(v) for k, v in copied.items()} == {
        k: _comparable(v) for k, v in original.items()
    }
    for claim in copied.values():
        for link in claim.media:  # byte-identical originals, stored once
            data = target.media.original_path(link.sha256).read_bytes()
            assert hashlib.sha256(data).hexdigest() == link.sha256
            here, there = (
                target.media.get(link.media_id),
                source_ws.media.get(original[claim.id].media[0].media_id),
            )
            assert here.acquired_by == "alice"  # the chain of custody travels
            assert there.acquired_by == "alice"
    assert {s.handle for s in target.claims.list_sources()} == {
        s.handle for s in source_ws.claims.list_sources()
    }
    some = next(iter(copied))
    actions = [e.action for e in target.claims.history(some)]
    assert actions[0] == "create" and actions[-1] == "import"  # the trail came along
    assert stages[-3:] == ["checking", "media", "claims"]
    assert (9, 9) in counts and (0, 6) in counts and counts[-1] == (6, 6)
    # the seen-before pair of the sample is found here too
    assert any(target.media.near_duplicates(m.media_id) for c in copied.values() for m in c.media)


def test_importing_twice_adds_nothing(bags: dict[str, Path], target: Workspace) -> None:
    first = import_bundle(target, bags["zip"])
    before = _state(target)
    again = import_bundle(target, bags["folder"])
    assert again.refused is None
    assert not again.added and sorted(again.merged) == sorted(first.added)
    assert not again.conflicts and not again.skipped
    assert again.media_added == 0 and again.media_existing == 9
    assert _state(target) == before


def test_json_export_merges_claims_without_originals(
    bags: dict[str, Path], target: Workspace, source_ws: Workspace
) -> None:
    summary = import_bundle(target, bags["json"])
    assert summary.format == "json" and summary.refused is None
    assert len(summary.added) == 6 and summary.media_added == 0
    assert len(summary.skipped) == 9
    assert all("carries no originals" in s.message for s in summary.skipped)
    assert all(not c.media for c in target.claims.find())
    # the bag brings the originals later and links them to the same claims
    later = import_bundle(target, bags["zip"])
    assert not later.added and len(later.merged) == 6 and later.media_added == 9
    assert not later.conflicts
    links = {(c.id, m.sha256, m.role) for c in target.claims.find() for m in c.media}
    assert links == {(c.id, m.sha256, m.role) for c in source_ws.claims.find() for m in c.media}


def test_same_original_is_stored_once(bags: dict[str, Path], target: Workspace) -> None:
    """An original already here (ingested by another analyst) is linked, not copied."""
    with zipfile.ZipFile(bags["zip"]) as zf:
        name = next(n for n in zf.namelist() if "/data/media/" in n)
        local = target.location.folder.parent / "mine.jpg"
        local.write_bytes(zf.read(name))
    target.media.ingest([local])
    summary = import_bundle(target, bags["zip"])
    assert summary.media_existing == 1 and summary.media_added == 8
    with target.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Media)) == 9


def test_edits_on_both_sides_later_wins_and_is_listed(
    bags: dict[str, Path], source_ws: Workspace, tmp_path: Path
) -> None:
    a = _open(tmp_path / "a", "alice")
    b = _open(tmp_path / "b", "bob")
    try:
        import_bundle(a, bags["folder"])
        import_bundle(b, bags["folder"])
        first, second, third = (c.id for c in a.claims.find()[:3])
        b.claims.update(first, notes="bob's note, earlier")
        a.claims.update(first, notes="alice's note, later")  # a's is later: wins in b
        a.claims.update(second, place_name="Azaz (alice, earlier)")
        b.claims.update(second, place_name="Sarwan (bob, later)")  # b's is later: kept
        a.claims.update(third, tags=["convoy", "new tag"])  # only a changed it
        bag = tmp_path / "from-a.zip"
        export_bag(a, gather(a, ExportScope()), bag, zipped=True)

        summary = import_bundle(b, bag)
        assert summary.refused is None and not summary.added and len(summary.merged) == 6
        conflicts = {c.where: c.message for c in summary.conflicts}
        assert set(conflicts) == {f"claim {first}", f"claim {second}", f"claim {third}"}
        assert "the bag's version is later" in conflicts[f"claim {first}"]
        assert "notes" in conflicts[f"claim {first}"]
        assert "this workspace's version" in conflicts[f"claim {second}"]
        assert b.claims.get(first).notes == "alice's note, later"
        assert b.claims.get(second).place_name == "Sarwan (bob, later)"
        assert b.claims.get(third).tags == ("convoy", "new tag")
        taken = b.claims.history(first)[-1]
        assert taken.action == "merge" and taken.actor == "bob"
        assert taken.changes["notes"] == ["bob's note, earlier", "alice's note, later"]
        kept = b.claims.history(second)[-1]
        assert kept.action == "merge_kept"
        assert kept.changes["place_name"] == ["Sarwan (bob, later)", "Azaz (alice, earlier)"]
        # alice's own edit entries came along with her actor and time
        assert any(
            e.actor == "alice" and e.action == "update" and "notes" in e.changes
            for e in b.claims.history(first)
        )
        again = import_bundle(b, bag)  # the rule is stable: the same bag changes nothing new
        assert {c.where for c in again.conflicts} == {f"claim {second}"}
    finally:
        a.close()
        b.close()


# -- import: bad bags are refused whole ---------------------------------------------------------


def _copy_bag(bags: dict[str, Path], tmp_path: Path) -> Path:
    bag = tmp_path / "bag"
    shutil.copytree(bags["folder"], bag)
    return bag


def _first_media(bag: Path) -> Path:
    return sorted((bag / "data" / "media").iterdir())[0]


def _rehash(bag: Path) -> None:
    """Make the manifests fit the files again (a forger's bag: checksums all agree)."""
    lines = []
    for path in sorted(p for p in (bag / "data").rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        lines.append(f"{digest}  {path.relative_to(bag).as_posix()}\n")
    (bag / "manifest-sha256.txt").write_text("".join(lines))
    info = (bag / "bag-info.txt").read_text()
    size = sum(p.stat().st_size for p in (bag / "data").rglob("*") if p.is_file())
    info = re.sub(r"Payload-Oxum: .*", f"Payload-Oxum: {size}.{len(lines)}", info)
    (bag / "bag-info.txt").write_text(info)
    tags = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]
    (bag / "tagmanifest-sha256.txt").write_text(
        "".join(f"{hashlib.sha256((bag / t).read_bytes()).hexdigest()}  {t}\n" for t in tags)
    )


def _tamper(bag: Path) -> None:
    media = _first_media(bag)
    media.write_bytes(media.read_bytes()[:-1] + b"\x00")


def _remove(bag: Path) -> None:
    _first_media(bag).unlink()


def _climb_manifest(bag: Path) -> None:
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text() + f"{'0' * 64}  data/../../outside.txt\n")


def _absolute_manifest(bag: Path) -> None:
    manifest = bag / "manifest-sha256.txt"
    manifest.write_text(manifest.read_text() + f"{'0' * 64}  /etc/passwd\n")


def _symlink(bag: Path) -> None:
    media = _first_media(bag)
    media.rename(bag / "moved")
    media.symlink_to(bag / "moved")


def _bigger_than_declared(bag: Path) -> None:
    media = _first_media(bag)  # the manifest and Payload-Oxum still say the old size
    media.write_bytes(media.read_bytes() + b"\x00" * 100_000)


def _wrong_version(bag: Path) -> None:
    doc = json.loads((bag / "data" / "workbench.json").read_text())
    doc["version"] = 2
    (bag / "data" / "workbench.json").write_text(json.dumps(doc))
    _rehash(bag)


def _extra_original(bag: Path) -> None:
    (bag / "data" / "media" / ("f" * 64)).write_bytes(b"not listed in the document")
    _rehash(bag)


def _fetch(bag: Path) -> None:
    (bag / "fetch.txt").write_text("https://example.org/x 10 data/x\n")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_tamper, r"data/media/\w{64}: sha256 checksum mismatch"),
        (_remove, r"data/media/\w{64}: listed in manifest-sha256.txt but missing"),
        (_climb_manifest, r"manifest-sha256.txt line \d+: data/../../outside.txt: a path that"),
        (_absolute_manifest, r"manifest-sha256.txt line \d+: /etc/passwd: an absolute path"),
        (_symlink, r"data/media/\w{64}: a symbolic link"),
        (_bigger_than_declared, r"Payload-Oxum validation failed"),
        (_wrong_version, r"data/workbench.json: version: 2 is not supported"),
        (_extra_original, r"data/media/f{64}: an original data/workbench.json does not list"),
        (_fetch, r"fetch.txt"),
    ],
)
def test_bad_folder_bag_is_refused_and_nothing_changes(
    bags: dict[str, Path],
    tmp_path: Path,
    target: Workspace,
    damage: Callable[[Path], None],
    reason: str,
) -> None:
    bag = _copy_bag(bags, tmp_path)
    damage(bag)
    before = _state(target)
    summary = import_bundle(target, bag)
    assert summary.refused is not None and re.search(reason, summary.refused), summary.refused
    assert not summary.added and not summary.merged
    assert _state(target) == before


def _rezip(src: Path, dst: Path, extra: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        for info, data in extra:
            new.writestr(info, data)
    return dst


def _entry(name: str, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _patch_declared_size(path: Path, name: str, size: int) -> None:
    """Make an entry's headers (local and central) declare ``size`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for match in re.finditer(rb"PK\x01\x02", data):  # central directory records
        at = match.start()
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + length] == encoded:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
    path.write_bytes(bytes(data))


def _zip_with(bags: dict[str, Path], folder: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    folder.mkdir(exist_ok=True)
    return _rezip(bags["zip"], folder / "bad.zip", [(info, data)])


def test_zip_refusals(bags: dict[str, Path], tmp_path: Path, target: Workspace) -> None:
    before = _state(target)
    cases: list[tuple[Path, str, Limits | None]] = [
        (
            _zip_with(bags, tmp_path / "1", _entry("case-bag/data/../../evil.txt"), b"x"),
            r"evil.txt: a path that climbs out of the bag",
            None,
        ),
        (
            _zip_with(bags, tmp_path / "2", _entry("/tmp/evil.txt"), b"x"),
            r"/tmp/evil.txt: an absolute path",
            None,
        ),
        (
            _zip_with(
                bags,
                tmp_path / "3",
                _entry("case-bag/data/link", stat.S_IFLNK | 0o777),
                b"/etc/passwd",
            ),
            r"case-bag/data/link: a symbolic link",
            None,
        ),
    ]
    for archive, reason, limits in cases:
        summary = import_bundle(target, archive, limits=limits)
        assert summary.refused and re.search(reason, summary.refused), summary.refused
        assert summary.refused.startswith("bad.zip: ")
        assert _state(target) == before


def test_zip_bomb_is_refused_before_unpacking(
    bags: dict[str, Path], tmp_path: Path, target: Workspace
) -> None:
    before = _state(target)
    zeros = b"\x00" * (4 << 20)  # 4 MB of zeros deflate to ~4 KB: 1000 to 1
    bomb = _zip_with(bags, tmp_path, _entry("case-bag/data/zeros"), zeros)
    assert bomb.stat().st_size < 600_000
    summary = import_bundle(target, bomb)
    assert summary.refused and "a zip bomb is refused" in summary.refused
    # and a total over the limit, whatever the ratio
    small = Limits(max_total_bytes=100_000)
    summary = import_bundle(target, bags["zip"], limits=small)
    assert summary.refused and "more than the limit" in summary.refused
    assert _state(target) == before
    assert not list(target.store.tmp.iterdir())  # the unpacking folder went too


def test_zip_entry_larger_than_declared_is_refused(
    bags: dict[str, Path], tmp_path: Path, target: Workspace
) -> None:
    before = _state(target)
    noise = os.urandom(200_000)  # does not compress: the packed bytes betray the lie
    lying = _zip_with(bags, tmp_path, _entry("case-bag/data/noise"), noise)
    _patch_declared_size(lying, "case-bag/data/noise", 1000)
    summary = import_bundle(target, lying)
    assert summary.refused and "declares 1000; an entry larger than declared" in summary.refused
    # compressible: the packed size fits, but unpacking yields more than declared
    (tmp_path / "bad.zip").unlink()
    lying = _zip_with(bags, tmp_path, _entry("case-bag/data/text"), b"abc" * 100_000)
    _patch_declared_size(lying, "case-bag/data/text", 1000)
    summary = import_bundle(target, lying)
    assert summary.refused and "larger than it declares" in summary.refused
    assert _state(target) == before


def test_not_a_bag_is_refused(tmp_path: Path, target: Workspace) -> None:
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert "not a bag" in (import_bundle(target, archive).refused or "")
    folder = tmp_path / "folder"
    folder.mkdir()
    assert "bagit.txt: missing" in (import_bundle(target, folder).refused or "")
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    assert "not valid JSON" in (import_bundle(target, junk).refused or "")


# -- bag-info.txt: long values folded (RFC 8493 §2.2.2) ----------------------------------------

#: 200 characters (the longest case name the workbench takes) of Arabic and Latin words.
LONG_CASE = (" ".join(["قافلة", "Aleppo", "الطريق", "convoy-2015", "الساحلي"] * 8) + " ")[
    :199
] + "x"
#: No space to fold at: it must stay whole (and valid) on a line longer than 79.
UNBROKEN_CASE = "حلب" * 30 + "-" + "x" * 30


@pytest.fixture(scope="module")
def long_named_bag(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    folder = tmp_path_factory.mktemp("long-names")
    ws = _open(folder / "ws", "alice")
    ws.claims.create("Convoy on the coast road", case=LONG_CASE)
    ws.claims.create("Another sighting", case=UNBROKEN_CASE)
    bag = folder / "long-bag"
    export_bag(ws, gather(ws, ExportScope()), bag, zipped=False)
    yield ws, bag
    ws.close()


def test_long_bag_info_values_are_folded_and_read_back_whole(
    long_named_bag: tuple[Workspace, Path], target: Workspace
) -> None:
    from workbench.exchange import bag_info

    _, bag = long_named_bag
    assert len(LONG_CASE) == 200 and " " in LONG_CASE
    text = (bag / "bag-info.txt").read_text("utf-8")
    lines = text.splitlines()
    assert any(line.startswith(" ") for line in lines)  # the long case name was folded
    for line in lines:  # 79 characters (not bytes) wherever a fold is possible
        words = line.split(": ", 1)[-1] if not line.startswith(" ") else line
        assert len(line) <= 79 or " " not in words.strip(), line
    assert f"Case: {UNBROKEN_CASE}" in lines  # no space to fold at: whole, not broken

    checked = bagit.Bag(str(bag))
    checked.validate()
    # bagit keeps the fold's line break and indent in the value: equal up to whitespace.
    assert sorted(" ".join(v.split()) for v in checked.info["Case"]) == sorted(
        [LONG_CASE, UNBROKEN_CASE]
    )
    ours = [value for label, value in bag_info.parse(text) if label == "Case"]
    assert sorted(ours) == sorted([LONG_CASE, UNBROKEN_CASE])  # unfolded exactly

    summary = import_bundle(target, bag)  # our import reads the folded file and agrees
    assert summary.refused is None and len(summary.added) == 2
    assert {c.case_name for c in target.claims.find()} == {LONG_CASE, UNBROKEN_CASE}


def test_a_bag_info_that_disagrees_with_the_document_is_refused(
    long_named_bag: tuple[Workspace, Path], tmp_path: Path, target: Workspace
) -> None:
    from workbench.exchange import bag_info

    _, original = long_named_bag
    bag = tmp_path / "bag"
    shutil.copytree(original, bag)
    fields = bag_info.parse((bag / "bag-info.txt").read_text("utf-8"))
    relabelled = [(k, "Another case" if v == LONG_CASE else v) for k, v in fields]
    (bag / "bag-info.txt").write_text(bag_info.format_fields(relabelled), "utf-8")
    _rehash(bag)  # every checksum agrees: only the label lies
    before = _state(target)
    summary = import_bundle(target, bag)
    assert summary.refused is not None
    assert summary.refused.startswith("bag-info.txt: Case says Another case, ")
    assert LONG_CASE in summary.refused.split(", not ")[1]
    assert summary.refused.endswith(" as in data/workbench.json")
    assert _state(target) == before
