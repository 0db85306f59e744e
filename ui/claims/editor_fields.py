"""The claim editor's fields: a post URL read for its platform and handle (``platform_of``),
a time with its UTC offset (``TimeField``), and the text boxes the editor lays out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from workbench.claims.views import SourceView

#: UTC offsets in use somewhere, in minutes (whole hours plus the half and quarter ones).
_ODD_OFFSETS = {-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765}


OFFSETS = sorted({hours * 60 for hours in range(-12, 15)} | _ODD_OFFSETS)


_HOSTS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
}


_NOT_HANDLES = {"s", "i", "intent", "search", "hashtag", "watch", "story.php", "groups", "shorts"}


def platform_of(url: str) -> tuple[str, str]:
    """(platform, handle) recognised from a post URL, e.g. t.me/group/12 -> telegram, @group.
    Either is "" when not recognised."""
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        host = host.removeprefix(prefix)
    platform = _HOSTS.get(host, "")
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0] == "s" and platform == "telegram":
        segments = segments[1:]  # t.me/s/<channel>: the web preview of a channel
    handle = ""
    if platform and platform != "youtube" and segments and segments[0] not in _NOT_HANDLES:
        handle = "@" + segments[0].lstrip("@")
    elif platform == "youtube" and segments and segments[0].startswith("@"):
        handle = segments[0]
    return platform, handle


def offset_minutes(moment: datetime) -> int:
    return int((moment.utcoffset() or timedelta()).total_seconds()) // 60


def source_label(source: SourceView) -> str:
    platform = f" ({source.platform})" if source.platform else ""
    return f"{source.handle}{platform} — {source.reliability}"


class TimeField(QWidget):
    """An optional, time-zone-aware time: [x] date and time + UTC offset."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.known = QCheckBox()
        self.known.setAccessibleName(f"{name} is known")
        self.known.setToolTip(f"Untick if the {name.lower()} time is not known")
        self.edit = QDateTimeEdit()
        self.edit.setAccessibleName(name)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.edit.setCalendarPopup(True)
        self.edit.setTimeZone(QTimeZone.utc())  # wall-clock digits only: no local DST gaps
        self.zone = QComboBox()
        self.zone.setAccessibleName(f"{name} time zone")
        for minutes in OFFSETS:
            sign = "+" if minutes >= 0 else "−"
            self.zone.addItem(f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}", minutes)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.zone)
        self.known.toggled.connect(self._enable)
        self._loaded: datetime | None = None
        self._loaded_state: tuple[Any, ...] = ()

    def set_value(self, value: datetime | None, default_offset: int = 0) -> None:
        shown = value if value is not None else datetime.now(UTC)
        offset = default_offset if value is None else offset_minutes(shown)
        shown = shown.astimezone(timezone(timedelta(minutes=offset)))
        self.set_local(shown.replace(tzinfo=None), offset)
        self.known.setChecked(value is not None)
        self._enable(value is not None)
        self._loaded, self._loaded_state = value, self._state()

    def set_local(self, local: datetime, offset_minutes: int) -> None:
        """Show ``local`` wall-clock time at ``offset_minutes`` east of UTC (marks it known)."""
        self.edit.setDateTime(
            QDateTime(
                QDate(local.year, local.month, local.day),
                QTime(local.hour, local.minute),
                QTimeZone.utc(),
            )
        )
        index = self.zone.findData(offset_minutes)
        self.zone.setCurrentIndex(index if index >= 0 else self.zone.findData(0))
        self.known.setChecked(True)

    def value(self) -> datetime | None:
        if self._state() == self._loaded_state:
            return self._loaded  # untouched: keep the stored time to the second
        if not self.known.isChecked():
            return None
        shown = self.edit.dateTime()
        day, clock = shown.date(), shown.time()
        zone = timezone(timedelta(minutes=int(self.zone.currentData())))
        return datetime(
            day.year(), day.month(), day.day(), clock.hour(), clock.minute(), tzinfo=zone
        )

    def _state(self) -> tuple[Any, ...]:
        return (self.known.isChecked(), self.edit.dateTime(), self.zone.currentIndex())

    def _enable(self, known: bool) -> None:
        self.edit.setEnabled(known)
        self.zone.setEnabled(known)


def text_box(name: str, lines: int, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)  # Tab moves on, as in the other fields
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    box.setMinimumWidth(box.fontMetrics().averageCharWidth() * 40)
    return box


def line_edit(name: str, placeholder: str = "") -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(placeholder)
    line.setClearButtonEnabled(True)
    return line
