"""What every reader hands the writer: posts as plain values, and what it could not read.

The readers (``twitter``, ``telegram``, ``csvfile``) only parse; they never touch the
workspace. A :class:`Post` carries every claim field the archive gave, the media files
found next to it, and the identities that make a second import of the same post a merge.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from workbench.claims.views import ImportIssue

#: Twitter's own "language" codes that are not languages: undetermined, hashtags only,
#: mentions only, media links only, cashtags only, too short, no linguistic content.
NOT_LANGUAGES = frozenset({"und", "zxx", "qam", "qct", "qht", "qme", "qst", "art"})

_TWEET_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:i/web|[^/?#]+)/status(?:es)?/(\d+)",
    re.IGNORECASE,
)


@dataclasses.dataclass
class Post:
    """One post as read from an archive: becomes one claim.

    ``key`` is the post's identity within the file (two records with one key are versions
    of one post: the higher ``version``, then the later record, wins). ``identities`` are
    what a claim already in the workspace is recognised by (``twitter:<id>`` for every id
    in a tweet's edit history, else its post URL).
    """

    key: str
    where: str
    text: str
    platform: str = ""
    handle: str = ""
    display_name: str = ""
    post_url: str = ""
    posted_at: datetime | None = None
    language: str = ""
    place_name: str = ""
    latitude: float | None = None
    longitude: float | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    media: list[Path] = dataclasses.field(default_factory=list)
    identities: set[str] = dataclasses.field(default_factory=set)
    version: int = 0
    #: Claim fields a CSV may give beyond the post's own (translation, actors, verdict...).
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Parsed:
    """A file read: its format, its posts in file order, and the records not taken."""

    format: str
    posts: list[Post] = dataclasses.field(default_factory=list)
    issues: list[ImportIssue] = dataclasses.field(default_factory=list)
    refused: str | None = None


class Refused(Exception):
    """The whole file is not something this import reads; the message says why."""


def url_identity(url: str) -> str:
    """What a post URL identifies: a tweet by its id (any host or user name spelling), any
    other post by its URL with the scheme and host lower-cased and no trailing slash."""
    url = url.strip()
    match = _TWEET_URL.match(url)
    if match:
        return f"twitter:{match[1]}"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return "url:" + urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def dedupe(posts: list[Post]) -> list[Post]:
    """One post per key, in order of first appearance; the latest version wins."""
    kept: dict[str, Post] = {}
    for post in posts:
        before = kept.get(post.key)
        if before is not None:
            post.identities |= before.identities
            if post.version < before.version:
                before.identities |= post.identities
                continue
        kept[post.key] = post
    return list(kept.values())


def language(code: Any) -> str:
    """A post's language tag as a claim's original language ("" when it is not one)."""
    if not isinstance(code, str):
        return ""
    code = code.strip()
    return "" if code.lower() in NOT_LANGUAGES else code


def from_unix(value: Any) -> datetime | None:
    """Seconds since 1970 (as a number or text) as an aware UTC time, or None."""
    try:
        return datetime.fromtimestamp(int(str(value).strip()), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def within(root: Path, relative: str) -> Path | None:
    """``relative`` under ``root``, or None if it escapes it (``..``, absolute paths):
    an archive names files beside itself, never elsewhere on the analyst's disk."""
    if not relative or "\x00" in relative or Path(relative).is_absolute():
        return None  # a NUL byte makes every os call raise ValueError
    base = root.resolve()
    try:
        target = (base / relative).resolve()
    except (OSError, ValueError):  # a name the file system cannot take
        return None
    return target if target.is_relative_to(base) else None


def is_file(path: Path) -> bool:
    """``path.is_file()``, False (not OSError) for a name too long for the file system."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def describe_keys(value: Any) -> str:
    """A record's shape in a few words, for a refusal the analyst can act on."""
    if isinstance(value, dict):
        keys = sorted(str(k) for k in value)
        shown = ", ".join(keys[:6]) + (", ..." if len(keys) > 6 else "")
        return "an object with " + (shown or "no keys")
    return f"a JSON {type(value).__name__}"
