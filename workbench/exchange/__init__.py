"""Exchange: claims out (reports, CSV and XLSX, JSON, ClaimReview, GeoJSON and KML, bags)
and in (bags, JSON exports, post archives, claims CSVs, media folders).

This package owns every format the workbench reads or writes for others: ``scope`` (which
claims, with everything about them), ``report`` and its writers ``report_html`` and
``report_pdf`` (``report_fonts``), ``formats`` (CSV, ClaimReview), ``spreadsheet``,
``interchange`` (the JSON document, ``schemas/``), ``geo``, the bag (``bag_format``,
``bag_writer``, ``bag_reader``, ``bag_merge``, ``bag_info``) and ``importers/``. It may use
the domain below it (claims, sources, audit, relations, findings, checklist, events,
ingest, the views) and ``storage`` in the merge; nothing below it imports it (import-linter:
"Exchange is the domain's top"). A new export format or importer goes here.

This module is the one door, for the command line and the window alike. ``export``
gathers the claims in a scope and hands them to the writer of the format asked for;
``import_path`` looks at what it is given and hands it to the reader that knows it: a bag
(folder or zip) or a JSON export merges (``bag_reader``); anything else is a post archive,
a CSV of claims or a media folder (``importers``). Writers load on first use, so a command
that exports nothing does not pay for them.
"""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.base.errors import Cancelled, ValidationError
from workbench.claims.views import ImportSummary
from workbench.exchange.formats import LeftOut, Publication
from workbench.exchange.scope import ExportScope, ExportSet, gather

if TYPE_CHECKING:
    from workbench.workspace import Workspace

Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]

EXPORT_FORMATS = ("pdf", "html", "csv", "xlsx", "json", "claimreview", "bag", "geojson", "kml")
#: What a file of each format is called, for a save dialog's default name.
SUFFIXES = {
    "pdf": ".pdf",
    "html": ".html",
    "csv": ".csv",
    "xlsx": ".xlsx",
    "json": ".json",
    "claimreview": ".jsonld",
    "bag": ".zip",
    "geojson": ".geojson",
    "kml": ".kml",
}
#: A JSON export names itself so that an import knows it from a post archive.
EXPORT_SCHEMA = "claim-workbench/export"


@dataclasses.dataclass(frozen=True)
class ExportDone:
    """What an export wrote: ``claims`` written; the claims of the scope it left out, each
    with the reason; what the reader should know about the file (``warnings``)."""

    format: str
    path: Path
    claims: int
    originals: int
    left_out: tuple[LeftOut, ...] = ()
    warnings: tuple[str, ...] = ()


def export(
    ws: Workspace,
    fmt: str,
    scope: ExportScope,
    out: Path,
    *,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    publication: Publication | None = None,
) -> ExportDone:
    """Write the claims in ``scope`` to ``out`` as ``fmt``. The file appears whole or not at
    all; :class:`~workbench.base.errors.Cancelled` when ``should_cancel()`` turns true.
    ``publication``: where the desk publishes its reviews (ClaimReview)."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", f"{fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    found = gather(ws, scope, should_cancel=should_cancel)
    left_out, warnings = _write(
        ws, fmt, found, out, progress, should_cancel, publication or Publication()
    )
    written = len(found.claims) - len(left_out)
    return ExportDone(fmt, out, written, len(found.originals()), left_out, warnings)


def _write(
    ws: Workspace,
    fmt: str,
    found: ExportSet,
    out: Path,
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
    publication: Publication,
) -> tuple[tuple[LeftOut, ...], tuple[str, ...]]:
    """Write ``found`` as ``fmt``: the claims the format left out, and the warnings."""
    if fmt == "claimreview":
        from workbench.exchange.formats import NO_URL, write_claimreview

        _, left_out = write_claimreview(found, out, publication)
        return tuple(left_out), () if publication.base_url else (NO_URL,)
    if fmt in ("geojson", "kml"):
        from workbench.exchange.geo import write_geojson, write_kml

        left = (write_geojson if fmt == "geojson" else write_kml)(found, out)
        return tuple(left), ()
    if fmt == "csv":
        from workbench.exchange.formats import write_csv

        write_csv(found, out)
    elif fmt == "xlsx":
        from workbench.exchange.spreadsheet import write_xlsx

        write_xlsx(found, out)
    elif fmt == "json":
        from workbench.exchange.interchange import export_json

        export_json(found, out, ws=ws)
    elif fmt == "bag":
        from workbench.exchange.bag_writer import export_bag

        export_bag(
            ws,
            found,
            out,
            zipped=out.suffix.lower() == ".zip",
            progress=progress,
            should_cancel=should_cancel,
        )
    else:
        from workbench.exchange import report

        writer = report.write_pdf if fmt == "pdf" else report.write_html
        if writer(found, ws, out, progress=progress, should_cancel=should_cancel).cancelled:
            raise Cancelled("export cancelled")
    return (), ()


def is_bundle(path: Path) -> bool:
    """A bag (folder or zip) or a JSON export, rather than somebody else's archive."""
    if path.is_dir():
        return (path / "bagit.txt").is_file()
    if zipfile.is_zipfile(path):
        return True
    if path.suffix.lower() == ".json":
        try:
            with open(path, "rb") as fh:
                head = fh.read(4096).decode("utf-8", "replace")
        except OSError:
            return False
        return f'"{EXPORT_SCHEMA}"' in head
    return False


#: Post archives and claim tables, as opposed to media (which ingest takes).
ARCHIVE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".zip")


def importable(path: Path) -> bool:
    """Whether a dropped ``path`` is for ``import_path`` (a bag, an export, a post archive,
    a claims CSV, a Telegram export folder) rather than media for ingest."""
    path = Path(path)
    if path.is_dir():
        return (path / "bagit.txt").is_file() or (path / "result.json").is_file()
    return path.suffix.lower() in ARCHIVE_SUFFIXES


def import_path(
    ws: Workspace,
    path: Path,
    *,
    case: str | None = None,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
) -> ImportSummary:
    """Take in ``path``: merge a bag or JSON export, or log the posts of an archive."""
    path = Path(path)
    if not path.exists():
        return ImportSummary(str(path), "unknown", refused=f"{path} does not exist")
    if is_bundle(path):
        from workbench.exchange.bag_reader import import_bundle

        return import_bundle(ws, path, progress=progress, should_cancel=should_cancel)
    from workbench.exchange.importers import import_posts

    return import_posts(ws, path, case=case, progress=progress, should_cancel=should_cancel)
