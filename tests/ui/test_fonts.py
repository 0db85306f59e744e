"""The window draws what the report draws: emoji in colour, Chinese, Arabic, Hebrew, with
the fonts the app ships (this machine, like many laptops, has no emoji or CJK font)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter, QTextLayout
from pytestqt.qtbot import QtBot

from ui.fonts import add_shipped_fonts


def glyph_runs(text: str) -> list[tuple[str, list[int]]]:
    """How Qt sets ``text`` in the application font: (family, glyph indexes) per run."""
    layout = QTextLayout(text, QFont())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), list(run.glyphIndexes())) for run in layout.glyphRuns()]


def coloured_pixels(text: str) -> int:
    image = QImage(200, 60, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(24)
    painter.setFont(font)
    painter.drawText(5, 45, text)
    painter.end()
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            count += max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 60
    return count


def test_the_shipped_fonts_draw_emoji_and_the_scripts_analysts_meet(qtbot: QtBot) -> None:
    families = add_shipped_fonts()
    assert {"Noto Color Emoji", "Droid Sans Fallback", "Noto Naskh Arabic"} <= set(families)
    assert "Noto Color Emoji" in QFontDatabase.applicationEmojiFontFamilies()
    assert add_shipped_fonts() == families  # again: nothing doubled
    assert QFontDatabase.applicationEmojiFontFamilies().count("Noto Color Emoji") == 1
    for text in ("中文", "حلب", "שלום", "🔥", "🇸🇾", "👨\u200d👩\u200d👧"):
        runs = glyph_runs(text)
        assert runs and all(0 not in glyphs for _, glyphs in runs), (text, runs)  # no box
    assert {family for family, _ in glyph_runs("🔥👍🏽")} == {"Noto Color Emoji"}
    assert len(glyph_runs("👨\u200d👩\u200d👧")[0][1]) == 1  # the family is one picture
    assert coloured_pixels("🔥") > 100  # in colour, not an outline
    assert coloured_pixels("fire") == 0
