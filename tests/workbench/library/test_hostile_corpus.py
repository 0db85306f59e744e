"""The whole hostile corpus, through every door that takes a file, in bounded time.

``test_hostile.py`` classifies each file of ``tests/data/hostile`` (opens, or is refused
with which message) and ingests the folder once. This file adds what it does not check:

- every file of ``tests/data/hostile`` (a byte-for-byte copy of the shared corpus,
  checked when it was copied) has its SOURCES row;
- no hang and no crash: each file is ingested, looked up (``match``) and imported as a
  media folder in a child process with a time limit, so a decoder that loops or crashes
  fails this test instead of hanging or killing the run; decompression bombs are refused
  from the header, in well under a second;
- the post importer's folder door answers for each file (a claim with its media, or a
  skipped item with a message) and leaves no half-stored original.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from workbench.exchange.importers import import_posts
from workbench.library.views import IngestStatus
from workbench.workspace import Workspace

HERE = Path(__file__).resolve()
HOSTILE = HERE.parents[2] / "data" / "hostile"
ROOT = HERE.parents[3]
BOMBS = ["decompression_bomb.gif", "decompression_bomb.ico", "reallybig.bmp"]
#: A file that takes longer than this to be added or refused counts as a hang.
PER_FILE_SECONDS = 20


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SOURCES.md")


def test_every_hostile_file_has_a_sources_row() -> None:
    sources = (HOSTILE / "SOURCES.md").read_text("utf-8")
    rows = set(re.findall(r"^\| `([^`]+)` \|", sources, re.M))
    assert {p.name for p in _files(HOSTILE)} <= rows


_CHILD = r"""
import json, sys, time
from pathlib import Path
from workbench.workspace import Location, Workspace

folder, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
with Workspace(Location.of(folder), analyst="hostile") as ws:
    for path in files:
        start = time.perf_counter()
        [result] = ws.media.ingest([path])
        ingest_s = time.perf_counter() - start
        start = time.perf_counter()
        [match] = ws.media.match([path])
        match_s = time.perf_counter() - start
        print(json.dumps({
            "name": path.name, "status": result.status.value, "error": result.error,
            "ingest_s": ingest_s, "match_error": match.error, "match_s": match_s,
        }), flush=True)
    print(json.dumps({"problems": [str(p) for p in ws.verifier.run()],
                      "tmp": [p.name for p in ws.store.tmp.iterdir()]}), flush=True)
"""


def test_each_file_is_added_or_refused_in_bounded_time_without_crashing(tmp_path: Path) -> None:
    files = _files(HOSTILE)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path / "ws"), *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=PER_FILE_SECONDS * len(files),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]  # a crash (signal) or a traceback
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    *per_file, final = lines
    assert [r["name"] for r in per_file] == [p.name for p in files]
    for r in per_file:
        assert r["status"] in ("added", "error"), r
        if r["status"] == "error":
            assert r["error"] and r["match_error"], r  # a reason, both ways in
        assert r["ingest_s"] < PER_FILE_SECONDS and r["match_s"] < PER_FILE_SECONDS, r
        if r["name"] in BOMBS:
            assert "decompression bomb" in r["error"] and r["ingest_s"] < 1.0, r
    assert final == {"problems": [], "tmp": []}


def test_the_folder_import_answers_for_every_file(workspace: Workspace) -> None:
    start = time.perf_counter()
    summary = import_posts(workspace, HOSTILE)
    assert time.perf_counter() - start < PER_FILE_SECONDS * 4
    assert summary.refused is None
    skipped = {Path(issue.where).name: issue.message for issue in summary.skipped}
    added = len(summary.added)
    assert added + len(skipped) >= len(_files(HOSTILE))
    assert all(message for message in skipped.values())
    for bomb in BOMBS:
        assert "decompression bomb" in skipped[bomb]
    claims = workspace.claims.find()
    assert len(claims) == added
    assert all(len(c.media) == 1 for c in claims)  # each claim has its one picture or video
    assert list(workspace.store.tmp.iterdir()) == []
    assert workspace.verifier.run() == []
    again = workspace.media.ingest([HOSTILE])
    assert {r.status for r in again} <= {IngestStatus.EXISTS, IngestStatus.ERROR}
