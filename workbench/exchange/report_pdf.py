"""The report as a PDF: the model of ``workbench.exchange.report`` laid out on A4 with fpdf2.

Why fpdf2 and not Qt's PDF writer: the core never imports Qt (``workbench export`` runs
where there is no display and no Qt at all), and fpdf2 is pure Python, maintained, embeds
subsetted TrueType fonts and, through HarfBuzz (uharfbuzz), shapes Arabic (joined letters,
right to left, with the Unicode bidi algorithm for mixed lines).

Shaping costs: HarfBuzz through fpdf2 makes a line about three times slower to set. Most
of a report is Latin, where shaping changes nothing, so it is switched on only for text
with characters of complex or right-to-left scripts (``needs_shaping``). Pictures are the
cached JPEG thumbnails, embedded as they are (no re-encoding); one file used twice is
embedded once.

Every character is drawn (``workbench.exchange.report_fonts``: the shipped fonts, which one sets
each cluster, the bidi fixes). Every value goes through ``_Document.drawn`` once: each of
its paragraphs closes the bidi controls it opened, and a character no font has becomes
``MARKER``, counted. Each value is its own cell (its own bidi paragraph), so it cannot
reorder its label or the next line; a claim's title is isolated from its number.

The count of what could not be drawn is said on the cover, which is drawn first, while
the claims are built one at a time as they are laid out (a missing thumbnail made then).
Counting beforehand would take a second pass over the model's text, building every entry
twice (or the model would have to know which of its strings a renderer draws); so the
count is taken while laying out, of exactly what was replaced, and the rest of the cover
page is kept with fpdf2's ``insert_toc_placeholder``, whose function fpdf2 calls when the
document is written, when the count is known. The footer is counted once, not per page.
Nothing is said when every character was drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from PIL import Image

from workbench.base.bidi import isolate
from workbench.exchange.report_fonts import MARKER, MONO, NASKH, SANS, FontedPDF, fenced
from workbench.exchange.report_model import (
    AUDIT_COLUMNS,
    HEADINGS,
    MANIFEST_COLUMNS,
    ClaimEntry,
    Line,
    MediaEntry,
    Passage,
    Report,
    Verdict,
)

MARGIN = 16.0  # mm
LINE_H = 4.6  # mm, body text at 9 pt
LABEL_W = 32.0  # claim lines' label column
PICTURE_W, PICTURE_H = 48.0, 36.0  # a media's picture box
MEDIA_LABEL_W = 25.0
GAP = 4.0
TABLE_LINE_H = 3.8
GREY = (95, 99, 104)
RULE = (190, 190, 190)
#: Audit and manifest column widths (mm), summing to the text width (178 on A4).
AUDIT_WIDTHS = (38.0, 10.0, 21.0, 14.0, 95.0)
MANIFEST_WIDTHS = (97.0, 53.0, 12.0, 16.0)


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has characters HarfBuzz must shape: right-to-left and complex
    scripts (Hebrew, Arabic, Syriac, Indic, Thai, …) and bidi controls. Latin, Greek,
    Cyrillic and common punctuation set the same without it, only faster."""
    for char in text:
        code = ord(char)
        if code < 0x0590:
            continue
        if (
            0x2000 <= code <= 0x2BFF
            and code not in (0x200E, 0x200F)
            and not (0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069)
        ):
            continue  # punctuation, arrows, symbols: no shaping needed
        return True
    return False


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _Document(FontedPDF):
    """A4 portrait, the report's fonts, and a footer with the report line and page.
    ``undrawn`` counts the characters drawn as ``MARKER`` (the footer's once)."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.undrawn = 0
        self.footer_text = self.drawn(footer_text)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 4)
        self.set_creator("workbench")
        self._sizes: dict[Path, tuple[int, int]] = {}

    @property
    def text_width(self) -> float:
        return float(self.w - self.l_margin - self.r_margin)

    def drawn(self, value: str) -> str:
        """``value`` as it is drawn (each paragraph closing its bidi controls, what no
        font has as ``MARKER``, counted), with shaping on when it needs it. Called once
        for each value drawn."""
        value, missing = self.plan.drawable(fenced(value))
        self.undrawn += missing
        self.set_text_shaping(needs_shaping(value))
        return value

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font(SANS, "", 7)
        self.set_text_color(*GREY)
        self.set_text_shaping(needs_shaping(self.footer_text))
        self.cell(self.text_width - 20, 4, self.footer_text)
        self.cell(20, 4, f"page {self.page_no()}", align="R")
        self.set_text_color(0, 0, 0)

    def picture_size(self, path: Path) -> tuple[int, int]:
        """Pixel size, read from the file's header once (JPEG: a few hundred bytes)."""
        if path not in self._sizes:
            with Image.open(path) as im:
                self._sizes[path] = im.size
        return self._sizes[path]

    def room(self) -> float:
        return float(self.page_break_trigger - self.get_y())

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit on this one."""
        if self.room() < height:
            self.add_page()


def render(report: Report, claims: Iterator[ClaimEntry], out: BinaryIO) -> int:
    """Lay out the whole report and write it to ``out``; the number of pages."""
    pdf = layout(report, claims)
    out.write(pdf.output())
    return int(pdf.pages_count)


def layout(report: Report, claims: Iterator[ClaimEntry]) -> _Document:
    """The laid-out document, not yet written (tests read its fonts' glyphs from it)."""
    pdf = _Document(report.footer)
    pdf.set_title(f"{report.cover.title}, {report.cover.subtitle}")
    pdf.set_author(_author(report))
    _cover(pdf, report)
    # The rest of the cover is kept for the count of characters no font could draw,
    # known once every page is laid out; fpdf2 draws it there when the file is written.
    pdf.insert_toc_placeholder(_undrawn_note, pages=1, reset_page_indices=False)
    pdf.start_section(HEADINGS["claims"])
    _heading(pdf, HEADINGS["claims"])
    for claim in claims:
        _claim(pdf, claim)
    pdf.add_page()
    pdf.start_section(HEADINGS["audit"])
    _heading(pdf, HEADINGS["audit"])
    _table(pdf, AUDIT_COLUMNS, AUDIT_WIDTHS, [_audit_cells(row) for row in report.audit])
    pdf.ln(6)
    pdf.need(30)
    pdf.start_section(HEADINGS["manifest"])
    _heading(pdf, HEADINGS["manifest"])
    _table(
        pdf,
        MANIFEST_COLUMNS,
        MANIFEST_WIDTHS,
        [(r.sha256, r.name, r.kind, r.size) for r in report.manifest],
        mono_columns=(0,),
    )
    return pdf


def _author(report: Report) -> str:
    by = [line.value for line in report.cover.lines if line.label == "Exported by"]
    return by[0] if by else ""


# -- cover ---------------------------------------------------------------------------------


def _cover(pdf: _Document, report: Report) -> None:
    cover = report.cover
    pdf.add_page()
    pdf.start_section(cover.title)
    pdf.set_y(50)
    pdf.set_font(SANS, "B", 24)
    pdf.multi_cell(0, 11, pdf.drawn(cover.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(SANS, "", 11)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 6, pdf.drawn(cover.subtitle), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(8)
    _lines(pdf, cover.lines, MARGIN, LABEL_W, pdf.text_width - LABEL_W)
    pdf.ln(4)
    _heading(pdf, HEADINGS["scope"])
    _lines(pdf, cover.scope, MARGIN, LABEL_W, pdf.text_width - LABEL_W)
    pdf.ln(4)
    _heading(pdf, HEADINGS["counts"])
    x = MARGIN
    for item in cover.counts:
        width = _chip(pdf, item.verdict, x, pdf.get_y())
        pdf.set_xy(x + width + 1.5, pdf.get_y())
        pdf.set_font(SANS, "B", 11)
        pdf.set_text_shaping(False)
        pdf.cell(14, 6, str(item.count))
        x += width + 18
    pdf.ln(6)


def _undrawn_note(pdf: FPDF, _outline: object) -> None:
    """On the cover, how many characters no shipped font has (nothing when none)."""
    missing = pdf.undrawn if isinstance(pdf, _Document) else 0
    if missing:
        pdf.set_xy(MARGIN, pdf.get_y() + 4)
        pdf.set_font(SANS, "B", 9)
        pdf.set_text_color(138, 28, 28)
        pdf.set_text_shaping(False)
        noun = "character" if missing == 1 else "characters"
        note = f"{missing} {noun} could not be drawn with the report's fonts (shown as {MARKER})"
        pdf.multi_cell(0, 5, note)
        pdf.set_text_color(0, 0, 0)


def _heading(pdf: _Document, text: str) -> None:
    pdf.need(20)
    pdf.set_font(SANS, "B", 13)
    pdf.multi_cell(0, 7, pdf.drawn(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + pdf.text_width, pdf.get_y())
    pdf.ln(3)


def _chip(pdf: _Document, verdict: Verdict, x: float, y: float) -> float:
    """The verdict in white on its colour; the chip's width."""
    pdf.set_font(SANS, "B", 8.5)
    pdf.set_text_shaping(False)
    width = pdf.get_string_width(verdict.word) + 5
    pdf.set_fill_color(*_rgb(verdict.colour))
    pdf.rect(x, y, width, 5.6, style="F", round_corners=True, corner_radius=2.6)
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(x, y)
    pdf.cell(width, 5.6, verdict.word, align="C")
    pdf.set_text_color(0, 0, 0)
    return width


# -- a claim -------------------------------------------------------------------------------


def _claim(pdf: _Document, claim: ClaimEntry) -> None:
    pdf.need(70)  # the heading never ends a page alone
    y = pdf.get_y()
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, y, MARGIN + pdf.text_width, y)
    pdf.set_font(SANS, "B", 8.5)
    chip_w = pdf.get_string_width(claim.verdict.word) + 5
    _chip(pdf, claim.verdict, MARGIN + pdf.text_width - chip_w, y + 2.5)
    pdf.set_xy(MARGIN, y + 2)
    title_w = pdf.text_width - chip_w - GAP
    pdf.set_font(SANS, "B", 12)
    # The title is isolated, so that its direction (or an override in it) keeps the number.
    title = isolate(claim.title)
    text = f"{title}  #{claim.number}" if claim.title_rtl else f"#{claim.number}  {title}"
    pdf.multi_cell(title_w, 6, pdf.drawn(text), align="R" if claim.title_rtl else "L")
    pdf.set_xy(MARGIN, pdf.get_y() + 1.5)
    for passage in claim.passages:
        _passage(pdf, passage)
    pdf.ln(1)
    _lines(pdf, claim.lines, MARGIN, LABEL_W, pdf.text_width - LABEL_W)
    for media in claim.media:
        _media(pdf, media)
    pdf.ln(5)


def _passage(pdf: _Document, passage: Passage) -> None:
    pdf.need(14)
    pdf.set_font(SANS, "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 4, pdf.drawn(passage.label), align="R" if passage.rtl else "L")
    pdf.ln(4)
    pdf.set_text_color(0, 0, 0)
    if passage.rtl:
        pdf.set_font(NASKH, "", 12)
        text = pdf.drawn(passage.text)
        pdf.set_text_shaping(True, direction="rtl")
        pdf.multi_cell(0, 7, text, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.set_font(SANS, "", 10)
        text = pdf.drawn(passage.text)
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _lines(pdf: _Document, lines: Sequence[Line], x: float, label_w: float, value_w: float) -> None:
    """Label and value side by side, one row a line; a long value wraps (and may go on to
    the next page: its label stays with its first part); a label wider than its column
    (a checklist step, a desk's own step) wraps in it, and the row is as tall as both."""
    for line in lines:
        pdf.need(LINE_H)
        y = pdf.get_y()
        pdf.set_xy(x, y)
        pdf.set_font(SANS, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.set_text_shaping(False)
        label_bottom = y
        if pdf.get_string_width(line.label) <= label_w - 2:
            pdf.cell(label_w - 2, LINE_H, line.label)
        else:
            pdf.multi_cell(
                label_w - 2, LINE_H * 0.8, line.label, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT
            )
            label_bottom = pdf.get_y() if pdf.get_y() > y else y  # not across a page break
        pdf.set_text_color(0, 0, 0)
        pdf.set_xy(x + label_w, y)
        _value(pdf, line, value_w)
        if pdf.get_y() < label_bottom:
            pdf.set_y(label_bottom)
        pdf.set_x(x)


def _value(pdf: _Document, line: Line, width: float) -> None:
    """A line's value: its own cell, so its text (its direction, a bidi control in it)
    cannot reorder the label or the next line."""
    if line.mono:
        pdf.set_font(MONO, "", 7)
        value = pdf.drawn(line.value)
        pdf.multi_cell(
            width, LINE_H, value, wrapmode=WrapMode.CHAR, new_x=XPos.LEFT, new_y=YPos.NEXT
        )
        return
    pdf.set_font(SANS, "", 9)
    value = pdf.drawn(line.value)
    align = "R" if line.rtl else "L"
    if "\n" not in value and pdf.get_string_width(value) <= width - 2:
        # One line: a plain cell sets it several times faster than multi_cell.
        pdf.cell(width, LINE_H, value, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
    else:
        pdf.multi_cell(width, LINE_H, value, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _media(pdf: _Document, media: MediaEntry) -> None:
    """A picture on the left, the facts and seen-before history on its right; a wide one
    (a video's strip of frames) across the block, the facts below it."""
    rows = len(media.lines) + len(media.seen_before) + 2
    pdf.need(min(PICTURE_H + 8, rows * LINE_H + 8))
    pdf.ln(2)
    top = pdf.get_y()
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, top, MARGIN + pdf.text_width, top)
    top += 2
    text_x = MARGIN + PICTURE_W + GAP
    picture_bottom = top
    if media.picture is not None:
        width, height = pdf.picture_size(media.picture)
        if width > 2.2 * height:  # a strip: full width, at most a picture box high
            w = min(pdf.text_width, PICTURE_H * 0.8 * width / height)
            h = w * height / width
            pdf.image(str(media.picture), x=MARGIN, y=top, w=w, h=h)
            top += h + 2
            text_x = MARGIN
        else:
            pdf.image(
                str(media.picture),
                x=MARGIN,
                y=top,
                w=PICTURE_W,
                h=PICTURE_H,
                keep_aspect_ratio=True,
            )
            picture_bottom = top + PICTURE_H
    else:
        pdf.set_xy(MARGIN, top)
        pdf.set_font(SANS, "", 8)
        pdf.set_text_color(138, 28, 28)
        pdf.multi_cell(PICTURE_W, 4, pdf.drawn(media.picture_note))
        pdf.set_text_color(0, 0, 0)
    value_w = MARGIN + pdf.text_width - text_x - MEDIA_LABEL_W
    pdf.set_xy(text_x, top)
    pdf.set_font(SANS, "B", 9)
    title = pdf.drawn(media.title)
    pdf.multi_cell(value_w + MEDIA_LABEL_W, LINE_H + 0.4, title, new_x=XPos.LEFT, new_y=YPos.NEXT)
    _lines(pdf, media.lines, text_x, MEDIA_LABEL_W, value_w)
    pdf.set_x(text_x)
    pdf.set_font(SANS, "B", 8)
    pdf.set_text_shaping(False)
    pdf.cell(value_w, LINE_H, "Seen before", new_x=XPos.LEFT, new_y=YPos.NEXT)
    _lines(pdf, media.seen_before, text_x, MEDIA_LABEL_W, value_w)
    if pdf.get_y() < picture_bottom and pdf.page_no() == pdf.page:
        pdf.set_y(picture_bottom)
    pdf.set_x(MARGIN)


# -- appendix tables -----------------------------------------------------------------------


def _audit_cells(row: object) -> tuple[str, ...]:
    return tuple(getattr(row, name) for name in ("at", "claim", "actor", "action", "changes"))


def _table(
    pdf: _Document,
    columns: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    mono_columns: Sequence[int] = (),
) -> None:
    """A ruled table; each row as high as its tallest cell, kept on one page, the header
    repeated on each page it runs onto. A row's height is estimated from its text's width
    (no layout run twice); it is set with page breaks off, so it never splits."""
    _table_header(pdf, columns, widths)
    for row in rows:
        cells = [(pdf.drawn(text), w) for text, w in zip(row, widths, strict=True)]
        estimate = max(
            _lines_needed(pdf, t, w, i in mono_columns) for i, (t, w) in enumerate(cells)
        )
        if pdf.room() < estimate * TABLE_LINE_H + 1:
            pdf.add_page()
            _table_header(pdf, columns, widths)
        y = bottom = pdf.get_y()
        x = MARGIN
        pdf.set_auto_page_break(False)
        for i, (text, w) in enumerate(cells):
            pdf.set_xy(x, y + 0.5)
            mono = i in mono_columns
            _cell_font(pdf, text, mono)
            if _fits(pdf, text, w):  # most cells: a plain cell is several times faster
                pdf.cell(w - 1, TABLE_LINE_H, text)
                bottom = max(bottom, y + 0.5 + TABLE_LINE_H)
            else:
                wrap = WrapMode.CHAR if mono else WrapMode.WORD
                pdf.multi_cell(w - 1, TABLE_LINE_H, text, align="L", wrapmode=wrap)
                bottom = max(bottom, pdf.get_y())
            x += w
        pdf.set_auto_page_break(True, margin=MARGIN + 4)
        pdf.set_y(bottom + 0.5)
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.15)
        pdf.line(MARGIN, pdf.get_y(), MARGIN + sum(widths), pdf.get_y())


def _table_header(pdf: _Document, columns: Sequence[str], widths: Sequence[float]) -> None:
    pdf.set_font(SANS, "B", 7.5)
    pdf.set_text_shaping(False)
    pdf.set_fill_color(240, 240, 240)
    for column, width in zip(columns, widths, strict=True):
        pdf.cell(width, 5, column, fill=True)
    pdf.ln(5)


def _cell_font(pdf: _Document, text: str, mono: bool) -> None:
    if mono:
        pdf.set_font(MONO, "", 6.5)
    else:
        pdf.set_font(SANS, "", 7)
    pdf.set_text_shaping(needs_shaping(text))


def _fits(pdf: _Document, text: str, width: float) -> bool:
    return "\n" not in text and pdf.get_string_width(text) <= width - 3


def _lines_needed(pdf: _Document, text: str, width: float, mono: bool) -> int:
    """Lines ``text`` takes in a column, from its width: an upper bound (word wrapping
    leaves at most a word's width unused a line), without a layout run."""
    _cell_font(pdf, text, mono)
    if _fits(pdf, text, width):
        return 1
    lines = sum(
        math.ceil((pdf.get_string_width(part) * 1.15 + 1) / (width - 3)) or 1
        for part in text.split("\n")
    )
    return lines + 1
