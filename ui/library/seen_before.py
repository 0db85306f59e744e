"""What a stored picture was seen as before: one list, in the detail pane and the viewer.

``load_seen_before`` gathers plain values (a few short reads: the near duplicates from
the in-memory index, then their names, claims and cases); ``SeenBeforeList`` shows them
with the earlier copy's thumbnail, its distance, when it was first seen and under which
claim and case. Double-click or Enter on a row asks for the compare view.

A hit in a stored video is a frame of it: its row names the video and the time ("video at
1:23") and shows that frame, not the video's first one. A frame is decoded once (a seek and
a few frames, on a worker thread: the row shows the first frame meanwhile) and then read
from the thumbnail cache.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from ui.messages import error_message
from ui.presentation import format_time, short
from ui.tasks import TaskRunner
from workbench.base.bidi import isolate, reveal
from workbench.base.errors import WorkbenchError
from workbench.library.views import NearDuplicate
from workbench.workspace import Workspace

COL_PICTURE, COL_DISTANCE, COL_CLAIMS = 0, 1, 2
HEADERS = ("Picture, first seen", "Distance", "Under claim, case")
MEDIA_ID_ROLE = Qt.ItemDataRole.UserRole
FIRST_SEEN_ROLE = Qt.ItemDataRole.UserRole + 1
CLAIM_IDS_ROLE = Qt.ItemDataRole.UserRole + 2
THUMB_SIDE = 64
#: A video hit's frame is cached at the thumbnails' size (sharp on a high-DPI screen too).
FRAME_SIDE = 256
log = logging.getLogger(__name__)
REMOVED = "(claim removed)"
#: What matched: a word under the distance, and the sentence in its tooltip
#: (``NearDuplicate.evidence``). Short words keep the column, and the pane, narrow.
EVIDENCE = {
    "whole": ("", "the whole picture"),
    "mirrored": ("mirrored", "the picture mirrored"),
    "rotated_90": ("turned", "the picture turned 90°"),
    "rotated_180": ("turned", "the picture turned 180°"),
    "rotated_270": ("turned", "the picture turned 270°"),
    "cropped": ("cropped", "part of the picture: one is a crop of the other"),
    "tilted": ("tilted", "the picture tilted a few degrees"),
    "region": ("region", "the picture inside bars, a caption, a border or a post screenshot"),
    "features": ("points", "the same picture by its local features (no hash view met)"),
    "inside": ("inside", "one picture inside the other, by its local features"),
}


@dataclasses.dataclass(frozen=True)
class SeenClaim:
    id: str
    text: str
    case_name: str | None


@dataclasses.dataclass(frozen=True)
class SeenBefore:
    """A near duplicate, with the names an analyst recognises it by."""

    duplicate: NearDuplicate
    original_name: str
    claims: tuple[SeenClaim, ...]
    #: For a video hit: its frame at that time once cached, else the video's first frame.
    thumbnail: Path | None
    #: For a video hit whose frame is not cached yet: makes it (slow: off the UI thread).
    make_frame: Callable[[], Path | None] | None = dataclasses.field(
        default=None, compare=False, repr=False
    )


def video_time(t_ms: int) -> str:
    """A time in a video as a player shows it: ``1:23``, ``1:02:03`` past an hour."""
    hours, rest = divmod(max(0, t_ms) // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def precise_video_time(t_ms: int) -> str:
    """``1:23.480 (83.480 s)``: to the millisecond, for a tooltip."""
    t_ms = max(0, t_ms)
    return f"{video_time(t_ms)}.{t_ms % 1000:03d} ({t_ms / 1000:.3f} s)"


class ClaimNames:
    """Claim texts and case names, each read once however often it is asked for."""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace
        self._known: dict[str, SeenClaim] = {}

    def __call__(self, claim_id: str) -> SeenClaim:
        if claim_id not in self._known:
            try:
                claim = self._ws.claims.get(claim_id)
                self._known[claim_id] = SeenClaim(claim.id, claim.text, claim.case_name)
            except WorkbenchError:  # removed by a colleague since the index was read
                self._known[claim_id] = SeenClaim(claim_id, REMOVED, None)
        return self._known[claim_id]


def load_seen_before(
    workspace: Workspace, media_id: str, names: ClaimNames | None = None
) -> tuple[SeenBefore, ...]:
    """Every stored media resembling ``media_id`` within the analyst's threshold."""
    names = names or ClaimNames(workspace)
    entries = []
    media = workspace.media
    for dup in media.near_duplicates(media_id):
        try:
            name = media.get(dup.media_id).original_name
        except WorkbenchError:
            name = dup.sha256[:12]
        thumbnail = media.thumbnail_path(dup.sha256)
        make_frame = None
        if dup.t_ms is not None:  # a frame of a stored video
            frame = media.frame_path(dup.sha256, dup.t_ms, FRAME_SIDE, cached_only=True)
            if frame is not None:
                thumbnail = frame
            else:
                make_frame = functools.partial(media.frame_path, dup.sha256, dup.t_ms, FRAME_SIDE)
        entries.append(
            SeenBefore(
                duplicate=dup,
                original_name=name,
                claims=tuple(names(c) for c in dup.claim_ids),
                thumbnail=thumbnail,
                make_frame=make_frame,
            )
        )
    return tuple(entries)


class SeenBeforeList(QTreeWidget):
    """The near duplicates of one picture; ``compare_requested`` carries the other's id."""

    compare_requested = Signal(str)
    #: Every video frame the list was waiting for is shown (or could not be read).
    frames_loaded = Signal()

    def __init__(self, parent: QWidget | None = None, runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self._runner = runner or TaskRunner(self)
        self._generation = 0  # the list shown; a frame made for an earlier one is dropped
        self._frames_pending = 0
        self.setHeaderLabels(list(HEADERS))
        self.setRootIsDecorated(False)
        self.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setAccessibleName("Seen before")
        self.setToolTip("Double-click or press Enter to compare the two pictures")
        # The columns share the list's width and never ask for more: a long file name or
        # claim wraps, and what still does not fit is cut in the middle (a name keeps its
        # extension); the tooltips say it whole. No sideways scrolling in a side pane.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_PICTURE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_DISTANCE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_CLAIMS, QHeaderView.ResizeMode.Stretch)
        self.itemActivated.connect(self._activated)

    def show_entries(self, entries: tuple[SeenBefore, ...], this_claim: str | None = None) -> None:
        """List ``entries``; a claim equal to ``this_claim`` is called "this claim"."""
        self.clear()
        self._generation += 1
        self._frames_pending = 0
        for entry in entries:
            item = _item(entry, this_claim)
            self.addTopLevelItem(item)
            if entry.make_frame is not None:
                self._frames_pending += 1
                done = functools.partial(self._frame_made, self._generation, item)
                self._runner.run_task(entry.make_frame, done)
        first = self.topLevelItem(0)
        if first is not None:
            self.setCurrentItem(first)

    @property
    def frames_pending(self) -> int:
        """Video frames of the rows shown still being decoded."""
        return self._frames_pending

    def _frame_made(
        self,
        generation: int,
        item: QTreeWidgetItem,
        *,
        result: object = None,
        error: BaseException | None = None,
    ) -> None:
        if generation != self._generation:  # the list was refilled: ``item`` is gone
            return
        if isinstance(result, Path):
            pixmap = QPixmap(str(result))
            if not pixmap.isNull():
                item.setIcon(COL_PICTURE, QIcon(pixmap))
        elif error is not None:
            log.warning("cannot show a video frame: %s", error)
            item.setToolTip(
                COL_PICTURE,
                item.toolTip(COL_PICTURE)
                + "\nShowing the video's first frame: the frame at that time cannot be read "
                f"({error_message(error)})",
            )
        self._frames_pending -= 1
        if self._frames_pending == 0:
            self.frames_loaded.emit()

    def rows(self) -> list[tuple[str, str, str]]:
        """What each row says, column by column (as read on screen)."""
        items = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [(i.text(0), i.text(1), i.text(2)) for i in items if i is not None]

    def compare_current(self) -> None:
        item = self.currentItem()
        if item is not None:
            self._activated(item)

    def _activated(self, item: QTreeWidgetItem) -> None:
        self.compare_requested.emit(str(item.data(COL_PICTURE, MEDIA_ID_ROLE)))


def _item(entry: SeenBefore, this_claim: str | None) -> QTreeWidgetItem:
    dup, name = entry.duplicate, reveal(entry.original_name)
    first_seen = format_time(dup.first_seen)

    def where(claim: SeenClaim) -> str:
        text = "this claim" if claim.id == this_claim else isolate(short(claim.text))
        return f"{text} — {reveal(claim.case_name)}" if claim.case_name else text

    claims = "\n".join(where(c) for c in entry.claims) or "under no claim"
    # Two lines under one thumbnail keep the row narrow enough for a side pane.
    word, how = EVIDENCE.get(dup.evidence, (dup.evidence, dup.evidence))
    measure = "—" if dup.distance is None else str(dup.distance)
    distance = f"{measure}\n{word}" if word else measure
    if dup.t_ms is None:
        picture = f"{name}\n{first_seen}"
        picture_tip = f"{name}, first seen {first_seen}"
    else:  # a frame of a stored video: which video, and when in it
        picture = f"{name}\nvideo at {video_time(dup.t_ms)}\n{first_seen}"
        picture_tip = (
            f"{name}: the frame at {precise_video_time(dup.t_ms)} of this video\n"
            f"first seen {first_seen}"
        )
    if dup.where:  # local features: where one sits in the other, in words
        picture += f"\n{dup.where}"
        picture_tip += f"\n{dup.where}"
    item = QTreeWidgetItem([picture, distance, claims])
    tip = (
        f"matched: {how}"
        if dup.distance is None
        else f"Hamming distance {dup.distance} of 64 bits; matched: {how}"
    )
    if dup.where:
        tip += f"\n{dup.where}"
    item.setToolTip(COL_DISTANCE, tip)
    item.setData(COL_PICTURE, MEDIA_ID_ROLE, dup.media_id)
    item.setData(COL_PICTURE, FIRST_SEEN_ROLE, first_seen)
    item.setToolTip(COL_PICTURE, f"{picture_tip}\nSHA-256 {dup.sha256}")
    item.setToolTip(
        COL_CLAIMS,
        "\n".join(f"{c.id}: {isolate(c.text)}" for c in entry.claims) or "Under no claim",
    )
    item.setData(COL_CLAIMS, CLAIM_IDS_ROLE, tuple(c.id for c in entry.claims))
    item.setTextAlignment(COL_DISTANCE, Qt.AlignmentFlag.AlignCenter)
    if entry.thumbnail is not None:  # a 256-pixel JPEG written at ingest: cheap to read
        pixmap = QPixmap(str(entry.thumbnail))
        if not pixmap.isNull():
            item.setIcon(COL_PICTURE, QIcon(pixmap))
    return item
