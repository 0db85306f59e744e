"""The ``workbench`` command: a stable contract for scripts and other tools.

Global options come before the command (``workbench --workspace DIR ingest ...``). With
``--json`` stdout carries only JSON; messages and errors go to stderr. Exit status: 0 done
(a per-file error inside a batch is reported in the output and does not fail the command),
1 the command failed or ``verify`` found problems, 2 the command line was wrong.

The grammar is ``parser``, the JSON shapes ``shapes``, and the commands live by what they
work on: ``library_commands``, ``claim_commands``, ``exchange_commands``. This module
runs one and turns every failure into a message and an exit status.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

from workbench.base.errors import WorkbenchError
from workbench.cli.claim_commands import cmd_claim, cmd_event
from workbench.cli.exchange_commands import cmd_export, cmd_hashlist, cmd_import
from workbench.cli.library_commands import (
    cmd_ingest,
    cmd_init,
    cmd_keyframes,
    cmd_match,
    cmd_media,
    cmd_reindex,
    cmd_verify,
)
from workbench.cli.parser import build_parser
from workbench.workspace import Workspace


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
