"""A CSV of claims as posts: one row, one claim.

The first row names the columns (any order, any case; spaces and hyphens count as
underscores; comma, semicolon or tab separated; UTF-8 with or without a byte-order mark).
Only ``text`` is required. Columns read, with the names also accepted:

=================  ===========================  ==================================================
column             also                         holds
=================  ===========================  ==================================================
text                                            what the post says (else ``original_text``)
original_text                                   the text in its own language
original_language  language, lang               a code like ``ar``
translation
source                                          ``platform:handle``, e.g. ``telegram:@group``
platform, handle                                the same as two columns
post_url           url
posted_at          posted, date                 ISO 8601 with a zone (``2015-06-01T14:30+03:00``)
observed_at
place_name         place
latitude, longitude  lat, lon, lng
location_precision precision                    exact, vicinity, locality or unknown
actors, tags                                    separated by ``,`` or ``;``
credibility                                     1-6
notes
status, rationale                               a verdict; confirmed/refuted need a rationale
case                                            the case, when the import names none
media                                           files beside the CSV, separated by ``;``
=================  ===========================  ==================================================

Cells are taken as text, never evaluated: ``=HYPERLINK(...)`` is stored as typed (making a
spreadsheet safe is the export's job), and the ``'`` such an export puts before it is
dropped, so the workbench's own CSV export comes back as it went out. Other columns are
reported once and ignored.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from workbench.base.errors import ValidationError
from workbench.claims import fields
from workbench.claims.sources import parse_source_spec
from workbench.claims.views import ImportIssue
from workbench.exchange.importers.model import Parsed, Post, Refused, is_file, url_identity, within

_ALIASES = {
    "language": "original_language",
    "lang": "original_language",
    "url": "post_url",
    "posted": "posted_at",
    "date": "posted_at",
    "place": "place_name",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "precision": "location_precision",
    "source_platform": "platform",  # the names the workbench's own CSV export writes
    "source_handle": "handle",
}
#: Columns passed to the claim as they are (the claim service checks each one).
_CLAIM_COLUMNS = (
    "original_text",
    "translation",
    "observed_at",
    "credibility",
    "latitude",
    "longitude",
    "location_precision",
    "notes",
)
_OTHER_COLUMNS = (
    "text",
    "original_language",
    "source",
    "platform",
    "handle",
    "post_url",
    "posted_at",
    "place_name",
    "actors",
    "tags",
    "status",
    "rationale",
    "case",
    "media",
)
KNOWN_COLUMNS = frozenset(_CLAIM_COLUMNS + _OTHER_COLUMNS)


def column_name(header: str) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return _ALIASES.get(name, name)


def looks_like_csv(text: str) -> bool:
    """A header row that names a ``text`` column."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return "text" in {column_name(h) for h in re.split(r"[,;\t]", first)}


def read_csv(text: str, path: Path) -> Parsed:
    text = text.lstrip("\ufeff")
    header_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column_name(h) for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise Refused(f"{path.name} line 1: no header row ({exc})") from None
    if "text" not in header:
        raise Refused(f"{path.name} line 1: no 'text' column (columns: {', '.join(header)})")
    parsed = Parsed("csv")
    unknown = [h for h in header if h and h not in KNOWN_COLUMNS]
    if unknown:
        parsed.issues.append(
            ImportIssue(f"{path.name} line 1", f"column(s) not read, ignored: {', '.join(unknown)}")
        )
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.issues.append(ImportIssue(f"{path.name} line {line}", f"not CSV: {exc}"))
            line = reader.line_num + 1
            continue
        where = f"{path.name} line {line}"
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        try:
            parsed.posts.append(_row_post(dict(zip(header, row, strict=False)), where, path))
        except ValidationError as exc:
            parsed.issues.append(ImportIssue(where, str(exc)))
    return parsed


def _unguarded(cell: str) -> str:
    """A cell as typed before a spreadsheet guard: the workbench's CSV export (and OWASP's
    advice) puts ``'`` before a cell starting with ``=``, ``+``, ``-`` or ``@``."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@") else cell


def _row_post(row: dict[str, str], where: str, path: Path) -> Post:
    """One row as a post; the verdict and media are checked here so a bad row is refused
    before anything of it is written."""
    cell = {k: _unguarded((v or "").strip()) for k, v in row.items() if k}
    text = cell.get("text") or cell.get("original_text") or ""
    if not text:
        raise ValidationError("text", "must not be empty")
    platform, handle = _source(cell)
    post = Post(
        key=f"csv:{where}",
        where=where,
        text=text,
        platform=platform,
        handle=handle,
        post_url=fields.url("post_url", cell.get("post_url")),
        posted_at=fields.instant("posted_at", cell.get("posted_at")),
        language=fields.language(cell.get("original_language")),
        place_name=cell.get("place_name", ""),
        tags=_labels("tags", cell.get("tags")),
    )
    if post.post_url:
        post.identities.add(url_identity(post.post_url))
        post.key = url_identity(post.post_url)
    post.extra = {k: cell[k] for k in _CLAIM_COLUMNS if cell.get(k)}
    if cell.get("actors"):
        post.extra["actors"] = _labels("actors", cell["actors"])
    _verdict(post, cell)
    if cell.get("case"):
        post.extra["case"] = cell["case"]
    names = _labels("media", cell.get("media"), ";")
    post.media = [_media_file(path.parent, name) for name in names]
    return post


def _source(cell: dict[str, str]) -> tuple[str, str]:
    if cell.get("handle"):
        return cell.get("platform", "").lower(), cell["handle"]
    spec = cell.get("source", "")
    if not spec:
        return "", ""
    if "://" in spec:  # a URL names the source, it is not "platform:handle"
        return cell.get("platform", "").lower(), spec
    platform, handle = parse_source_spec(spec)
    return platform or cell.get("platform", "").lower(), handle


def _labels(field: str, value: Any, separators: str = r"[;,]") -> list[str]:
    if not value:
        return []
    return fields.labels(field, re.split(separators, str(value)))


def _verdict(post: Post, cell: dict[str, str]) -> None:
    status = cell.get("status", "").lower()
    if not status or status == "unconfirmed":
        return
    status = fields.status(status)
    if not cell.get("rationale"):
        raise ValidationError("rationale", f"a claim marked {status} needs a rationale")
    post.extra["status"] = status
    post.extra["rationale"] = cell["rationale"]


def _media_file(root: Path, name: str) -> Path:
    found = within(root, name)
    if found is None:
        raise ValidationError("media", f"{name!r} is not a file beside the CSV")
    if not is_file(found):
        raise ValidationError("media", f"file not found: {name}")
    return found
