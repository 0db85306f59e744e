"""The claims as an Excel workbook (.xlsx): the CSV's table, for programs that misread CSV.

LibreOffice opens a CSV without asking for its character set and ignores the byte-order
mark, so Arabic comes out as mojibake; an .xlsx names its encoding (XML, UTF-8), and Excel
and LibreOffice open it right. The sheet is the CSV's, column for column and cell for cell:
``CSV_COLUMNS`` and ``csv_row`` from ``workbench.exchange.formats`` (one place says what a row
holds), then:

- **Text stays text.** Every text cell is written as a string cell (``data_type "s"``, an
  inline string): openpyxl would store a value starting with ``=`` as a formula, and no
  spreadsheet runs a string cell. The CSV's formula guard (``'`` before ``=``, ``+``,
  ``-``, ``@``…) is kept as well, so a cell copied out of the sheet, or the sheet saved
  again as CSV, is still harmless.
- **Numbers are numbers** (credibility, latitude, longitude), so they sort and sum.
- **Times are the CSV's ISO 8601 text** (``2026-03-01T08:00:00+00:00``), not spreadsheet
  dates: an Excel date has no time zone (openpyxl refuses an aware datetime), so a reader
  would see a bare time and could not tell it is UTC; the text says ``+00:00``, sorts in
  time order (every time is UTC) and reads the same as in the CSV.
- **Nothing the format cannot hold fails the export.** Excel holds at most 32,767
  characters (UTF-16 code units) in a cell: a longer text is cut and ends with a visible
  ``…[cut: N characters]``. XML cannot carry most control characters (openpyxl raises
  ``IllegalCharacterError``) nor lone surrogates: each is shown as its visible picture
  (``\\x07`` as ``␇``, U+2407) or as ``�``.
- The header row is bold, frozen (it stays on screen while scrolling) and filterable;
  columns are as wide as their content, within bounds.

The workbook is streamed (openpyxl's write-only mode: no cell objects kept per sheet) and
written through ``files.atomic_output``: the old file or the whole new one, never half.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workbench.base.files import atomic_output
from workbench.exchange.formats import CSV_COLUMNS, csv_row
from workbench.exchange.scope import ExportSet

#: Columns whose cells are numbers the workbench wrote itself, not text.
NUMBER_COLUMNS = frozenset({"credibility", "latitude", "longitude"})
#: Excel's limit for one cell, in UTF-16 code units (what Excel counts as characters).
CELL_LIMIT = 32_767
SHEET_TITLE = "Claims"
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Characters XML 1.0 cannot carry: C0 controls but tab, LF and CR (openpyxl's own test),
#: lone surrogates, and the two non-characters U+FFFE and U+FFFF.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"  # ␀…␟ (Control Pictures)


def cut_note(removed: int) -> str:
    return f"…[cut: {removed} characters]"


def cell_text(text: str) -> str:
    """``text`` as a cell can hold it: unwritable characters shown, and cut to Excel's
    limit with a note saying how many characters were left out."""
    text = _UNWRITABLE.sub(_shown, text)
    if len(text) <= CELL_LIMIT // 2:  # fits even if every character took two code units
        return text
    units = text.encode("utf-16-le")
    if len(units) // 2 <= CELL_LIMIT:
        return text
    # Room for the longest note this text could need (it cannot lose more than it has).
    room = CELL_LIMIT - len(cut_note(len(text)))
    kept = units[: room * 2].decode("utf-16-le", errors="ignore")  # never half an emoji
    return kept + cut_note(len(text) - len(kept))


def _number(text: str) -> int | float | str | None:
    """A number cell's value: the number, or the text itself if it is not a plain finite
    number (it is shown as written rather than lost)."""
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _cell(sheet: Any, column: str, text: str) -> Any:
    """The cell of ``column`` for a write-only ``sheet`` (None: empty)."""
    value = _number(text) if column in NUMBER_COLUMNS else text
    if value is None or value == "":
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=cell_text(value))
        cell.data_type = "s"  # after the value: openpyxl binds "=…" as a formula
        return cell
    return WriteOnlyCell(sheet, value=value)


def _width(text: str) -> int:
    """How wide a column must be for ``text``: its longest line, in characters."""
    return max((len(line) for line in text[: MAX_WIDTH * 4].splitlines()), default=0)


def write_xlsx(export: ExportSet, out: Path) -> None:
    """One sheet, one row per claim, the CSV's columns; written atomically to ``out``."""
    rows = [csv_row(item) for item in export.claims]
    widths = {column: len(column) for column in CSV_COLUMNS}
    for row in rows:
        for column in CSV_COLUMNS:
            widths[column] = max(widths[column], _width(row.get(column, "")))

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    # Write-only: the sheet's layout goes before its first row.
    for index, column in enumerate(CSV_COLUMNS, 1):
        width = min(max(widths[column] + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(CSV_COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"

    bold = Font(bold=True)
    header = []
    for column in CSV_COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.data_type = "s"
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, column, row.get(column, "")) for column in CSV_COLUMNS])
    with atomic_output(out) as temporary:
        book.save(temporary)
