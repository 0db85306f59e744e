"""How values read and look in every panel: times, text cut to fit, the verdicts' colours
and the seen-before mark. Plain helpers, so any panel may use them.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor

SEEN_MARK = "◆"
SEEN_BADGE = f"{SEEN_MARK} seen"  # the tooltip says the rest

#: Verdict colours, the fills of the status chips (``ui.claims.status_chip``): white text on each
#: reaches 4.5:1 contrast or more (WCAG AA), on light and dark palettes alike.
STATUS_COLOURS = {
    "confirmed": QColor("#1b7f3b"),
    "refuted": QColor("#b3261e"),
    "unconfirmed": QColor("#5f6368"),
}
SEEN_COLOUR = QColor("#b06000")


def short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to at most ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_time(value: datetime | None) -> str:
    """``2015-06-01`` for a bare date (midnight UTC), else ``2015-06-01 14:30 UTC``."""
    if value is None:
        return ""
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M} UTC"
