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
from workbench.checklist import STANDARD, STATE_WORDS, STATES, Check
from workbench.errors import ValidationError, WorkbenchError
from workbench.exchange import EXPORT_FORMATS, export, import_path
from workbench.exchange.formats import Publication
from workbench.exchange.scope import ExportScope, case_names, gather, source_labels
from workbench.findings import CATEGORIES
from workbench.first_seen import first_seen
from workbench.keyframes import INTERVAL_MS, write_keyframes
from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.reindex import reindex
from workbench.relations import KINDS, Related
from workbench.settings import REVIEW_LANGUAGE, REVIEW_URL, Settings
from workbench.sources import parse_source_spec
from workbench.views import (
    ClaimView,
    ImportIssue,
    ImportSummary,
    IngestResult,
    IngestStatus,
    KnownMatch,
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


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    """The export filters (``_scope`` reads them)."""
    parser.add_argument(
        "--status", action="append", default=[], choices=("unconfirmed", "confirmed", "refuted")
    )
    parser.add_argument("--case", action="append", default=[], metavar="NAME_OR_ID")
    parser.add_argument("--source", action="append", default=[], metavar="PLATFORM:HANDLE")
    parser.add_argument("--tag", action="append", default=[])
    parser.add_argument("--from", dest="posted_from", metavar="TIME", help="posted at or after")
    parser.add_argument(
        "--to", dest="posted_to", metavar="TIME", help="posted before (a bare date: to its end)"
    )
    parser.add_argument("--claim", action="append", default=[], metavar="ID")
    parser.add_argument(
        "--event", action="append", default=[], metavar="ID", help="the claims of this event"
    )


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
    add.add_argument(
        "--precision",
        choices=fields.PRECISIONS,
        help="how near the coordinates are to the place (unknown when not given)",
    )
    add.add_argument("--actor", action="append", default=[])
    add.add_argument("--tag", action="append", default=[])
    add.add_argument("--credibility", metavar="1-6")
    add.add_argument("--notes")
    add.add_argument("--media", nargs="+", default=[], metavar="FILE")
    add.add_argument("--json", action="store_true")

    show = claim_cmds.add_parser("show", help="one claim, with its media and audit trail")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")

    relate = claim_cmds.add_parser(
        "relate", help="relate two claims (replaces the pair's relation, if any)"
    )
    relate.add_argument("id")
    relate.add_argument("other_id")
    relate.add_argument("--as", dest="kind", required=True, choices=KINDS)
    relate.add_argument("--note", default="")
    relate.add_argument("--json", action="store_true")
    unrelate = claim_cmds.add_parser("unrelate", help="remove the relation of two claims")
    unrelate.add_argument("id")
    unrelate.add_argument("other_id")
    unrelate.add_argument("--json", action="store_true")

    check = claim_cmds.add_parser("check", help="set a step of the claim's checklist")
    check.add_argument("id")
    check.add_argument(
        "step", help=f"a step: {', '.join(STANDARD)}, or one of the desk's own (Settings)"
    )
    check.add_argument("state", choices=STATES)
    check.add_argument("--note", default="")
    check.add_argument("--json", action="store_true")

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

    event = commands.add_parser("event", help="events and the claims that report on them")
    event_cmds = event.add_subparsers(dest="event_command", required=True, metavar="ACTION")
    event_add = event_cmds.add_parser("add", help="a new event, with its claims")
    event_add.add_argument("--name", required=True)
    event_add.add_argument("--place", default="")
    event_add.add_argument("--from", dest="starts_at", metavar="TIME", help="ISO 8601")
    event_add.add_argument("--to", dest="ends_at", metavar="TIME", help="ISO 8601")
    event_add.add_argument("--actor", action="append", default=[])
    event_add.add_argument("--notes", default="")
    event_add.add_argument("--claim", action="append", default=[], metavar="ID")
    event_add.add_argument("--json", action="store_true")
    event_list = event_cmds.add_parser("list", help="every event, by its start")
    event_list.add_argument("--json", action="store_true")
    event_show = event_cmds.add_parser("show", help="one event and its claims")
    event_show.add_argument("id")
    event_show.add_argument("--json", action="store_true")

    keyframes = commands.add_parser(
        "keyframes", help="a video's keyframes as JPEGs, for a reverse image search"
    )
    keyframes.add_argument("media_id", metavar="MEDIA_ID")
    keyframes.add_argument("--out", required=True, type=Path, metavar="DIR")
    keyframes.add_argument(
        "--every",
        type=float,
        default=INTERVAL_MS / 1000,
        metavar="SECONDS",
        help="at most one keyframe this often within a shot (default %(default)g)",
    )
    keyframes.add_argument("--json", action="store_true")

    hashlist = commands.add_parser(
        "hashlist", help="known-fakes lists: hashes shared between desks, never the originals"
    )
    hashlist_cmds = hashlist.add_subparsers(
        dest="hashlist_command", required=True, metavar="ACTION"
    )
    list_export = hashlist_cmds.add_parser(
        "export", help="the hashes of the chosen claims' pictures and video frames, as CSV"
    )
    list_export.add_argument("--out", required=True, type=Path, metavar="FILE")
    list_export.add_argument("--desk", help="the desk's name in the list (default: the analyst)")
    _scope_arguments(list_export)
    list_export.add_argument("--json", action="store_true")
    list_import = hashlist_cmds.add_parser("import", help="take in another desk's list")
    list_import.add_argument("file", type=Path, metavar="FILE")
    list_import.add_argument("--label", required=True, metavar="NAME")
    list_import.add_argument("--json", action="store_true")
    list_list = hashlist_cmds.add_parser("list", help="the lists taken in")
    list_list.add_argument("--json", action="store_true")
    list_remove = hashlist_cmds.add_parser("remove", help="remove a list taken in")
    list_remove.add_argument("name", metavar="NAME")
    list_remove.add_argument("--json", action="store_true")

    media = commands.add_parser("media", help="the desk's findings on stored media")
    media_cmds = media.add_subparsers(dest="media_command", required=True, metavar="ACTION")
    finding = media_cmds.add_parser(
        "finding", help="set a media's finding (a schema.org MediaReview category), or none"
    )
    finding.add_argument("media_id", metavar="MEDIA_ID")
    finding.add_argument(
        "category",
        choices=(*CATEGORIES, "none"),
        metavar="CATEGORY",
        help=f"one of {', '.join(CATEGORIES)}; none clears the finding",
    )
    finding.add_argument("--note", default="")
    finding.add_argument("--json", action="store_true")

    export = commands.add_parser("export", help="write claims out: report, data or bag")
    export.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export.add_argument(
        "--out", required=True, metavar="PATH", help="file to write (bag: .zip, else a folder)"
    )
    _scope_arguments(export)
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
        "known": [known_json(k) for k in result.known],
    }


def known_json(match: KnownMatch) -> dict[str, Any]:
    return {
        "list": match.list,
        "label": match.label,
        "verdict": match.verdict,
        "date": match.date,
        "distance": match.distance,
        "desk": match.desk,
        "kind": match.kind,
    }


def match_json(result: MatchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "error": result.error,
        "matches": [near_json(n) for n in result.matches],
        "known": [known_json(k) for k in result.known],
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
    for k in r.known:
        line += f"\n        {k.sentence()} (distance {k.distance})"
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
            lines += [f"  {k.sentence()} (distance {k.distance})" for k in r.known]
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
            location_precision=args.precision,
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
        related = ws.relations.of(claim.id)
        payload["relations"] = [
            {k: v for k, v in to_jsonable(r).items() if k != "text"} for r in related
        ]
        payload["events"] = [{"id": i, "name": n} for i, n in ws.events.of_claim(claim.id)]
        for media in payload["media"]:
            seen = first_seen(ws, media["media_id"])
            media["first_seen"] = (
                None
                if seen is None
                else {
                    "claim_id": seen.claim_id,
                    "at": to_jsonable(seen.at),
                    "posted": seen.dated,
                    "handle": seen.handle,
                    "later": seen.later,
                }
            )
        checklist = ws.checklist.of(claim.id)
        payload["checklist"] = [
            {"step": c.step, "state": c.state, "note": c.note, "by": c.by, "at": to_jsonable(c.at)}
            for c in checklist
        ]
        payload["audit"] = to_jsonable(ws.claims.history(claim.id))
        _emit(args, payload, _claim_text(claim, related, checklist))
        return 0
    if action == "check":
        done = ws.checklist.set(args.id, args.step, args.state, args.note)
        human = f"{args.id}: {done.label}: {STATE_WORDS[done.state]}"
        _emit(args, to_jsonable(done), human)
        return 0
    if action in ("relate", "unrelate"):
        if action == "relate":
            relation = ws.relations.relate(args.id, args.other_id, args.kind, args.note)
        else:
            relation = ws.relations.unrelate(args.id, args.other_id)
        verb = "related" if action == "relate" else "unrelated"
        human = f"{verb}: {relation.claim_id} {relation.kind} {relation.other_id}"
        _emit(args, to_jsonable(relation), human)
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


def _claim_text(
    c: ClaimView, related: Sequence[Related] = (), checklist: Sequence[Check] = ()
) -> str:
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
    for m in c.media:
        found = f" [{m.finding.category}]" if m.finding else ""
        lines.append(f"  media: {m.sha256[:12]} {m.kind} {m.role} {m.original_name}{found}")
    for r in related:
        note = f": {r.note}" if r.note else ""
        lines.append(f"  {r.words}: {r.claim_id} [{r.status}] {r.text[:60]}{note}")
    for k in checklist:
        note = f": {k.note}" if k.note else ""
        lines.append(
            f"  [{'x' if k.state == 'done' else '-' if not k.open else ' '}] {k.label}{note}"
        )
    return "\n".join(lines)


def cmd_event(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.event_command
    if action == "add":
        made = ws.events.create(
            args.name,
            place=args.place,
            starts_at=args.starts_at,
            ends_at=args.ends_at,
            actors=args.actor,
            notes=args.notes,
            claim_ids=args.claim,
        )
        _emit(args, to_jsonable(made), made.id)
        return 0
    if action == "list":
        events = ws.events.all()
        lines = [f"{e.id}  {len(e.claim_ids):>4} claims  {e.name}" for e in events]
        _emit(args, to_jsonable(events), "\n".join(lines))
        return 0
    shown = ws.events.get(args.id)
    claims = [ws.claims.get(c) for c in shown.claim_ids]
    payload = to_jsonable(shown)
    payload["claims"] = [claim_json(c) for c in claims]
    lines = [f"event {shown.id}  {shown.name}"]
    by_source: dict[str, list[ClaimView]] = {}
    for c in claims:
        label = f"{c.source.platform}:{c.source.handle}" if c.source else "(no source)"
        by_source.setdefault(label, []).append(c)
    for label, group in by_source.items():
        lines.append(f"  {label}")
        lines += [f"    {c.id}  {c.status:<11} {c.text[:60]}" for c in group]
    _emit(args, payload, "\n".join(lines))
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
    _emit(args, payload, "\n".join(f"{k.t_ms / 1000:9.3f} s  {k.path}" for k in written))
    return 0


def cmd_hashlist(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.hashlist_command
    if action == "export":
        export_set = gather(ws, _scope(args, ws))
        rows, items = ws.known.write_list(export_set, args.out, args.desk or ws.analyst)
        payload = {
            "out": str(args.out),
            "rows": rows,
            "items": items,
            "claims": len(export_set.claims),
        }
        _emit(args, payload, f"{rows} hashes of {items} pictures and frames to {args.out}")
        return 0
    if action == "import":
        done = ws.known.take_in(args.file, args.label)
        lines = [f"{done.entries} hashes taken in as {done.name!r}"]
        if done.skipped:
            lines.append(f"{done.skipped} bad rows skipped:")
            lines += [f"  {e}" for e in done.errors]
        for line in lines[1:]:
            print(f"workbench: {line.strip()}", file=sys.stderr)
        _emit(args, to_jsonable(done), lines[0])
        return 0
    if action == "list":
        lists = ws.known.lists()
        text = "\n".join(
            f"{k.name}  {k.entries} hashes  {k.desk}  {k.imported_at:%Y-%m-%d}" for k in lists
        )
        _emit(args, to_jsonable(lists), text)
        return 0
    gone = ws.known.remove(args.name)
    _emit(args, to_jsonable(gone), f"removed {gone.name} ({gone.entries} hashes)")
    return 0


def cmd_media(args: argparse.Namespace, ws: Workspace) -> int:
    category = None if args.category == "none" else args.category
    found = ws.findings.set(args.media_id, category, args.note)
    human = f"{args.media_id}: {found.category if found else 'no finding'}"
    _emit(args, {"media_id": args.media_id, "finding": to_jsonable(found)}, human)
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
        event_ids=tuple(ws.events.get(e).id for e in args.event),  # names a wrong id
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
                "media": cmd_media,
                "event": cmd_event,
                "keyframes": cmd_keyframes,
                "hashlist": cmd_hashlist,
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
