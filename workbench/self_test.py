"""The installation checks itself (``claim-workbench --self-test``): the whole path once.

In a temporary folder, without a display and without the network: a workspace is made; the
sample's generated pictures and video are ingested (decoding, hashing, EXIF, video frames,
local features); a smaller, recompressed copy of a picture is matched against them; a claim
is logged with the picture; a PDF report and a bag are exported; the bag is taken into a
second workspace (BagIt checked, merged); the store is verified against its rows and the
audit chain; everything is removed. Each check is timed and says what it saw; the first
that fails ends the run. The answer is one JSON-able dict, ``{"ok", "checks"}``.

It may use the workspace and its services, ``exchange`` and ``sample``; nothing of the
window.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from workbench.exchange import export, import_path
from workbench.exchange.scope import ExportScope
from workbench.library.views import IngestStatus
from workbench.sample import write_sample_media
from workbench.workspace import Workspace

Check = Callable[[], str]


class _Failed(Exception):
    pass


def _expect(condition: bool, why: str) -> None:
    if not condition:
        raise _Failed(why)


def run(extra: list[tuple[str, Check]] | None = None) -> dict[str, Any]:
    """Run every check (``extra``: the caller's own, first: the window's Qt, say)."""
    checks: list[dict[str, Any]] = []
    folder = Path(tempfile.mkdtemp(prefix="claim-workbench-self-test-"))
    state: dict[str, Any] = {}

    def workspace() -> str:
        state["ws"] = Workspace.open(folder / "workspace", analyst="self-test")
        return str(folder / "workspace")

    def ingest() -> str:
        media = write_sample_media(folder / "sample")
        files = [media["fighters_studying_map.jpg"], media["sarwan_flag_burning_screenshot.jpg"]]
        files += [p for name, p in media.items() if name.endswith(".mp4")]
        results = state["ws"].media.ingest(files, local_features=True)
        bad = [f"{r.path}: {r.error}" for r in results if r.status is not IngestStatus.ADDED]
        _expect(not bad, "; ".join(bad))
        kinds = sorted(r.media.kind for r in results if r.media)
        _expect("video" in kinds, "the sample video was not made (no H.264/MPEG-4 encoder?)")
        state["photo"] = results[0]
        return f"{len(results)} files: {', '.join(kinds)}"

    def match() -> str:
        copy = folder / "copy.jpg"
        with Image.open(state["photo"].path) as picture:
            picture.convert("RGB").resize((320, 240)).save(copy, quality=60)
        [result] = state["ws"].media.match([copy])
        _expect(result.error is None, str(result.error))
        found = [m for m in result.matches if m.media_id == state["photo"].media.id]
        _expect(bool(found), "a copy of a stored picture was not found")
        return f"found at distance {found[0].distance} ({found[0].evidence})"

    def claim() -> str:
        ws = state["ws"]
        made = ws.claims.create(text="Self-test: Sarwan, 3 June 2015 ✓ — سروان")
        ws.media.ingest([state["photo"].path], claim_id=made.id)
        state["claim"] = made.id
        return made.id

    def pdf() -> str:
        out = folder / "report.pdf"
        export(state["ws"], "pdf", ExportScope(claim_ids=(state["claim"],)), out)
        _expect(out.read_bytes()[:5] == b"%PDF-", "the report is not a PDF")
        return f"{out.stat().st_size:,} bytes"

    def bag() -> str:
        out = folder / "bag.zip"
        export(state["ws"], "bag", ExportScope(claim_ids=(state["claim"],)), out)
        with Workspace.open(folder / "other", analyst="self-test") as other:
            summary = import_path(other, out)
            _expect(summary.refused is None, f"the bag was refused: {summary.refused}")
            _expect(bool(other.claims.get(state["claim"])), "the bag's claim did not arrive")
        return f"{out.stat().st_size:,} bytes, taken into a second workspace"

    def verify() -> str:
        problems = state["ws"].verifier.run()
        _expect(not problems, "; ".join(f"{p.kind}: {p.detail}" for p in problems[:3]))
        return "every original matches its row; the audit chain holds"

    steps = [
        *(extra or []),
        ("workspace", workspace),
        ("ingest", ingest),
        ("match", match),
        ("claim", claim),
        ("pdf", pdf),
        ("bag", bag),
        ("verify", verify),
    ]
    ok = True
    try:
        for name, step in steps:
            started = time.perf_counter()
            try:
                detail, passed = step(), True
            except Exception as exc:  # the failing check says why; nothing is raised
                detail, passed = f"{type(exc).__name__}: {exc}"[:500], False
            checks.append(
                {
                    "name": name,
                    "ok": passed,
                    "seconds": round(time.perf_counter() - started, 3),
                    "detail": detail,
                }
            )
            if not passed:
                ok = False
                break
    finally:
        if "ws" in state:
            state["ws"].close()
        shutil.rmtree(folder, ignore_errors=True)
        gone = not folder.exists()
        checks.append({"name": "cleanup", "ok": gone, "seconds": 0.0, "detail": str(folder)})
    return {"ok": ok and checks[-1]["ok"], "checks": checks}
