"""Which kind of archive a file is, told from its content, and its posts read.

The extension is not trusted (twarc writes ``.jsonl``, ``.json`` and ``.txt`` alike):
a file that parses as one JSON value is a single document (a Telegram export, a tweet, a
search response, or one twarc page); one that does not, but starts like JSON, is JSON
Lines, read a line at a time so that one bad line (or a stream cut off mid-record) costs
that line only; anything else is a CSV if its header names a ``text`` column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.base.errors import WorkbenchError
from workbench.claims.views import ImportIssue
from workbench.exchange.importers import telegram, twitter
from workbench.exchange.importers.csvfile import looks_like_csv, read_csv
from workbench.exchange.importers.model import Parsed, Refused, dedupe, describe_keys

READS = "twarc JSONL, a tweet's JSON, a Telegram result.json, or a CSV with a 'text' column"
_NOTHING = object()


def read_archive(path: Path) -> Parsed:
    """The posts in ``path`` (one per post: versions of one post merged), or a refusal."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        return Parsed("unknown", refused=f"{path.name} is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Parsed("unknown", refused=f"{path.name} line {line}: not UTF-8 text ({READS})")
    try:
        parsed = _read_text(text, path)
    except Refused as exc:
        return Parsed("unknown", refused=str(exc))
    parsed.posts = dedupe(parsed.posts)
    return parsed


def _read_text(text: str, path: Path) -> Parsed:
    start = text.lstrip()[:1]
    if start in ("{", "["):
        try:
            value: Any = json.loads(text)
        except (ValueError, RecursionError):  # nesting deeper than Python's stack
            value = _NOTHING
        if value is not _NOTHING:
            return _read_document(value, path)
        return _read_lines(text, path)
    if looks_like_csv(text):
        return read_csv(text, path)
    raise Refused(f"{path.name}: not a post archive the workbench reads ({READS})")


def _read_document(value: Any, path: Path) -> Parsed:
    if telegram.is_export(value):
        posts, issues = telegram.export_posts(value, path)
        return Parsed("telegram", posts, issues)
    found = twitter.tweets_in(value, path.name)
    if found is not None:
        fmt = "twarc" if isinstance(value, dict) and "__twarc" in value else "tweet"
        return Parsed(fmt, found[0], found[1])
    reason = twitter.not_a_tweet(value)
    if reason:
        raise Refused(f"{path.name}: {reason}")
    raise Refused(f"{path.name}: {describe_keys(value)} is not a post archive ({READS})")


def _read_lines(text: str, path: Path) -> Parsed:
    """JSON Lines: each line a v2 page or a v1.1 status. ``\\n`` only splits lines (a
    tweet's text may hold U+2028, which ``str.splitlines`` would cut at)."""
    parsed = Parsed("twarc")
    recognised = 0
    lines = text.split("\n")
    last = max((n for n, line in enumerate(lines) if line.strip()), default=0)
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        where = f"{path.name} line {n + 1}"
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            parsed.issues.append(ImportIssue(where, _bad_line(exc, n == last, text)))
            continue
        found = twitter.tweets_in(value, where)
        if found is None:
            reason = twitter.not_a_tweet(value) or f"not a tweet: {describe_keys(value)}"
            parsed.issues.append(ImportIssue(where, reason))
            continue
        recognised += 1
        parsed.posts += found[0]
        parsed.issues += found[1]
    if not recognised:
        first = parsed.issues[0]
        raise Refused(f"{path.name}: no tweets in it ({first.where}: {first.message})")
    return parsed


def _bad_line(exc: Exception, is_last: bool, text: str) -> str:
    if isinstance(exc, json.JSONDecodeError):
        detail = f"{exc.msg} at column {exc.colno}"
    elif isinstance(exc, RecursionError):
        detail = "nested too deeply"
    else:
        detail = str(exc)
    if is_last and not text.endswith("\n"):
        return f"not valid JSON ({detail}): the file ends mid-record (an interrupted download?)"
    return f"not valid JSON ({detail}); line skipped"
