"""Imports of post archives analysts already have: each post becomes a claim.

``import_posts(ws, path)`` reads, telling the format from the content, not the name:

- ``twarc``: JSON Lines of Twitter API v2 pages (``data`` + ``includes.users/media/
  places/tweets``, what twarc2 writes) or of API v1.1 statuses (twarc v1, the streaming
  API); also a single twarc page;
- ``tweet``: one tweet's JSON (a v1.1 status, a v2 ``{"data": {...}}``) or a v1.1 search
  response (``{"statuses": [...]}``);
- ``telegram``: a Telegram Desktop ``result.json`` (one chat, or the whole account), or
  the export folder holding it; photos and files it names are attached;
- ``csv``: a CSV of claims, a header row naming the columns (see
  :mod:`workbench.exchange.importers.csvfile` for the columns read);
- ``folder``: a folder of pictures and videos, one claim per file (see
  :mod:`workbench.exchange.importers.folder`).

Each post gives a claim with its text (a long tweet's whole text, not the cut one),
original text and language (Twitter's pseudo-languages like ``und`` left out), source
(``twitter``/``@handle``, ``telegram``/``@username`` or the chat's name: matched, without
regard to case, or created), post URL, posted time (UTC), place and coordinates, hashtags
as tags, the case when one is named, and in its notes where it came from and what it
refers to (retweet, quote, reply, forward). Tweets' media are URLs and are listed in the
notes, never downloaded: an import makes no network request.

Safe to run twice: a post already in the workspace (same tweet id, any version of an
edited tweet, same post URL, or for a post with no address the same source, time and
text) is reported in ``merged`` and left as it is. Within a file, records of one post (a
tweet in two pages, the versions of an edited tweet) give one claim: the latest version.

Records that cannot be read (a malformed line, a stream cut mid-record, an API error
item, a row failing a field's check) are reported in ``skipped`` with their file and line,
and the rest is imported. A file that is empty or not an archive at all is ``refused``
and nothing is written. Each claim (with its audit entries) is its own transaction, so an
interruption leaves whole claims only, and importing again completes the rest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.base.errors import WorkbenchError
from workbench.claims import fields
from workbench.claims.views import ImportSummary
from workbench.exchange.importers.archive import read_archive
from workbench.exchange.importers.folder import import_folder
from workbench.exchange.importers.writer import PostWriter, Progress, ShouldCancel, Tally

if TYPE_CHECKING:
    from workbench.workspace import Workspace

__all__ = ["FORMATS", "Progress", "ShouldCancel", "import_posts"]

FORMATS = ("twarc", "tweet", "telegram", "csv", "folder")
TELEGRAM_EXPORT = "result.json"


def import_posts(
    ws: Workspace,
    path: str | os.PathLike[str],
    *,
    case: str | None = None,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ImportSummary:
    """Import the archive at ``path`` (a file, a Telegram export folder, or a folder of
    media) into ``ws``, in the case named ``case`` when given.

    ``progress(done, total)`` is called once before the first post and after each one;
    ``should_cancel()`` is asked before each post, and when true the import stops there
    (the summary lists what was done and says how many were left). Raises
    :class:`WorkbenchError` when ``path`` is missing or unreadable, or ``case`` is not a
    valid case name; an archive it cannot read comes back with ``refused`` set.
    """
    source = Path(path)
    if case is not None:
        case = fields.text("case", case, required=True, max_len=200)
    if not source.exists():
        raise WorkbenchError(f"{source}: no such file or folder")
    if source.is_dir():
        if (source / TELEGRAM_EXPORT).is_file():
            source = source / TELEGRAM_EXPORT
        else:
            return import_folder(ws, source, case, progress, should_cancel).summary()
    parsed = read_archive(source)
    if parsed.refused is not None:
        return ImportSummary(
            str(source), parsed.format, skipped=tuple(parsed.issues), refused=parsed.refused
        )
    tally = Tally(source, parsed.format)
    tally.skipped.extend(parsed.issues)
    PostWriter(ws, tally, case).write_all(parsed.posts, progress, should_cancel)
    return tally.summary()
