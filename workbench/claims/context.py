"""What the claims' services need of the workspace that builds them, and nothing more.

A Protocol, so this package names no module above it: the workspace (``workbench.workspace``)
satisfies it, and a test can hand in anything that has these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from storage.db import Database


class ClaimsContext(Protocol):
    @property
    def db(self) -> Database:
        """The workspace's database: one transaction a user operation."""
        ...

    @property
    def analyst(self) -> str:
        """Who is at the keyboard: written in the audit trail and on each verdict."""
        ...

    @property
    def workspace_id(self) -> str:
        """The workspace's own id (a desk's checklist steps are kept under it)."""
        ...
