"""The ``workbench`` command: a stable contract for scripts and other tools.

Global options come before the command (``workbench --workspace DIR ingest ...``). With
``--json`` stdout carries only JSON; messages and errors go to stderr. Exit status: 0 done
(a per-file error inside a batch is reported in the output and does not fail the command),
1 the command failed or ``verify`` found problems, 2 the command line was wrong.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from workbench import fields
from workbench.errors import ValidationError, WorkbenchError
from workbench.exchange import EXPORT_FORMATS, export, import_path
from workbench.formats import Publication
from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.reindex import reindex
from workbench.scope import ExportScope, case_names, source_labels
from workbench.settings import REVIEW_LANGUAGE, REVIEW_URL, Settings
from workbench.sources import parse_source_spec
from workbench.views import (
    ClaimView,
    ImportIssue,
    ImportSummary,
    IngestResult,
    IngestStatus,
    MatchResult,
    NearDuplicate,
    to_jsonable,
)
from workbench.workspace import Location, Workspace, resolve_workspace_dir, write_team_config


class _Version(argparse.Action):
    """``--version``: printed at once (no command needed); the workspace is only read."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from workbench import about

        print("\n".join(about.lines(resolve_workspace_dir(namespace.workspace))))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="Claim verification workbench (command line)."
    )
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $WORKBENCH_WORKSPACE, else the user data folder)",
    )
    parser.add_argument(
        "--analyst", metavar="NAME", help="who is working (default: $WORKBENCH_ANALYST or OS user)"
    )
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        help="the app's version, the schema of the workspace (given before it, or the "
        "default one) and the libraries' versions",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create (or upgrade) the workspace")
    init.add_argument("--database-url", help="use a PostgreSQL server instead of SQLite")
    init.add_argument("--media-dir", help="shared media folder (with --database-url)")
    init.add_argument("--json", action="store_true")

    ingest = commands.add_parser("ingest", help="store media files or folders")
    ingest.add_argument("--claim", metavar="ID", help="attach every file to this claim")
    ingest.add_argument(
        "--role", default="claim_media", choices=("claim_media", "evidence", "counter_evidence")
    )
    ingest.add_argument("--max-distance", type=int, default=DEFAULT_MAX_DISTANCE)
    ingest.add_argument(
        "--later",
        action="store_true",
        help="leave local features to `reindex` (faster; a picture inside another is found then)",
    )
    ingest.add_argument("--json", action="store_true")
    ingest.add_argument("paths", nargs="+", metavar="PATH")

    match = commands.add_parser("match", help="what stored media do these files resemble?")
    match.add_argument("--max-distance", type=int, default=DEFAULT_MAX_DISTANCE, metavar="N")
    match.add_argument("--json", action="store_true")
    match.add_argument("files", nargs="+", metavar="FILE")

    claim = commands.add_parser("claim", help="log, show, list and decide claims")
    claim_cmds = claim.add_subparsers(dest="claim_command", required=True, metavar="ACTION")
    add = claim_cmds.add_parser("add", help="log a new claim")
    add.add_argument("--text", required=True)
    add.add_argument(
        "--summary", help="a short summary (under 75 characters), what a review names it by"
    )
    add.add_argument("--source", metavar="PLATFORM:HANDLE", help="e.g. telegram:@group_feed")
    add.add_argument("--source-reliability", metavar="A-F")
    add.add_argument("--url", help="URL of the post")
    add.add_argument("--posted", metavar="TIME", help="ISO 8601 with time zone")
    add.add_argument("--observed", metavar="TIME", help="ISO 8601 with time zone")
    add.add_argument("--case", metavar="NAME", help="case name (created if new)")
    add.add_argument("--original-text")
    add.add_argument("--language", metavar="CODE", help="language of the original text, e.g. ar")
    add.add_argument("--translation")
    add.add_argument("--place")
    add.add_argument("--lat", type=str)
    add.add_argument("--lon", type=str)
    add.add_argument("--actor", action="append", default=[])
    add.add_argument("--tag", action="append", default=[])
    add.add_argument("--credibility", metavar="1-6")
    add.add_argument("--notes")
    add.add_argument("--media", nargs="+", default=[], metavar="FILE")
    add.add_argument("--json", action="store_true")

    show = claim_cmds.add_parser("show", help="one claim, with its media and audit trail")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    listing = claim_cmds.add_parser("list", help="claims, oldest first")
    listing.add_argument("--status", choices=("unconfirmed", "confirmed", "refuted"))
    listing.add_argument("--tag")
    listing.add_argument("--actor")
    listing.add_argument("--text", help="substring of text, translation or notes")
    listing.add_argument("--json", action="store_true")

    status = claim_cmds.add_parser("status", help="set the verdict")
    status.add_argument("id")
    status.add_argument("status", choices=("unconfirmed", "confirmed", "refuted"))
    status.add_argument("--rationale", default="")
    status.add_argument("--json", action="store_true")

    verify = commands.add_parser(
        "verify", help="re-hash originals; check database <-> files and the audit hash chain"
    )
    verify.add_argument(
        "--head",
        action="append",
        default=[],
        metavar="HASH",
        help="an audit chain head from a report or bag: it must still be in the trail",
    )
    verify.add_argument("--json", action="store_true")

    export = commands.add_parser("export", help="write claims out: report, data or bag")
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument(
        "--out", required=True, metavar="PATH", help="file to write (bag: .zip, else a folder)"
    )
    export.add_argument(
        "--status", action="append", default=[], choices=("unconfirmed", "confirmed", "refuted")
    )
    export.add_argument("--case", action="append", default=[], metavar="NAME_OR_ID")
    export.add_argument("--source", action="append", default=[], metavar="PLATFORM:HANDLE")
    export.add_argument("--tag", action="append", default=[])
    export.add_argument("--from", dest="posted_from", metavar="TIME", help="posted at or after")
    export.add_argument(
        "--to", dest="posted_to", metavar="TIME", help="posted before (a bare date: to its end)"
    )
    export.add_argument("--claim", action="append", default=[], metavar="ID")
    export.add_argument(
        "--review-url",
        metavar="URL",
        help="claimreview: where the desk publishes its reviews (default: from Settings); "
        "each review's url is this and the claim's id",
    )
    export.add_argument(
        "--review-language",
        metavar="CODE",
        help="claimreview: the language the reviews are written in (default: Settings, en)",
    )
    export.add_argument("--json", action="store_true")

    take = commands.add_parser(
        "import", help="take in a bag, a JSON export, a post archive, a CSV or a media folder"
    )
    take.add_argument("path", metavar="PATH")
    take.add_argument("--case", metavar="NAME", help="put imported posts in this case")
    take.add_argument("--json", action="store_true")

    redo = commands.add_parser(
        "reindex",
        help="hash stored media again with today's views (media stored before them) and "
        "compute the local features pictures lack",
    )
    redo.add_argument(
        "--all", action="store_true", help="redo every picture and video, not only older ones"
    )
    redo.add_argument("--json", action="store_true")
    return parser


# -- JSON shapes (the contract) -------------------------------------------------------------


def near_json(near: NearDuplicate) -> dict[str, Any]:
    return {
        "media_id": near.media_id,
        "sha256": near.sha256,
        "distance": near.distance,
        "claim_ids": list(near.claim_ids),
        "case_ids": list(near.case_ids),
        "first_seen": near.first_seen.isoformat(),
        "t_ms": near.t_ms,
        "evidence": near.evidence,
        "points": near.points,
        "query_in_stored": _box(near.query_in_stored),
        "stored_in_query": _box(near.stored_in_query),
        "where": near.where,
        "overlaps": [
            {
                "start_ms": o.start_ms,
                "end_ms": o.end_ms,
                "stored_start_ms": o.stored_start_ms,
                "stored_end_ms": o.stored_end_ms,
            }
            for o in near.overlaps
        ],
    }


def _box(box: tuple[int, int, int, int] | None) -> dict[str, int] | None:
    if box is None:
        return None
    return dict(zip(("x", "y", "width", "height"), box, strict=True))


def ingest_json(result: IngestResult) -> dict[str, Any]:
    m = result.media
    return {
        "path": result.path,
        "status": result.status.value,
        "error": result.error,
        "sha256": m.sha256 if m else None,
        "media_id": m.id if m else None,
        "kind": m.kind if m else None,
        "mime": m.mime if m else None,
        "width": m.width if m else None,
        "height": m.height if m else None,
        "capture_time": m.capture_time if m else None,
        "camera": (
            {"make": m.camera_make, "model": m.camera_model}
            if m and (m.camera_make or m.camera_model)
            else None
        ),
        "gps": (
            {"lat": m.gps_latitude, "lon": m.gps_longitude}
            if m and m.gps_latitude is not None
            else None
        ),
        "orientation": m.orientation if m else None,
        "near_duplicates": [near_json(n) for n in result.near_duplicates],
    }


def match_json(result: MatchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "error": result.error,
        "matches": [near_json(n) for n in result.matches],
    }


def claim_json(claim: ClaimView) -> dict[str, Any]:
    out: dict[str, Any] = to_jsonable(claim)
    return out


# -- commands -------------------------------------------------------------------------------


def _emit(args: argparse.Namespace, payload: Any, human: str) -> None:
    if getattr(args, "json", False):
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif human:
        print(human)


def _ingest_line(r: IngestResult) -> str:
    if r.status is IngestStatus.ERROR:
        return f"error   {r.path}: {r.error}"
    assert r.media is not None
    line = f"{r.status.value:<7} {r.media.sha256[:12]} {r.path}"
    for n in r.near_duplicates:
        claims = ", ".join(n.claim_ids) or "no claim"
        line += (
            f"\n        seen before: {n.sha256[:12]} {n.measure()} ({n.evidence})"
            f" ({claims}; first seen {n.first_seen:%Y-%m-%d})"
        )
    return line


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
    _emit(args, payload, f"workspace ready: {folder} ({payload['database']})")
    return 0


def cmd_ingest(args: argparse.Namespace, ws: Workspace) -> int:
    def progress(done: int, total: int, result: IngestResult) -> None:
        if not args.json:
            print(_ingest_line(result), flush=True)

    results = ws.media.ingest(
        args.paths,
        claim_id=args.claim,
        role=args.role,
        max_distance=args.max_distance,
        progress=progress,
        local_features=not args.later,
    )
    _emit(args, [ingest_json(r) for r in results], "")
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
    _emit(args, [match_json(r) for r in results], "\n".join(lines))
    return 0


def cmd_claim(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.claim_command
    if action == "add":
        source = parse_source_spec(args.source) if args.source else None
        claim = ws.claims.create(
            args.text,
            summary=args.summary,
            case=args.case,
            source=source,
            source_reliability=args.source_reliability,
            post_url=args.url,
            posted_at=args.posted,
            observed_at=args.observed,
            original_text=args.original_text,
            original_language=args.language,
            translation=args.translation,
            place_name=args.place,
            latitude=args.lat,
            longitude=args.lon,
            actors=args.actor,
            tags=args.tag,
            credibility=args.credibility,
            notes=args.notes,
        )
        media = ws.media.ingest(args.media, claim_id=claim.id) if args.media else []
        for r in media:
            if r.status is IngestStatus.ERROR:
                print(f"workbench: {r.path}: {r.error}", file=sys.stderr)
        _emit(args, {"id": claim.id, "media": [ingest_json(r) for r in media]}, claim.id)
        return 0
    if action == "show":
        claim = ws.claims.get(args.id)
        payload = claim_json(claim)
        payload["audit"] = to_jsonable(ws.claims.history(claim.id))
        _emit(args, payload, _claim_text(claim))
        return 0
    if action == "list":
        claims = ws.claims.find(status=args.status, tag=args.tag, actor=args.actor, text=args.text)
        lines = [f"{c.id}  {c.status:<11} {c.text[:70]}" for c in claims]
        _emit(args, [claim_json(c) for c in claims], "\n".join(lines))
        return 0
    if action == "status":
        claim = ws.claims.set_status(args.id, args.status, args.rationale)
        _emit(args, claim_json(claim), f"{claim.id}: {claim.status}")
        return 0
    raise AssertionError(action)


def _claim_text(c: ClaimView) -> str:
    lines = [f"claim {c.id}  [{c.status}]", f"  text: {c.text}"]
    if c.original_text:
        lines.append(f"  original ({c.original_language or '?'}): {c.original_text}")
    if c.translation:
        lines.append(f"  translation: {c.translation}")
    if c.source:
        lines.append(f"  source: {c.source.platform}:{c.source.handle} ({c.source.reliability})")
    if c.posted_at:
        lines.append(f"  posted: {c.posted_at.isoformat()}")
    if c.rationale:
        lines.append(f"  rationale: {c.rationale} ({c.decided_by}, {c.decided_at:%Y-%m-%d %H:%M})")
    lines += [f"  media: {m.sha256[:12]} {m.kind} {m.role} {m.original_name}" for m in c.media]
    return "\n".join(lines)


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
    _emit(args, payload, human)
    return 1 if problems else 0


def _scope(args: argparse.Namespace, ws: Workspace) -> ExportScope:
    """The export filters, with case names and source specs turned into ids."""
    cases = {name.lower(): case_id for case_id, name in case_names(ws).items()}
    sources = {label.lower(): source_id for source_id, label in source_labels(ws).items()}

    def find(field: str, known: dict[str, str], value: str) -> str:
        if value in known.values():
            return value
        try:
            return known[value.lower()]
        except KeyError:
            raise ValidationError(field, f"no {field} {value!r} in this workspace") from None

    posted_to = fields.instant("to", args.posted_to)
    if posted_to is not None and len(args.posted_to.strip()) == 10:  # a bare date: its end
        posted_to += timedelta(days=1)
    return ExportScope(
        statuses=tuple(args.status),
        case_ids=tuple(find("case", cases, c) for c in args.case),
        source_ids=tuple(find("source", sources, s) for s in args.source),
        tags=tuple(args.tag),
        posted_from=fields.instant("from", args.posted_from),
        posted_to=posted_to,
        claim_ids=tuple(args.claim),
    )


def cmd_export(args: argparse.Namespace, ws: Workspace) -> int:
    def progress(done: int, total: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    publication = _publication(args)
    scope = _scope(args, ws)
    done = export(
        ws, args.format, scope, Path(args.out), progress=progress, publication=publication
    )
    payload = {
        "format": done.format,
        "out": str(done.path),
        "claims": done.claims,
        "originals": done.originals,
        "left_out": [{"id": o.claim_id, "reason": o.reason} for o in done.left_out],
        "warnings": list(done.warnings),
    }
    human = [f"{done.claims} claim(s) written to {done.path}"]
    reasons: dict[str, list[str]] = {}
    for left in done.left_out:
        reasons.setdefault(left.reason, []).append(left.claim_id)
    human += [f"{len(ids)} left out ({why}): {', '.join(ids)}" for why, ids in reasons.items()]
    human += [f"warning: {w}" for w in done.warnings]
    _emit(args, payload, "\n".join(human))
    return 0


def _publication(args: argparse.Namespace) -> Publication:
    """Where reviews are published: the flags, else the analyst's Settings."""
    stored = Settings.load()
    base = args.review_url if args.review_url is not None else stored[REVIEW_URL]
    language = args.review_language or stored[REVIEW_LANGUAGE]
    return Publication(fields.url("review-url", base), fields.language(language) or "en")


def summary_json(summary: ImportSummary) -> dict[str, Any]:
    def issues(found: tuple[ImportIssue, ...]) -> list[dict[str, str]]:
        return [{"where": i.where, "message": i.message} for i in found]

    return {
        "path": summary.path,
        "format": summary.format,
        "refused": summary.refused,
        "added": list(summary.added),
        "merged": list(summary.merged),
        "skipped": issues(summary.skipped),
        "conflicts": issues(summary.conflicts),
        "media_added": summary.media_added,
        "media_existing": summary.media_existing,
    }


def cmd_import(args: argparse.Namespace, ws: Workspace) -> int:
    summary = import_path(ws, Path(args.path), case=args.case)
    if summary.refused:
        lines = [f"refused {summary.path}: {summary.refused}"]
    else:
        lines = [
            f"{summary.path} ({summary.format}): {len(summary.added)} added, "
            f"{len(summary.merged)} merged, {len(summary.skipped)} skipped, "
            f"{len(summary.conflicts)} conflict(s); media: {summary.media_added} added, "
            f"{summary.media_existing} already here"
        ]
        lines += [f"skipped  {i.where}: {i.message}" for i in summary.skipped]
        lines += [f"conflict {i.where}: {i.message}" for i in summary.conflicts]
    _emit(args, summary_json(summary), "\n".join(lines))
    return 1 if summary.refused else 0


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
    _emit(args, payload, "\n".join(lines))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="workbench: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            return cmd_init(args)
        with Workspace.open(args.workspace, args.analyst) as ws:
            handler = {
                "ingest": cmd_ingest,
                "match": cmd_match,
                "claim": cmd_claim,
                "verify": cmd_verify,
                "reindex": cmd_reindex,
                "export": cmd_export,
                "import": cmd_import,
            }[args.command]
            return handler(args, ws)
    except WorkbenchError as exc:
        print(f"workbench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `workbench ... | head`: the reader left, nothing to say
        return 0
    except Exception as exc:  # a bug, not the user's fault: say so without a traceback
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        print(
            f"workbench: internal error: {type(exc).__name__}: {exc}\n"
            "workbench: run again with WORKBENCH_DEBUG=1 for the details",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
