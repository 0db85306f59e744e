"""The fonts the app ships (``workbench/fonts``, the report's too) offered to Qt as well.

A field laptop's Linux often has no emoji font and no CJK font: the window then draws 🔥
and 中文 as empty boxes, while the report draws them. Added as application fonts they are
Qt's fallbacks for what the system's fonts lack (the system's own font stays the one text
is set in), and Noto Color Emoji is Qt's emoji font, so the window shows what the report
shows. Adding them reads only the fonts' tables: well under a millisecond each.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from workbench.exchange.report_fonts import CJK, EMOJI, FILES, FONTS, HEBREW, NASKH, SANS

log = logging.getLogger(__name__)

#: Loaded in this order; the emoji font also becomes the application's emoji font.
SHIPPED = (SANS, SANS + "B", NASKH, NASKH + "B", HEBREW, HEBREW + "B", CJK, EMOJI)


def add_shipped_fonts() -> list[str]:
    """Offer the shipped fonts to Qt (after a ``QGuiApplication`` exists); the families
    added. A font that cannot be read is logged and left out: the window still opens."""
    families: list[str] = []
    for key in SHIPPED:
        path = FONTS / FILES[key]
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("cannot load the font %s", path)
            continue
        added = QFontDatabase.applicationFontFamilies(font_id)
        families += [family for family in added if family not in families]
        if key == EMOJI:
            for family in added:
                if family not in QFontDatabase.applicationEmojiFontFamilies():
                    QFontDatabase.addApplicationEmojiFontFamily(family)
    return families
