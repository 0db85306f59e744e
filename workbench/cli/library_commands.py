"""The commands on the library: ``init``, ``ingest``, ``match``, ``media``, ``keyframes``,
``verify`` and ``reindex``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from workbench.base.errors import ValidationError, WorkbenchError
from workbench.claims.views import to_jsonable
from workbench.cli.shapes import emit, ingest_json, ingest_line, match_json
from workbench.library.keyframes import write_keyframes
from workbench.library.reindex import reindex
from workbench.library.views import IngestResult, IngestStatus
from workbench.workspace import Location, Workspace, resolve_workspace_dir, write_team_config


def cmd_init(args: argparse.Namespace) -> int:
    folder = resolve_workspace_dir(args.workspace)
    if args.database_url:
        media_dir = Path(args.media_dir).expanduser().resolve() if args.media_dir else None
        write_team_config(folder, args.database_url, media_dir)
    elif args.media_dir:
        raise WorkbenchError("--media-dir goes with --database-url")
    with Workspace(Location.of(folder), args.analyst) as ws:
        payload = {
            "workspace": str(folder),
            "database": ws.db.dialect,
            "media_dir": str(ws.store.root),
        }
    emit(args, payload, f"workspace ready: {folder} ({payload['database']})")
    return 0


def cmd_ingest(args: argparse.Namespace, ws: Workspace) -> int:
    def progress(done: int, total: int, result: IngestResult) -> None:
        if not args.json:
            print(ingest_line(result), flush=True)

    results = ws.media.ingest(
        args.paths,
        claim_id=args.claim,
        role=args.role,
        max_distance=args.max_distance,
        progress=progress,
        local_features=not args.later,
    )
    emit(args, [ingest_json(r) for r in results], "")
    if not args.json:
        errors = sum(r.status is IngestStatus.ERROR for r in results)
        print(
            f"{len(results)} file(s): {len(results) - errors} stored or known, {errors} refused",
            file=sys.stderr,
        )
    return 0


def cmd_match(args: argparse.Namespace, ws: Workspace) -> int:
    results = ws.media.match(args.files, max_distance=args.max_distance)
    lines = []
    for r in results:
        if r.error:
            lines.append(f"{r.query}: error: {r.error}")
        else:
            lines.append(f"{r.query}: {len(r.matches)} match(es)")
            lines += [
                f"  {n.sha256[:12]} {n.measure()} ({n.evidence})"
                f" claims: {', '.join(n.claim_ids) or '-'}"
                for n in r.matches
            ]
            lines += [f"  {k.sentence()} (distance {k.distance})" for k in r.known]
    emit(args, [match_json(r) for r in results], "\n".join(lines))
    return 0


def cmd_media(args: argparse.Namespace, ws: Workspace) -> int:
    category = None if args.category == "none" else args.category
    found = ws.findings.set(args.media_id, category, args.note)
    human = f"{args.media_id}: {found.category if found else 'no finding'}"
    emit(args, {"media_id": args.media_id, "finding": to_jsonable(found)}, human)
    return 0


def cmd_keyframes(args: argparse.Namespace, ws: Workspace) -> int:
    media = ws.media.get(args.media_id)
    if media.kind != "video":
        raise ValidationError("media", f"{args.media_id} is a picture, not a video")
    if args.every <= 0:
        raise ValidationError("every", "must be more than 0 seconds")
    about = {"sha256": media.sha256, "name": media.original_name}
    written = write_keyframes(
        ws.media.original_path(media.sha256),
        args.out,
        interval_ms=round(args.every * 1000),
        about=about,
    )
    payload = [{"t_ms": k.t_ms, "path": str(k.path)} for k in written]
    emit(args, payload, "\n".join(f"{k.t_ms / 1000:9.3f} s  {k.path}" for k in written))
    return 0


def cmd_verify(args: argparse.Namespace, ws: Workspace) -> int:
    heads = tuple(h.strip().lower() for h in args.head)
    for head in heads:
        if not re.fullmatch(r"[0-9a-f]{64}", head):
            raise ValidationError("head", f"{head!r} is not a SHA-256 (64 hex digits)")
    problems = ws.verifier.run(published_heads=heads)
    entries, chain_head = ws.verifier.audit_head
    payload = {
        "ok": not problems,
        "problems": to_jsonable(problems),
        "audit_chain": {"entries": entries, "head": chain_head},
    }
    human = "\n".join(
        [f"{p.kind}: {p.sha256}: {p.detail}" for p in problems]
        or ["all originals intact; audit chain whole"]
    ) + (f"\naudit trail: {entries} entries, chain head {chain_head}")
    emit(args, payload, human)
    return 1 if problems else 0


def cmd_reindex(args: argparse.Namespace, ws: Workspace) -> int:
    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\rreindexed {done}/{total}", end="", file=sys.stderr, flush=True)

    def feature_progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\rlocal features {done}/{total}", end="", file=sys.stderr, flush=True)

    result = reindex(ws, everything=args.all, progress=progress)
    features = ws.features.run_pass(progress=feature_progress)
    payload = {
        "considered": result.considered,
        "reindexed": result.reindexed,
        "errors": [{"sha256": sha, "error": error} for sha, error in result.errors],
        "features": {
            "considered": features.considered,
            "computed": features.computed,
            "found_inside": features.found,
            "errors": [{"sha256": sha, "error": error} for sha, error in features.errors],
        },
    }
    lines = [
        f"{result.reindexed} of {result.considered} media hashed again",
        f"local features for {features.computed} of {features.considered} pictures"
        f" ({features.found} found inside or around another)",
    ]
    lines += [f"error   {sha}: {error}" for sha, error in (*result.errors, *features.errors)]
    emit(args, payload, "\n".join(lines))
    return 0
