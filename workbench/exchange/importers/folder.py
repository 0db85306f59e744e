"""A folder of media: one claim per picture or video, named by its file.

That is what an analyst handed a folder of screenshots expects to find afterwards: each
file a claim to describe and verify, its media attached, "seen before" already worked out.
A file whose original is already attached to a claim is that claim (``merged``); a file
that is not media (a text file, a broken picture) is reported and left.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.base.errors import ValidationError
from workbench.claims.views import ImportIssue
from workbench.exchange.importers.writer import Progress, ShouldCancel, Tally
from workbench.library.ingest import expand_paths
from workbench.library.views import IngestResult, IngestStatus

if TYPE_CHECKING:
    from workbench.workspace import Workspace


def import_folder(
    ws: Workspace,
    folder: Path,
    case: str | None,
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
) -> Tally:
    """Ingest every file under ``folder`` (the media pipeline's pool hashes a few ahead),
    and as each one is stored, log its claim and attach it.

    The original is stored before its claim is written: an interruption between the two
    leaves a picture in the library with no claim, and importing again gives it one.
    """
    tally = Tally(folder, "folder")
    files = expand_paths([folder])
    if progress is not None:
        progress(0, len(files))

    def one_file(done: int, total: int, result: IngestResult) -> None:
        _claim_for(ws, folder, tally, case, result)
        if progress is not None:
            progress(done, total)

    results = ws.media.ingest(files, progress=one_file, should_cancel=should_cancel)
    if len(results) < len(files):
        tally.cancelled(len(results), len(files), "files")
    return tally


def _claim_for(
    ws: Workspace, folder: Path, tally: Tally, case: str | None, result: IngestResult
) -> None:
    try:
        relative = f"{folder.name}/{Path(result.path).relative_to(folder).as_posix()}"
    except ValueError:
        relative = result.path
    if result.status == IngestStatus.ERROR or result.media is None:
        tally.skipped.append(ImportIssue(relative, result.error or "not taken"))
        return
    tally.count_media(result.status)
    if result.media.claim_ids:
        tally.merged.append(result.media.claim_ids[0])
        return
    try:
        claim = ws.claims.create(
            Path(result.path).name,
            case=case,
            notes=f"Imported from folder {relative}",
        )
    except ValidationError as exc:
        tally.skipped.append(ImportIssue(relative, str(exc)))
        return
    ws.claims.attach_media(claim.id, result.media.id)
    tally.added.append(claim.id)
