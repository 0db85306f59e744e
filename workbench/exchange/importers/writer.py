"""Posts into claims, one claim (with its audit entries) per transaction.

A post already in the workspace is recognised, not duplicated: by a tweet id anywhere in
its edit history (whatever URL spelling the claim has: twitter.com or x.com, any user
name), by its post URL, or, for a post without an address (a private chat, a CSV row
without a URL), by the same source, posted time and text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from storage.schema import Claim, Source
from workbench.base.errors import ValidationError
from workbench.claims import fields
from workbench.claims.views import ImportIssue, ImportSummary
from workbench.exchange.importers.model import Post, url_identity
from workbench.library.views import IngestStatus

if TYPE_CHECKING:
    from workbench.workspace import Workspace

#: Called after each post (or file): (done, total).
Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]


class Tally:
    """What an import did so far; becomes the :class:`ImportSummary`."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.format = path, fmt
        self.added: list[str] = []
        self.merged: list[str] = []
        self.skipped: list[ImportIssue] = []
        self.media_added = 0
        self.media_existing = 0

    def count_media(self, status: IngestStatus) -> None:
        if status == IngestStatus.ADDED:
            self.media_added += 1
        elif status == IngestStatus.EXISTS:
            self.media_existing += 1

    def cancelled(self, done: int, total: int, unit: str) -> None:
        self.skipped.append(
            ImportIssue(self.path.name, f"cancelled: {total - done} of {total} {unit} not read")
        )

    def summary(self) -> ImportSummary:
        return ImportSummary(
            path=str(self.path),
            format=self.format,
            added=tuple(self.added),
            merged=tuple(dict.fromkeys(self.merged)),
            skipped=tuple(self.skipped),
            media_added=self.media_added,
            media_existing=self.media_existing,
        )


class PostWriter:
    """Writes one archive's posts into a workspace, recognising the ones already there."""

    def __init__(self, ws: Workspace, tally: Tally, case: str | None) -> None:
        self._ws = ws
        self._tally = tally
        self._case = case
        self._known = self._known_addresses()
        self._sources = {(s.platform, s.handle.lower()): s.handle for s in ws.claims.list_sources()}

    def write_all(
        self,
        posts: list[Post],
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
    ) -> None:
        total = len(posts)
        if progress is not None:
            progress(0, total)
        for done, post in enumerate(posts):
            if should_cancel is not None and should_cancel():
                self._tally.cancelled(done, total, "posts")
                return
            self.write(post)
            if progress is not None:
                progress(done + 1, total)

    def write(self, post: Post) -> None:
        existing = self._existing(post)
        if existing is not None:
            self._tally.merged.append(existing)
            return
        extra = dict(post.extra)
        status, rationale = extra.pop("status", None), extra.pop("rationale", "")
        case = self._case or extra.pop("case", None)
        extra.pop("case", None)
        try:
            source = self._source(post)
            claim = self._ws.claims.create(
                post.text, case=case, source=source, **self._values(post, extra)
            )
        except ValidationError as exc:
            self._tally.skipped.append(ImportIssue(post.where, str(exc)))
            return
        for identity in post.identities:
            self._known[identity] = claim.id
        self._tally.added.append(claim.id)
        if status:  # checked when the row was read: this cannot be refused
            self._ws.claims.set_status(claim.id, status, rationale)
        if post.media:
            self._attach(post, claim.id)

    # -- internals -----------------------------------------------------------------------

    def _known_addresses(self) -> dict[str, str]:
        """Every claim's post address, once, so each post is checked without a query."""
        query = select(Claim.post_url, Claim.id).where(Claim.post_url != "")
        with self._ws.db.read() as session:
            return {url_identity(url): str(claim_id) for url, claim_id in session.execute(query)}

    def _existing(self, post: Post) -> str | None:
        for identity in post.identities:
            if identity in self._known:
                return self._known[identity]
        if post.identities:
            return None
        return self._same_content(post)

    def _same_content(self, post: Post) -> str | None:
        """A claim with this source, posted time and text (a post without an address)."""
        query = select(Claim.id).where(Claim.text == post.text.strip())
        if post.posted_at is None:
            query = query.where(Claim.posted_at.is_(None))
        else:
            query = query.where(Claim.posted_at == post.posted_at)
        if post.handle:
            query = query.join(Source, Claim.source_id == Source.id).where(
                Source.platform == post.platform.lower(),
                func.lower(Source.handle) == post.handle.strip().lower(),
            )
        else:
            query = query.where(Claim.source_id.is_(None))
        with self._ws.db.read() as session:
            found = session.scalar(query.limit(1))
        return str(found) if found is not None else None

    def _source(self, post: Post) -> tuple[str, str] | None:
        """The source, matched without regard to case (``@Handle`` is ``@handle`` on every
        platform we read), created with the account's display name when new."""
        if not post.handle.strip():
            return None
        platform = post.platform.strip().lower()
        key = (platform, post.handle.strip().lower())
        if key not in self._sources:
            created = self._ws.claims.create_source(
                platform, post.handle, display_name=post.display_name[:200]
            )
            self._sources[key] = created.handle
        return platform, self._sources[key]

    def _values(self, post: Post, extra: dict[str, Any]) -> dict[str, Any]:
        notes = [f"Imported from {post.where}", *post.notes]
        if extra.get("notes"):
            notes.insert(0, extra.pop("notes"))
        values: dict[str, Any] = {
            "original_language": post.language,
            "post_url": post.post_url,
            "posted_at": post.posted_at,
            "place_name": post.place_name[:200],
            "notes": "\n".join(notes),
            **extra,
        }
        if post.latitude is not None and post.longitude is not None:
            values["latitude"], values["longitude"] = post.latitude, post.longitude
        if post.tags:
            values["tags"] = post.tags
        values["original_language"] = fields.language(values["original_language"])
        return values

    def _attach(self, post: Post, claim_id: str) -> None:
        for result in self._ws.media.ingest(post.media, claim_id=claim_id):
            if result.status == IngestStatus.ERROR:
                where = f"{post.where} {Path(result.path).name}"
                self._tally.skipped.append(ImportIssue(where, result.error or "not taken"))
            else:
                self._tally.count_media(result.status)
