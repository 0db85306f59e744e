"""What the library's services need of the workspace that builds them.

A Protocol, so this package names no module above it: the workspace (``workbench.workspace``)
satisfies it. A service that also needs another of the library's services says so in its
own module, by extending this one with the members it uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from workbench.claims.context import ClaimsContext

if TYPE_CHECKING:
    from storage.mediastore import MediaStore, ThumbnailCache
    from workbench.claims.service import ClaimService
    from workbench.matching.index import HashIndex


class Place(Protocol):
    @property
    def cache_dir(self) -> Path:
        """The workstation's cache (thumbnails, the index's snapshot), not the database's."""
        ...


class LibraryContext(ClaimsContext, Protocol):
    @property
    def store(self) -> MediaStore: ...

    @property
    def thumbnails(self) -> ThumbnailCache: ...

    @property
    def index(self) -> HashIndex:
        """Every stored hash, in memory (``index_store`` fills it)."""
        ...

    @property
    def max_distance(self) -> int:
        """The seen-before distance this workspace uses."""
        ...

    @property
    def location(self) -> Place: ...

    @property
    def claims(self) -> ClaimService: ...
