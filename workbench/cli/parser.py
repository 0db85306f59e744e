"""The ``workbench`` command line's grammar: every command, flag and help text (a contract: keep
what an issue defined; add, never rename).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.claims import fields
from workbench.claims.checklist import STANDARD, STATES
from workbench.claims.findings import CATEGORIES
from workbench.claims.relations import KINDS
from workbench.exchange import EXPORT_FORMATS
from workbench.library.keyframes import INTERVAL_MS
from workbench.matching.index import DEFAULT_MAX_DISTANCE
from workbench.workspace import resolve_workspace_dir


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
    """The export filters (``export_scope`` reads them)."""
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
