"""Every character of the PDF report is drawn, or shown as a marker and counted on the cover.

The text is read back two ways. In the laid-out document itself: each glyph drawn, page by
page in drawing order (left to right), as the characters fpdf2 maps it to (what it writes
into the ToUnicode map), with its font and glyph name; so a dropped character, a
``.notdef`` box, an emoji sequence cut into pieces or an Arabic word that does not join
fails here on any machine. And with poppler's ``pdftotext`` / ``pdftoppm`` where they are
installed (``apt-get install poppler-utils``): the logical text back, and colour on the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.workbench.exchange.pdf_glyphs import glyph_chars, unescape
from workbench.exchange import report_fonts, report_pdf
from workbench.exchange.report import build_report
from workbench.exchange.report_fonts import MARKER, FontPlan
from workbench.exchange.scope import ExportScope, gather
from workbench.workspace import Workspace

FAMILY = "👨\u200d👩\u200d👧"
EMOJI = ("🔥", "🇸🇾", FAMILY, "👍🏽", "❤️", "1️⃣")
MIXED = f"حلب🔥 🇸🇾 {FAMILY} 👍🏽 ❤️ 1️⃣ שלום Привет 中文 日本語 한국어 کوردی اردو ے"
RTL_WORDS = ("حلب", "שלום", "کوردی", "اردو", "ے")
LTR_WORDS = ("Привет", "中文", "日本語", "한국어")
HANDLE = "@حلب_news🔥"
FILE_NAME = "صورة 🔥 снимок 写真.png"
UNDRAWABLE = "\U0010fffd\u0378\U00013000"  # private use, unassigned, a hieroglyph
RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@dataclass(frozen=True)
class Drawn:
    """One glyph drawn: the characters it stands for, its font (fpdf2 key), its name."""

    text: str
    font: str
    glyph: str


_TOKEN = re.compile(
    r"BT /F(\d+) [\d.]+ Tf ET|/F(\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj|\[((?:\\.|[^\]])*)\] TJ"
    r"|\bET\b"
)


def drawn_lines(pdf: report_pdf.FPDF) -> list[list[list[Drawn]]]:
    """Per page, per text object (a line), the glyphs in drawing order."""
    fonts = {font.i: (key, font) for key, font in pdf.fonts.items()}
    pages = []
    for page in pdf.pages.values():
        lines: list[list[Drawn]] = []
        line: list[Drawn] = []
        page_font = font = None
        for match in _TOKEN.finditer(_content(page.contents)):
            if match.group(1):
                page_font = font = fonts[int(match.group(1))]
            elif match.group(2):
                font = fonts[int(match.group(2))]
            elif match.group(0) == "ET":
                if line:
                    lines.append(line)
                line, font = [], page_font
            else:
                assert font is not None
                key, fpdf_font = font
                glyphs = {cid: glyph for glyph, cid in fpdf_font.subset.items() if glyph}
                literals = (
                    [match.group(3)]
                    if match.group(3) is not None
                    else re.findall(r"\(((?:\\.|[^\\)])*)\)", match.group(4))
                )
                for literal in literals:
                    raw = unescape(literal).encode("latin-1")
                    for i in range(0, len(raw), 2):
                        glyph = glyphs[int.from_bytes(raw[i : i + 2], "big")]
                        line.append(Drawn(glyph_chars(glyph), key, glyph.glyph_name))
        pages.append(lines)
    return pages


def _content(contents: object) -> str:
    """A page's content stream (compressed once the document is written)."""
    if isinstance(contents, bytes | bytearray):
        return bytes(contents).decode("latin-1")
    raw = contents.content_stream()  # type: ignore[attr-defined]
    return (zlib.decompress(raw) if contents.filter else raw).decode("latin-1")  # type: ignore[attr-defined]


def _texts(pages: list[list[list[Drawn]]]) -> list[str]:
    return ["".join(g.text for g in line) for lines in pages for line in lines]


@dataclass
class Written:
    pdf: report_pdf._Document
    path: Path

    @property
    def lines(self) -> list[str]:
        return _texts(drawn_lines(self.pdf))

    def glyphs(self) -> Iterator[Drawn]:
        for lines in drawn_lines(self.pdf):
            for line in lines:
                yield from line


def _write(ws: Workspace, tmp_path: Path) -> Written:
    model = build_report(gather(ws, ExportScope()), ws)
    pdf = report_pdf.layout(model, model.claims())
    path = tmp_path / "report.pdf"
    path.write_bytes(bytes(pdf.output()))
    return Written(pdf, path)


@pytest.fixture
def mixed(workspace: Workspace, data: Path, tmp_path: Path) -> Written:
    picture = tmp_path / FILE_NAME
    shutil.copyfile(data / "neardup" / "hopper.png", picture)
    claim = workspace.claims.create(
        MIXED, source=("telegram", HANDLE), source_reliability="C", tags=["سوريا 🇸🇾"]
    )
    workspace.media.ingest([picture], claim_id=claim.id)
    return _write(workspace, tmp_path)


# -- every character drawn -----------------------------------------------------------------


def test_every_character_of_text_handle_and_file_name_is_drawn(mixed: Written) -> None:
    drawn = "\n".join(mixed.lines)
    assert "\x00" not in drawn  # no .notdef box anywhere
    assert mixed.pdf.undrawn == 0
    for word in LTR_WORDS + EMOJI + ("news", "снимок", "写真", ".png"):
        assert word in drawn, word
    for word in (*RTL_WORDS, "صورة", "سوريا"):  # drawn right to left: reversed on the page
        assert word[::-1] in drawn, word
    # Each emoji sequence is one glyph of the emoji font (a flag, a family, a keycap…).
    emoji_glyphs = {g.text for g in mixed.glyphs() if g.font == report_fonts.EMOJI}
    assert set(EMOJI) <= emoji_glyphs
    # Each script in its own font: Hebrew and CJK never in DejaVu, Arabic always Naskh.
    fonts = {g.text: g.font for g in mixed.glyphs()}
    assert fonts["ש"].startswith(report_fonts.HEBREW) and fonts["中"] == report_fonts.CJK
    assert fonts["한"] == report_fonts.CJK and fonts["ا"].startswith(report_fonts.NASKH)
    assert fonts["ے"].startswith(report_fonts.NASKH) and fonts["П"].startswith("dejavu")


def test_arabic_next_to_an_emoji_stays_joined(mixed: Written) -> None:
    # حلب🔥 in the title: ح ل ب in their joined forms (initial, medial, final: FExx),
    # drawn right to left, the emoji whole on their left.
    joined = ["🔥", "uniFE90", "uniFEE0", "uniFEA3"]
    titles = [
        [g.text if g.font == report_fonts.EMOJI else g.glyph for g in line]
        for lines in drawn_lines(mixed.pdf)
        for line in lines
    ]
    assert any(line[i : i + 4] == joined for line in titles for i in range(len(line) - 3)), (
        "حلب🔥 not drawn joined"
    )


def test_emoji_sequences_are_one_cluster_in_one_font() -> None:
    text = (
        f"a{FAMILY}b 🇸🇾🇺🇦 1️⃣ 👍🏽 ❤️ ❤ 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    )
    assert list(report_fonts.clusters(text))[:8] == ["a", FAMILY, "b", " ", "🇸🇾", "🇺🇦", " ", "1️⃣"]
    runs = report_fonts.plan().runs(text, report_fonts.SANS)
    assert runs is not None
    emoji = "".join(run for font, run in runs if font == report_fonts.EMOJI)
    for sequence in (FAMILY, "🇸🇾🇺🇦", "1️⃣", "👍🏽", "❤️", "🏴\U000e0067"):
        assert sequence in emoji
    # A plain ❤ (text presentation) stays in the text font; spaces never in the emoji font.
    assert ("dejavu", " ❤ ") in runs
    assert all(" " not in run for font, run in runs if font == report_fonts.EMOJI)


def test_an_emoji_glyph_drawn_for_two_texts_and_a_hidden_selector() -> None:
    # ⭐ and ⭐️ are one glyph of the emoji font; ✅️'s U+FE0F is a blank glyph of its own.
    pdf = report_pdf._Document("footer")
    pdf.add_page()
    pdf.set_font(report_fonts.SANS, "", 10)
    pdf.cell(0, 5, pdf.drawn("⭐ ⭐️ ✅️ ✅"))
    pdf.output()  # fpdf2 alone failed here (the glyph's bitmap read a second time)
    codes = [glyph.unicode for glyph in pdf.fonts[report_fonts.EMOJI].color_font.glyphs]
    assert len(codes) == len(set(codes))  # each code drawn has its own glyph
    assert {g.text for g in _glyphs(pdf)} >= {"⭐", "⭐️", "✅", "\ufe0f"}


def _glyphs(pdf: report_pdf.FPDF) -> Iterator[Drawn]:
    for lines in drawn_lines(pdf):
        for line in lines:
            yield from line


def test_latin_takes_the_fast_path_and_arabic_always_naskh() -> None:
    plan = report_fonts.plan()
    assert plan.runs("Fighters — 12 km north of the town…", report_fonts.SANS) is None
    # DejaVu has ا and ل but not ے: the word would be set in two fonts and not join.
    assert plan.runs("اردو ے", report_fonts.SANS) == [(report_fonts.NASKH, "اردو ے")]
    assert plan.runs("حلب", report_fonts.SANS + "B") == [(report_fonts.NASKH + "B", "حلب")]


def test_drawable_marks_and_counts_what_no_font_has() -> None:
    plan = report_fonts.plan()
    assert plan.drawable(f"a{UNDRAWABLE}b") == (f"a{MARKER * 3}b", 3)
    # Invisible format characters are not "undrawn": HarfBuzz hides them.
    assert plan.drawable(f"{FSI}x{RLO}y{PDI}\u200d\ufe0f") == (f"{FSI}x{RLO}y{PDI}\u200d\ufe0f", 0)
    assert plan.drawable("a\tb\r\nc") == ("a b\nc", 0)
    assert isinstance(plan, FontPlan)


# -- what cannot be drawn ------------------------------------------------------------------


def test_a_character_no_font_has_is_shown_and_counted_on_the_cover(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.claims.create(f"Glyphs nobody has: {UNDRAWABLE} end", notes=f"x {UNDRAWABLE[0]}")
    written = _write(workspace, tmp_path)
    markers = "\n".join(written.lines).count(MARKER)
    undrawn = written.pdf.undrawn
    assert undrawn >= 4  # the title's three and the note's one, at least
    cover = _texts(drawn_lines(written.pdf)[:1])
    note = f"{undrawn} characters could not be drawn with the report's fonts (shown as {MARKER})"
    assert note in cover
    assert markers == undrawn + 1  # every marker drawn is counted (and the note's own)
    assert f"Glyphs nobody has: {MARKER * 3} end" in "\n".join(written.lines)


def test_a_report_that_draws_everything_says_nothing_of_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.claims.create("حلب🔥 Привет")
    written = _write(workspace, tmp_path)
    assert written.pdf.undrawn == 0
    assert not any("could not be drawn" in line for line in written.lines)


# -- bidi: no value reorders its neighbours -------------------------------------------------


def test_an_override_cannot_reorder_the_label_or_the_next_line(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.claims.create(
        f"Title {RLO}desrever",
        source=("telegram", f"@news{RLO}lanigiro"),
        notes=f"first {RLO}enil\nsecond line",
        tags=[f"tag{RLO}x"],
    )
    written = _write(workspace, tmp_path)
    lines = [BIDI_MARKS.sub("", line) for line in written.lines]
    assert "#1  Title reversed" in lines  # the number stays first, the override is fenced
    assert "first line" in lines and "second line" in lines  # ends with its line
    assert "Notes" in lines and "Tags" in lines  # labels drawn apart, as they read
    assert any(line.startswith("telegram:@news⟨RLO⟩lanigiro") for line in lines)
    assert "\x00" not in "".join(lines)  # no control drawn as a box
    assert written.pdf.undrawn == 0  # the ⟨ ⟩ markers are drawable


def test_fenced_closes_each_paragraph_and_drops_useless_isolates() -> None:
    assert report_fonts.fenced(f"a{RLO}b\nc") == f"a{RLO}b\u202c\nc"
    assert report_fonts.fenced(f"{FSI}plain words…{PDI}") == "plain words…"
    assert report_fonts.fenced(f"{FSI}حلب{PDI}") == f"{FSI}حلب{PDI}"
    assert report_fonts.fenced(f"{FSI}x{RLO}y{PDI}z") == f"{FSI}x{RLO}y{PDI}z"


def test_arabic_holding_a_number_keeps_its_order_in_a_left_to_right_line() -> None:
    pdf = report_pdf._Document("footer")
    pdf.add_page()
    pdf.set_font(report_fonts.SANS, "", 10)
    pdf.cell(0, 5, pdf.drawn(f"#3 {FSI}حلب 12 abc{PDI} x"))
    pdf.ln(5)
    pdf.cell(0, 5, pdf.drawn("abc حلب 12 دمشق"))
    lines = [BIDI_MARKS.sub("", line) for line in _texts(drawn_lines(pdf))]
    assert "#3 abc 12 بلح x" in lines  # UAX #9 L2: the isolate reversed as a whole
    assert "abc قشمد 12 بلح" in lines


# -- read back by poppler ----------------------------------------------------------------


@needs_poppler
def test_pdftotext_gives_the_text_back(mixed: Written) -> None:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(mixed.path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    text = BIDI_MARKS.sub("", text)
    for word in (*RTL_WORDS, *LTR_WORDS, "صورة", "снимок", "写真", "news"):
        assert word in text, word
    # pdftotext reorders a right-to-left line by characters, cutting a ZWJ sequence
    # (the PDF maps it whole, as the layout test shows): each emoji's code points.
    for char in "".join(EMOJI).replace("\u200d", ""):
        assert char in text, f"U+{ord(char):04X}"


@needs_poppler
def test_emoji_are_drawn_in_colour(workspace: Workspace, tmp_path: Path) -> None:
    workspace.claims.create(f"Colour: {' '.join(EMOJI)}")  # unconfirmed: a grey chip
    written = _write(workspace, tmp_path)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "2",
            "-l",
            "2",
            str(written.path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as page:
        saturation = page.convert("RGB").convert("HSV").getchannel("S").histogram()
    coloured = sum(saturation[120:])
    assert coloured > 100
