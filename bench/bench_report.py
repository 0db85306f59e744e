#!/usr/bin/env python3
"""The report of verified claims: 500 claims with a picture each, as PDF and as HTML.

    .venv/bin/python bench/bench_report.py [OUT_DIR] [--claims N]

The workspace comes from ``make_workspace`` (rows only), then: each claim gets exactly one
picture (its original, a 1280x720 JPEG, written into the media store, and its 256-pixel
cached thumbnail, as ingest leaves them), half the claims a verdict with a rationale,
coordinates and a credibility grade, and every claim two audit entries. About half the
claims carry an Arabic original, so the PDF shapes Arabic as a real report does.

Timed: ``gather`` (the database reads, seen-before included), ``write_pdf`` and
``write_html`` with the thumbnails cached; and the naive way for the pictures: the same
PDF with the thumbnail cache emptied, so every picture is decoded from its original and
scaled (which is also what the first report after a cache wipe costs).

Target (from the issue): a PDF of 500 claims with thumbnails in <= 20 s.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fpdf  # noqa: E402
from machine import describe, load_average  # noqa: E402
from make_workspace import make_workspace  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from sqlalchemy import delete, insert, select, update  # noqa: E402

import workbench.exchange.report_pdf as report_pdf  # noqa: E402
from storage.schema import AuditEntry, Claim, ClaimMedia, Media  # noqa: E402
from workbench.exchange.report import write_html, write_pdf  # noqa: E402
from workbench.exchange.scope import ExportScope, gather  # noqa: E402
from workbench.workspace import Location, Workspace  # noqa: E402

TARGET_S = 20.0
T = TypeVar("T")
RATIONALE = (
    "Geolocated to the market square from the minaret and the water tower; the shadows put "
    "the time in the late afternoon, consistent with the post."
)


def _picture(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A photo-like picture (blocks of colour with noise) that compresses like a photo."""
    picture = Image.effect_noise(size, 40).convert("RGB")
    draw = ImageDraw.Draw(picture, "RGBA")
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256), 150)
        draw.rectangle((x, y, x + size[0] // 3, y + size[1] // 4), fill=colour)
    return picture


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()


def prepare(folder: Path, claims: int) -> Path:
    """The generated workspace, with one picture per claim, verdicts and an audit trail."""
    marker = folder / "bench-report.done"
    if marker.is_file() and marker.read_text() == str(claims):
        return folder
    make_workspace(folder, claims=claims, media=claims, quiet=True)
    rng = random.Random(7)
    ws = Workspace(Location.of(folder), analyst="bench")
    try:
        with ws.db.transaction() as session:
            claim_ids = list(session.scalars(select(Claim.id).order_by(Claim.id)))
            media = list(session.execute(select(Media.id, Media.sha256).order_by(Media.id)))
            session.execute(delete(ClaimMedia))
            session.execute(
                insert(ClaimMedia),
                [
                    {"claim_id": c, "media_id": m, "role": "claim_media", "added_by": "bench"}
                    for c, (m, _) in zip(claim_ids, media, strict=True)
                ],
            )
            decided = datetime(2024, 3, 1, tzinfo=UTC)
            for n, claim_id in enumerate(claim_ids):
                if n % 2:
                    continue
                session.execute(
                    update(Claim)
                    .where(Claim.id == claim_id)
                    .values(
                        status=("confirmed", "refuted")[n % 4 == 0],
                        rationale=RATIONALE,
                        decided_by="bench",
                        decided_at=decided + timedelta(hours=n),
                        credibility=1 + n % 6,
                        latitude=36.0 + rng.random(),
                        longitude=37.0 + rng.random(),
                    )
                )
            session.execute(
                insert(AuditEntry),
                [
                    {
                        "actor": "bench",
                        "entity_type": "claim",
                        "entity_id": str(c),
                        "action": action,
                        "changes": changes,
                    }
                    for c in claim_ids
                    for action, changes in (
                        ("create", {"text": [None, "generated claim"], "status": [None, "x"]}),
                        (
                            "status",
                            {"status": ["unconfirmed", "confirmed"], "rationale": ["", RATIONALE]},
                        ),
                    )
                ],
            )
        for _, sha in media:
            picture = _picture(rng, (1280, 720))
            original = ws.store.path_for(sha)
            original.parent.mkdir(parents=True, exist_ok=True)
            original.write_bytes(_jpeg(picture, 88))
            picture.thumbnail((256, 256))
            ws.thumbnails.put(sha, _jpeg(picture, 85))
    finally:
        ws.close()
    marker.write_text(str(claims))
    return folder


def timed(label: str, run: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:7.2f} s")
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=Path("/tmp/bench-report"))
    parser.add_argument("--claims", type=int, default=500)
    args = parser.parse_args()
    folder = prepare(args.out_dir / "ws", args.claims)
    out = args.out_dir
    print(describe(f"fpdf2 {fpdf.__version__}"), f"(load {load_average()})")
    ws = Workspace(Location.of(folder), analyst="bench")
    try:
        export, t_gather = timed(
            f"gather ({args.claims} claims)", lambda: gather(ws, ExportScope())
        )
        pdf, t_pdf = timed(
            "write_pdf, thumbnails cached", lambda: write_pdf(export, ws, out / "report.pdf")
        )
        html, t_html = timed(
            "write_html, thumbnails cached", lambda: write_html(export, ws, out / "report.html")
        )
        # The naive way for the text: HarfBuzz shaping on for every line, Latin too.
        shaped = report_pdf.needs_shaping
        report_pdf.needs_shaping = lambda text: True
        try:
            _, t_all_shaped = timed(
                "write_pdf, every line shaped", lambda: write_pdf(export, ws, out / "shaped.pdf")
            )
        finally:
            report_pdf.needs_shaping = shaped
        shutil.rmtree(ws.thumbnails.root)  # the naive way: every picture from its original
        _, t_cold = timed(
            "write_pdf, thumbnails made from originals",
            lambda: write_pdf(export, ws, out / "cold.pdf"),
        )
    finally:
        ws.close()
    total = t_gather + t_pdf
    print(
        f"PDF: {pdf.pages} pages, {pdf.byte_size / 1e6:.1f} MB; HTML: {html.byte_size / 1e6:.1f} MB"
    )
    print(
        f"gather + PDF: {total:.2f} s (target <= {TARGET_S:.0f} s: "
        f"{'met' if total <= TARGET_S else 'MISSED'}); gather + HTML: {t_gather + t_html:.2f} s; "
        f"every line shaped: {t_all_shaped:.2f} s ({t_all_shaped / t_pdf:.1f}x); "
        f"PDF from originals: {t_cold:.2f} s ({t_cold / t_pdf:.1f}x the cached way)"
    )


if __name__ == "__main__":
    main()
