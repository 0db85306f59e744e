"""The commands that move claims in and out: ``export``, ``import`` and ``hashlist`` (a
known-fakes list written or taken in).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from workbench.base.errors import ValidationError
from workbench.claims import fields
from workbench.claims.views import to_jsonable
from workbench.cli.shapes import emit, summary_json
from workbench.exchange import export, import_path
from workbench.exchange.formats import Publication
from workbench.exchange.scope import ExportScope, case_names, gather, source_labels
from workbench.settings import REVIEW_LANGUAGE, REVIEW_URL, Settings
from workbench.workspace import Workspace


def export_scope(args: argparse.Namespace, ws: Workspace) -> ExportScope:
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
    scope = export_scope(args, ws)
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
    emit(args, payload, "\n".join(human))
    return 0


def _publication(args: argparse.Namespace) -> Publication:
    """Where reviews are published: the flags, else the analyst's Settings."""
    stored = Settings.load()
    base = args.review_url if args.review_url is not None else stored[REVIEW_URL]
    language = args.review_language or stored[REVIEW_LANGUAGE]
    return Publication(fields.url("review-url", base), fields.language(language) or "en")


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
    emit(args, summary_json(summary), "\n".join(lines))
    return 1 if summary.refused else 0


def cmd_hashlist(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.hashlist_command
    if action == "export":
        export_set = gather(ws, export_scope(args, ws))
        rows, items = ws.known.write_list(export_set.claims, args.out, args.desk or ws.analyst)
        payload = {
            "out": str(args.out),
            "rows": rows,
            "items": items,
            "claims": len(export_set.claims),
        }
        emit(args, payload, f"{rows} hashes of {items} pictures and frames to {args.out}")
        return 0
    if action == "import":
        done = ws.known.take_in(args.file, args.label)
        lines = [f"{done.entries} hashes taken in as {done.name!r}"]
        if done.skipped:
            lines.append(f"{done.skipped} bad rows skipped:")
            lines += [f"  {e}" for e in done.errors]
        for line in lines[1:]:
            print(f"workbench: {line.strip()}", file=sys.stderr)
        emit(args, to_jsonable(done), lines[0])
        return 0
    if action == "list":
        lists = ws.known.lists()
        text = "\n".join(
            f"{k.name}  {k.entries} hashes  {k.desk}  {k.imported_at:%Y-%m-%d}" for k in lists
        )
        emit(args, to_jsonable(lists), text)
        return 0
    gone = ws.known.remove(args.name)
    emit(args, to_jsonable(gone), f"removed {gone.name} ({gone.entries} hashes)")
    return 0
