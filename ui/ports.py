"""What the window needs from the domain, written as protocols.

The import contract "ui never reaches into storage" is checked transitively: importing
``workbench.workspace``, ``workbench.claims`` or ``workbench.ingest`` would pull in
``storage``. So ``ui/`` imports only the domain's plain values (``workbench.views``) and
errors, and names the services it uses here; ``main.py`` passes the real ``Workspace``,
which satisfies these protocols (mypy checks that there). Tests may pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from workbench.views import ClaimView, IngestResult, MediaView, NearDuplicate

#: (files done, files in the batch, the result for the last file)
ProgressCallback = Callable[[int, int, IngestResult], None]


class ClaimsPort(Protocol):
    def get(self, claim_id: str) -> ClaimView: ...

    def find(self) -> Sequence[ClaimView]: ...


class MediaPort(Protocol):
    def ingest(
        self,
        paths: Iterable[str],
        *,
        claim_id: str | None = None,
        progress: ProgressCallback | None = None,
        should_cancel: Callable[[], bool] | None = None,
    ) -> list[IngestResult]: ...

    def get(self, media_id: str) -> MediaView: ...

    def near_duplicates(self, media_id: str) -> tuple[NearDuplicate, ...]: ...

    def thumbnail_path(self, sha256: str) -> Path | None: ...


class LocationPort(Protocol):
    @property
    def folder(self) -> Path: ...


class WorkspacePort(Protocol):
    @property
    def location(self) -> LocationPort: ...

    @property
    def claims(self) -> ClaimsPort: ...

    @property
    def media(self) -> MediaPort: ...
