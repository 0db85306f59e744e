"""Where a workspace lives and how it is opened: the composition of the domain.

A workspace is a folder: ``workbench.sqlite`` + ``media/`` (originals) + ``cache/``
(rebuildable thumbnails). A team's workspace folder instead holds ``workspace.json``
naming a PostgreSQL URL and, optionally, a shared media folder:

    {"database_url": "postgresql://wb@server/workbench", "media_dir": "/mnt/desk/media"}
"""

from __future__ import annotations

import getpass
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy import select

from storage.db import Database, sqlite_url
from storage.mediastore import MediaStore, ThumbnailCache
from storage.schema import Media, WorkspaceInfo
from workbench.base.errors import WorkbenchError
from workbench.claims.checklist import ChecklistService
from workbench.claims.events import EventService
from workbench.claims.findings import FindingService
from workbench.claims.relations import RelationService
from workbench.claims.saved_filters import SavedFilterService
from workbench.claims.service import ClaimService
from workbench.library import index_store
from workbench.library.features import FeatureService
from workbench.library.ingest import MediaService
from workbench.library.known_fakes import KnownFakes
from workbench.library.verify import Verifier
from workbench.matching.index import DEFAULT_MAX_DISTANCE

log = logging.getLogger(__name__)

APP_NAME = "claim-workbench"
ENV_WORKSPACE = "WORKBENCH_WORKSPACE"
ENV_ANALYST = "WORKBENCH_ANALYST"
CONFIG_FILE = "workspace.json"
SQLITE_FILE = "workbench.sqlite"


def default_workspace_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workspace"


def resolve_workspace_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--workspace`` first, then ``WORKBENCH_WORKSPACE``, then the platform default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(ENV_WORKSPACE)
    if from_env:
        return Path(from_env).expanduser()
    return default_workspace_dir()


def default_analyst() -> str:
    name = os.environ.get(ENV_ANALYST)
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "analyst"


@dataclass(frozen=True)
class Location:
    folder: Path
    database_url: str
    media_dir: Path
    cache_dir: Path

    @classmethod
    def of(cls, folder: Path) -> Location:
        config_path = folder / CONFIG_FILE
        database_url = sqlite_url(folder / SQLITE_FILE)
        media_dir = folder / "media"
        if config_path.is_file():
            try:
                config = json.loads(config_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise WorkbenchError(
                    f"{config_path}: unreadable workspace settings: {exc}"
                ) from exc
            database_url = str(config.get("database_url") or database_url)
            if config.get("media_dir"):
                media_dir = Path(config["media_dir"]).expanduser()
        return cls(folder, database_url, media_dir, folder / "cache")


def write_team_config(folder: Path, database_url: str, media_dir: Path | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config: dict[str, str] = {"database_url": database_url}
    if media_dir is not None:
        config["media_dir"] = str(media_dir)
    (folder / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


class Workspace:
    """An open workspace: database, media store, thumbnails, the hash index and services."""

    def __init__(
        self,
        location: Location,
        analyst: str | None = None,
        progress: index_store.Progress | None = None,
    ) -> None:
        """``progress(done, total)``: hash rows read, on an open that reads them all."""
        self.location = location
        self.analyst = analyst or default_analyst()
        #: "Seen before" distance for every query that does not name one (a setting).
        self.max_distance = DEFAULT_MAX_DISTANCE
        location.folder.mkdir(parents=True, exist_ok=True)
        self.db = Database(location.database_url)
        self.workspace_id = self._read_id()
        self.store = MediaStore(location.media_dir)
        self._finish_interrupted_commits()
        self.store.clean_temporary()
        self.thumbnails = ThumbnailCache(location.cache_dir / "thumbs")
        self._index = index_store.open_index(self, progress)
        self.index = self._index.index
        self.features = FeatureService(self)
        self.features.load()
        self.claims = ClaimService(self)
        self.relations = RelationService(self)
        self.findings = FindingService(self)
        self.checklist = ChecklistService(self)
        self.events = EventService(self)
        self.known = KnownFakes(self)
        self.media = MediaService(self)
        self.saved_filters = SavedFilterService(self)
        self.verifier = Verifier(self)

    @classmethod
    def open(
        cls,
        folder: str | os.PathLike[str] | None = None,
        analyst: str | None = None,
        progress: index_store.Progress | None = None,
    ) -> Workspace:
        return cls(Location.of(resolve_workspace_dir(folder)), analyst, progress)

    def _read_id(self) -> str:
        """This workspace's id (migration 0007 writes it once): names it in bags."""
        with self.db.read() as session:
            row = session.get(WorkspaceInfo, "workspace_id")
        if row is None:
            raise WorkbenchError(f"{self.location.folder}: the workspace has no id (damaged?)")
        return row.value

    def _finish_interrupted_commits(self) -> None:
        """Undo what processes that died (killed, crashed) between putting an original in
        place and committing its row left: the original, when no row points to it and no
        running writer is committing it. Its next ingest or import stores it again."""
        interrupted = self.store.interrupted_commits()
        if not interrupted:
            return
        with self.db.read() as session:
            rows = set(
                session.scalars(select(Media.sha256).where(Media.sha256.in_(list(interrupted))))
            )
        busy = self.store.pending_shas()
        for sha256, markers in interrupted.items():
            if sha256 not in rows and sha256 not in busy:
                self.store.remove(sha256)
            for marker in markers:
                marker.unlink(missing_ok=True)

    def close(self) -> None:
        try:
            index_store.keep_index(self, self._index)
        except Exception:  # never keeps a workspace from closing: the next open reads it
            log.exception("index snapshot not kept")
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
