"""Crash safety: the real ``workbench`` command killed (SIGKILL) at random moments.

A 500-file ingest and a bag import are each killed at least 20 times, at seeded random
delays spread over their measured run time. After every kill, before anything opens the
workspace, its files are inspected (leftovers of the dead process, rows committed so far);
then verification (what ``workbench verify`` checks) must pass on open (no orphan, missing
or unhashed original) and the dead process's temporary files must be gone. The kills run in
chains on one workspace: each kill continues where the last one stopped, and each chain
ends with a re-run that must complete with exactly the expected media and claims, nothing
duplicated, nothing lost.

Also here: leftovers of a dead writer go on open while a live writer's stay, and the order
of one ingest's durable writes (original fsync'd, folder fsync'd, then the row's commit).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import event, select

from storage.schema import AuditEntry, Claim, ClaimMedia, Media
from workbench.workspace import Location, Workspace

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL"), reason="needs POSIX signals (SIGKILL)"
)

FILES = 500
BAG_CLAIMS = 50
MEDIA_PER_CLAIM = 3
KILLS = 20
KILLS_PER_CHAIN = 5
SEED = 20240611


# -- helpers ---------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {**os.environ, "WORKBENCH_ANALYST": "crash-tester"}
    env.pop("WORKBENCH_WORKSPACE", None)
    return env


def _cmd(workspace: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "workbench", "--workspace", str(workspace), *args]


def _run(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(workspace, *args), capture_output=True, text=True, env=_env(), timeout=300
    )


def _verify_ok(workspace: Path) -> None:
    """What ``workbench verify`` checks, in this process (a second interpreter's start for
    each of some fifty checks was a minute of the suite): open (a dead process's leftovers
    go), then every original against its row and the audit chain."""
    with Workspace.open(workspace, analyst="crash-tester") as ws:
        problems = ws.verifier.run()
    assert problems == [], problems


@dataclass
class Kill:
    pid: int
    running: bool  # still running when the signal was sent


def _work_started(workspace: Path, proc: subprocess.Popen[Any]) -> float:
    """When the process began writing (its first file in ``media/tmp/``: a staged copy, an
    unpacking folder), so that a slow start on a loaded machine does not eat the delay;
    when it ended, if it never wrote."""
    tmp = workspace / "media" / "tmp"
    while proc.poll() is None:
        try:
            if any(f"~{proc.pid}~" in name for name in os.listdir(tmp)):
                break
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    return time.monotonic()


def _timed_run(workspace: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """An unkilled run, and how long it wrote for (from its first temporary file)."""
    with open(workspace.parent / f"{workspace.name}.out", "w+") as out:
        proc = subprocess.Popen(
            _cmd(workspace, *args), stdout=out, stderr=subprocess.PIPE, text=True, env=_env()
        )
        started = _work_started(workspace, proc)
        _, stderr = proc.communicate(timeout=300)
        working = time.monotonic() - started
        out.seek(0)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), stderr), working


def _run_killed(workspace: Path, delay: float, *args: str) -> Kill:
    """Run, and kill ``delay`` seconds after it began writing."""
    # stdout is not read: a pipe would fill and block the process on its JSON at the end.
    proc = subprocess.Popen(
        _cmd(workspace, *args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
    )
    try:
        _work_started(workspace, proc)
        time.sleep(delay)
        running = proc.poll() is None
        if running:
            os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    return Kill(proc.pid, running)


@dataclass
class Raw:
    """What a killed process left, read without opening the workspace (no clean-up)."""

    media: int
    claims: int
    leftovers: list[str]  # the dead process's entries in media/tmp/
    markers: int  # of which "original in place, row not committed" markers


def _raw(workspace: Path, pid: int) -> Raw:
    db = sqlite3.connect(workspace / "workbench.sqlite", timeout=30)
    try:
        media = db.execute("SELECT count(*) FROM media").fetchone()[0]
        claims = db.execute("SELECT count(*) FROM claims").fetchone()[0]
    finally:
        db.close()
    tmp = workspace / "media" / "tmp"
    mine = sorted(p.name for p in tmp.iterdir() if f"~{pid}~" in p.name)
    return Raw(media, claims, mine, sum(n.endswith(".pending") for n in mine))


def _tmp_entries_of(workspace: Path, pid: int) -> list[str]:
    return [p.name for p in (workspace / "media" / "tmp").iterdir() if f"~{pid}~" in p.name]


@dataclass(frozen=True)
class State:
    media: dict[str, dict[str, Any]]  # sha256 -> facts
    claims: dict[str, frozenset[tuple[str, str]]]  # claim id -> {(sha256, role)}
    audit: Counter[tuple[str, str]]  # (entity type, action) -> entries


def _state(workspace: Path) -> State:
    """The workspace as a Workspace sees it, with the invariants every open must hold."""
    with Workspace(Location.of(workspace), "crash-checker") as ws:
        with ws.db.read() as session:
            rows = session.execute(
                select(Media.id, Media.sha256, Media.original_name, Media.acquired_by)
            ).all()
            links = session.execute(
                select(ClaimMedia.claim_id, Media.sha256, ClaimMedia.role).join(
                    Media, Media.id == ClaimMedia.media_id
                )
            ).all()
            claim_ids = session.scalars(select(Claim.id)).all()
            audit = Counter(
                (t, a)
                for t, a in session.execute(select(AuditEntry.entity_type, AuditEntry.action))
            )
        shas = [r.sha256 for r in rows]
        duplicated = [sha for sha, n in Counter(shas).items() if n > 1]
        assert not duplicated, f"media stored twice: {duplicated}"
        missing = [sha for sha in shas if not ws.store.path_for(sha).is_file()]
        assert not missing, f"rows without their original: {missing}"
        orphans = set(ws.store.iter_shas()) - set(shas)
        assert not orphans, f"originals without a row: {orphans}"
        assert not list(ws.store.tmp.iterdir()), "temporary files left after open"
        claims: dict[str, set[tuple[str, str]]] = {str(c): set() for c in claim_ids}
        for claim_id, sha, role in links:
            claims[str(claim_id)].add((sha, role))
        return State(
            media={r.sha256: {"name": r.original_name, "by": r.acquired_by} for r in rows},
            claims={c: frozenset(v) for c, v in claims.items()},
            audit=audit,
        )


def _noise_pictures(folder: Path, count: int, seed: int) -> list[Path]:
    """Small distinct pictures with real detail (noise over a few blocks: not flat)."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        blocks = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8).repeat(8, 0).repeat(8, 1)
        noise = rng.integers(-40, 40, (32, 32, 3))
        pixels = np.clip(blocks.astype(int) + noise, 0, 255).astype(np.uint8)
        path = folder / f"pic{i:03d}.png"
        Image.fromarray(pixels).save(path)
        out.append(path)
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Tally:
    kills: int = 0
    mid_way: int = 0
    markers: int = 0  # kills between an original's rename and its row's commit
    leftovers: int = 0  # kills that left temporary files behind
    reruns: int = 0


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def pictures(base: Path) -> Path:
    folder = base / "pictures"
    files = _noise_pictures(folder, FILES, SEED)
    assert len({_sha(p) for p in files}) == FILES
    return folder


@pytest.fixture(scope="module")
def empty_workspace(base: Path) -> Path:
    """An initialised, empty workspace to copy (``init`` is not what is being tested)."""
    folder = base / "empty"
    done = _run(folder, "init", "--json")
    assert done.returncode == 0, done.stderr
    return folder


def _fresh(empty: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(empty, target)
    return target


# -- the kills -------------------------------------------------------------------------------


def _chains(
    rng: random.Random,
    empty: Path,
    base: Path,
    args: tuple[str, ...],
    full_time: float,
    progress_of: Any,
    check_after_kill: Any,
    check_rerun: Any,
) -> Tally:
    """Chains of kills on one workspace each, every chain ending with a full re-run.

    A kill's delay counts from the process's first write and is drawn over the share of
    the measured writing time still to do (``progress_of``: the share done, 0..1), so that
    the kills spread over the run and most land on new work.
    """
    tally = Tally()
    chain = 0
    while tally.kills < KILLS:
        workspace = _fresh(empty, base / f"chain{chain}")
        for _ in range(KILLS_PER_CHAIN):
            if tally.kills >= KILLS:
                break
            done_share = progress_of(workspace)
            if done_share >= 1.0:
                break
            # Spread over what is left to do (the part already done goes unwritten, and the
            # delay counts from the first write).
            delay = rng.uniform(0.02, 0.9) * full_time * (1.0 - done_share)
            kill = _run_killed(workspace, delay, *args)
            tally.kills += 1
            before = progress_of(workspace)
            raw = _raw(workspace, kill.pid)
            tally.markers += raw.markers > 0
            tally.leftovers += bool(raw.leftovers)
            if kill.running and (raw.leftovers or before > done_share) and before < 1.0:
                tally.mid_way += 1
            _verify_ok(workspace)  # opens the workspace: a dead process's leftovers go
            assert not _tmp_entries_of(workspace, kill.pid), "a dead process's files stayed"
            check_after_kill(_state(workspace))
        done = _run(workspace, *args)
        assert done.returncode == 0, done.stderr
        _verify_ok(workspace)
        check_rerun(done, _state(workspace))
        tally.reruns += 1
        shutil.rmtree(workspace)
        chain += 1
    return tally


@pytest.mark.slow
def test_killed_ingest_leaves_a_sound_workspace_and_a_rerun_completes(
    pictures: Path, empty_workspace: Path, base: Path
) -> None:
    expected = {_sha(p) for p in pictures.iterdir()}
    args = ("ingest", str(pictures), "--json")

    # The unkilled run: how long it takes, and what it leaves.
    reference = _fresh(empty_workspace, base / "ingest-reference")
    done, full_time = _timed_run(reference, *args)
    assert done.returncode == 0, done.stderr
    assert {r["status"] for r in json.loads(done.stdout)} == {"added"}
    _verify_ok(reference)
    assert set(_state(reference).media) == expected

    def progress_of(workspace: Path) -> float:
        return _raw(workspace, -1).media / FILES

    def after_kill(state: State) -> None:
        assert set(state.media) <= expected
        assert sum(n for (t, a), n in state.audit.items() if (t, a) == ("media", "add")) == len(
            state.media
        ), "an audit entry for a media row that is not there (or the reverse)"

    def rerun(done: subprocess.CompletedProcess[str], state: State) -> None:
        results = json.loads(done.stdout)
        assert len(results) == FILES
        assert all(r["status"] in ("added", "exists") for r in results), results
        assert set(state.media) == expected
        assert state.audit[("media", "add")] == FILES

    tally = _chains(
        random.Random(SEED),
        empty_workspace,
        base,
        args,
        full_time,
        progress_of,
        after_kill,
        rerun,
    )
    print(f"\ningest: full run {full_time:.1f}s; {tally}")
    assert tally.kills >= KILLS
    assert tally.mid_way >= 15, tally


@pytest.fixture(scope="module")
def bag(pictures: Path, base: Path) -> tuple[Path, State]:
    """A zipped bag of 50 claims with 3 of the pictures each (150 originals)."""
    source = base / "bag-source"
    files = sorted(pictures.iterdir())[: BAG_CLAIMS * MEDIA_PER_CLAIM]
    with Workspace(Location.of(source), "bag-author") as ws:
        for i in range(BAG_CLAIMS):
            claim = ws.claims.create(
                f"claim {i}", case="crash case", source=("telegram", f"@feed{i % 5}")
            )
            mine = files[i * MEDIA_PER_CLAIM : (i + 1) * MEDIA_PER_CLAIM]
            results = ws.media.ingest(mine, claim_id=claim.id)
            assert all(r.status.value == "added" for r in results)
    out = base / "crash-bag.zip"
    done = _run(source, "export", "--format", "bag", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    return out, _state(source)


@pytest.mark.slow
def test_killed_bag_import_leaves_a_sound_workspace_and_a_rerun_completes(
    bag: tuple[Path, State], empty_workspace: Path, base: Path
) -> None:
    bag_path, source = bag
    args = ("import", str(bag_path), "--json")

    reference = _fresh(empty_workspace, base / "import-reference")
    done, full_time = _timed_run(reference, *args)
    assert done.returncode == 0, done.stderr
    _verify_ok(reference)
    ref = _state(reference)
    assert ref.claims == source.claims
    assert ref.media == {sha: facts for sha, facts in source.media.items()}

    def progress_of(workspace: Path) -> float:
        raw = _raw(workspace, -1)
        if raw.claims:
            return 1.0
        return 0.9 * raw.media / len(source.media)  # the claims' transaction is the rest

    def after_kill(state: State) -> None:
        assert set(state.media) <= set(source.media)
        # The claims commit in one transaction: none of them, or all with all their links.
        assert state.claims in ({}, source.claims), "a claim was imported in part"

    def rerun(done: subprocess.CompletedProcess[str], state: State) -> None:
        summary = json.loads(done.stdout)
        assert summary["refused"] is None, summary
        assert not summary["skipped"], summary
        assert state.claims == source.claims
        # Nothing lost: every original, under the bag's name and chain of custody.
        assert state.media == ref.media
        # Nothing duplicated: the audit trail as one unbroken import left it.
        assert state.audit == ref.audit

    tally = _chains(
        random.Random(SEED + 1),
        empty_workspace,
        base,
        args,
        full_time,
        progress_of,
        after_kill,
        rerun,
    )
    print(f"\nbag import: full run {full_time:.1f}s; {tally}")
    assert tally.kills >= KILLS
    assert tally.mid_way >= 15, tally


# -- temporary files of dead and live writers --------------------------------------------------


@pytest.fixture
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield proc.pid
    finally:
        proc.kill()
        proc.wait()


def test_leftovers_of_a_dead_writer_go_on_open_a_live_writers_stay(
    tmp_path: Path, dead_pid: int, live_pid: int
) -> None:
    folder = tmp_path / "ws"
    with Workspace(Location.of(folder)) as ws:
        store = ws.store
        row = ws.media.ingest([_noise_pictures(tmp_path / "one", 1, 7)[0]])[0]
        assert row.media is not None
        with_row = row.media.sha256
        # Two originals in place without a row: killed before the commit, and in progress.
        orphan, busy = (hashlib.sha256(b).hexdigest() for b in (b"orphan", b"busy"))
        for content, sha in ((b"orphan", orphan), (b"busy", busy)):
            store.commit(store.stage(content, sha), sha)
        mine = f"~{os.getpid()}~"

        def name(pid: int, kind: str, rest: str) -> Path:
            return store.tmp / (store.temporary_prefix(kind).replace(mine, f"~{pid}~") + rest)

        dead_part = name(dead_pid, "put", "x.part")
        dead_dir = name(dead_pid, "import", "abc")
        dead_markers = [
            name(dead_pid, "put", f"{sha}-r.part.pending") for sha in (orphan, with_row, busy)
        ]
        live_part = name(live_pid, "put", "y.part")
        live_marker = name(live_pid, "put", f"{busy}-r.part.pending")
        other_host = store.tmp / f"put-elsewhere~{dead_pid}~z.part"
        legacy = store.tmp / "put-abc.part"
        for path in (dead_part, live_part, live_marker, other_host, legacy, *dead_markers):
            path.write_bytes(b"")
        dead_dir.mkdir()
        (dead_dir / "bag").mkdir()
        (dead_dir / "bag" / "file").write_bytes(b"half a bag")

    with Workspace(Location.of(folder)) as ws:
        left = {p.name for p in ws.store.tmp.iterdir()}
        assert left == {live_part.name, live_marker.name, other_host.name, legacy.name}
        assert not ws.store.has(orphan)  # renamed in place, its row never committed
        assert ws.store.has(with_row)  # its row committed before the process died
        assert ws.store.has(busy)  # a running writer is committing it
        assert ws.store.pending_shas() == {busy}


# -- power-loss ordering ---------------------------------------------------------------------


def test_original_is_durable_before_its_row_commits(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File fsync'd, renamed into place, its folder fsync'd, and only then the commit."""
    picture = _noise_pictures(tmp_path / "pics", 1, 11)[0]
    sha = _sha(picture)
    final = workspace.store.path_for(sha)
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    def committed(_conn: Any) -> None:
        events.append(("commit", "media row" if final.exists() else "no original yet"))

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to name fsync'd descriptors")
    monkeypatch.setattr("storage.mediastore.os.fsync", fsync)
    monkeypatch.setattr("storage.mediastore.os.replace", replace)
    event.listen(workspace.db.engine, "commit", committed)
    try:
        [result] = workspace.media.ingest([picture])
    finally:
        event.remove(workspace.db.engine, "commit", committed)
    assert result.status.value == "added"

    kinds = [kind for kind, _ in events]
    staged_sync = next(
        i
        for i, (k, p) in enumerate(events)
        if k == "fsync" and Path(p).parent == workspace.store.tmp
    )
    rename = events.index(("replace", str(final)))
    folder_sync = events.index(("fsync", str(final.parent)), rename)
    commits = [i for i, k in enumerate(kinds) if k == "commit"]
    assert staged_sync < rename < folder_sync < commits[0], events
    assert commits == [len(events) - 1], events  # one transaction, after everything else
