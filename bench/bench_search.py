#!/usr/bin/env python3
"""Claim search as the analyst types, on a generated 100,000-claim / 50,000-media workspace.

    .venv/bin/python bench/bench_search.py [OUT_DIR] [--claims N] [--media M] [--runs R]
                                           [--database-url postgresql://...]

Per keystroke ("S", "Sa", ... "Sarwan") and for a few filters: ``ClaimSearch.ids(query)``
plus ``rows(first 100 ids)``, which is what the window does on each change; median and
p95 over R runs (default 15) after one warm-up run. Against, in the same run, the naive
way: load every claim (ORM objects with source, actors and tags) and filter in Python with
``in``, then take the first 100; and the naive filter alone over claims already in memory.
Also the time to open the workspace (``Workspace.open``: migrations check + hash index),
and the detail pane's reads when a claim is selected (``ui.claims.claim_detail.load_claim_detail``).

Target (from the issue): <= 100 ms per keystroke for the query part, from the two
characters the window starts searching at ("S" alone is measured, not judged).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import sqlalchemy  # noqa: E402
from machine import describe, load_average  # noqa: E402
from make_workspace import make_workspace  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from storage.schema import Claim  # noqa: E402
from ui.claims.detail_html import load_claim_detail  # noqa: E402
from workbench.claims.search import ClaimQuery, ClaimSearch  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

KEYSTROKES = ("S", "Sa", "Sar", "Sarw", "Sarwa", "Sarwan")
TARGET_MS = 100.0
MIN_SEARCH_CHARS = 2  # ui.claims.filter_bar.MIN_SEARCH_CHARS: the window searches from 2 characters
PAGE = 100


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """(median ms, p95 ms, last result) over ``runs`` after one warm-up call."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 95)), result


def load_everything(ws: Workspace) -> list[tuple[Claim, str]]:
    """The naive way's load: every claim as an ORM object, with its source's handle."""
    from storage.schema import Source

    query = (
        select(Claim, Source.handle, Source.display_name)
        .outerjoin(Source, Source.id == Claim.source_id)
        .options(selectinload(Claim.actors), selectinload(Claim.tags))
        .order_by(Claim.posted_at.desc().nulls_last())
    )
    with ws.db.read() as session:
        return [
            (claim, f"{handle or ''} {name or ''}")
            for claim, handle, name in session.execute(query).all()
        ]


def naive_filter(claims: list[tuple[Claim, str]], q: ClaimQuery) -> list[Claim]:
    needle = q.text.lower()
    out = []
    for claim, source in claims:
        if q.status and claim.status != q.status:
            continue
        if q.tag and q.tag not in [t.tag for t in claim.tags]:
            continue
        if q.actor and q.actor not in [a.name for a in claim.actors]:
            continue
        if q.posted_from and (claim.posted_at is None or claim.posted_at < q.posted_from):
            continue
        hay = " ".join(
            (
                claim.text,
                claim.original_text,
                claim.translation,
                claim.notes,
                claim.place_name,
                source,
            )
        ).lower()
        if needle in hay:
            out.append(claim)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=ROOT / "bench/out/workspace_100k")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--media", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    folder = make_workspace(args.out_dir, args.claims, args.media, database_url=args.database_url)
    print(describe(f"SQLAlchemy {sqlalchemy.__version__}", f"numpy {np.__version__}"))
    print(f"load average {load_average()}; {args.claims:,} claims, {args.media:,} media")

    opens = []
    for _ in range(3):
        started = time.perf_counter()
        ws = Workspace.open(folder, analyst="bench")
        opens.append((time.perf_counter() - started) * 1000)
        if len(opens) < 3:
            ws.close()
    print(f"backend {ws.db.dialect}; Workspace.open: {statistics.median(opens):.0f} ms median of 3")

    search = ClaimSearch(ws)
    facets = search.facets()
    source_id, source_label = facets.sources[len(facets.sources) // 2]
    case_id, case_name = facets.cases[0]
    after_2020 = datetime(2020, 1, 1, tzinfo=UTC)
    cases: list[tuple[str, ClaimQuery]] = [(f"text {k!r}", ClaimQuery(text=k)) for k in KEYSTROKES]
    cases += [
        ("no condition (all claims)", ClaimQuery()),
        ("status confirmed", ClaimQuery(status="confirmed")),
        ("tag checkpoint", ClaimQuery(tag="checkpoint")),
        ("actor IS", ClaimQuery(actor="IS")),
        (f"source {source_label}", ClaimQuery(source_id=source_id)),
        (f"case {case_name}", ClaimQuery(case_id=case_id)),
        ("posted since 2020", ClaimQuery(posted_from=after_2020)),
        ("'Sarw' + confirmed + tag", ClaimQuery(text="Sarw", status="confirmed", tag="shelling")),
        ("Arabic 'صورا'", ClaimQuery(text="صورا")),
        ("'Sarwan' + seen before", ClaimQuery(text="Sarwan", has_seen_before=True)),
        ("seen before (whole library)", ClaimQuery(has_seen_before=True)),
    ]

    loads = []
    for _ in range(args.naive_runs):
        started = time.perf_counter()
        everything = load_everything(ws)
        loads.append((time.perf_counter() - started) * 1000)
    load_ms = statistics.median(loads)

    header = (
        f"{'query':36} {'hits':>7} {'ours med':>9} {'p95':>7} {'naive':>8} {'in-mem':>7} {'x':>6}"
    )
    print()
    print(header)
    print("-" * len(header))
    worst = 0.0
    for label, query in cases:
        med, p95, _ = timed(lambda q=query: search.rows(search.ids(q)[:PAGE]), args.runs)
        hits = len(search.ids(query))
        naive = in_memory = "-"
        ratio = ""
        if query.has_seen_before is None and not query.source_id and not query.case_id:
            m_med, _, _ = timed(lambda q=query: naive_filter(everything, q)[:PAGE], args.runs)
            naive, in_memory = f"{load_ms + m_med:.0f}", f"{m_med:.0f}"
            ratio = f"{(load_ms + m_med) / med:.0f}x"
        if label.startswith("text") and len(query.text) >= MIN_SEARCH_CHARS:
            worst = max(worst, p95)
        print(
            f"{label[:36]:36} {hits:7,} {med:9.1f} {p95:7.1f} {naive:>9} {in_memory:>8} {ratio:>6}"
        )
    print()
    print(
        f"ours = ClaimSearch.ids + rows(first {PAGE}) in ms; naive = load all {len(everything):,}"
        f" claims as ORM objects ({load_ms:.0f} ms, median of {args.naive_runs}) + filter with"
        " `in`; in-mem = the naive"
        " filter alone over claims already loaded. Naive text match is a substring match;"
        " ours is word-prefix (so hit counts differ for 'S')."
    )
    verdict = "met" if worst <= TARGET_MS else "MISSED"
    print(
        f"worst keystroke p95 from {MIN_SEARCH_CHARS} characters (the window's minimum; "
        f"'S' alone is not searched): {worst:.1f} ms (target <= {TARGET_MS:.0f} ms): {verdict}"
    )
    # Selecting a claim: the detail pane reads its fields, media and near duplicates on the
    # window's thread (the pictures themselves decode on workers).
    shown = search.ids(ClaimQuery(has_seen_before=True))[:50]
    times = []
    for claim_id in shown:
        started = time.perf_counter()
        load_claim_detail(ws, claim_id)
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"detail pane of {len(shown)} claims with a picture seen before: median "
        f"{statistics.median(times):.1f} ms, slowest {max(times):.1f} ms (UI budget 100 ms)"
    )
    ws.close()


if __name__ == "__main__":
    main()
