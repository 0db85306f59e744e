"""Video against video: which stretches of a new video are in a stored one, and where.

The input is every pair of frames that met ("seen before" distance): a kept frame of the
query video at ``q`` ms and a kept frame of the stored video at ``s`` ms
(``matching.FramePairs``). The output is a list of :class:`Overlap` ranges. The rule:

1. A pair says "moment ``q`` of the new video is moment ``s`` of the stored one": an
   *offset* ``s - q``. The frames of a copy meet at one offset (for a trimmed clip, where
   it was cut from), give or take the sampling jitter: each video keeps its own frames
   (scene cuts, one a second), so the stored frame nearest a query frame can be up to a
   second off. Offsets therefore agree within ``OFFSET_TOLERANCE_MS``.
2. The offset that the most query frames agree with wins. Each query frame counts once,
   however many stored frames it meets (a still scene meets all of its stored twin's; on a
   tie, the offset with the most pairs, which lines two still stretches up). Its
   agreeing query frames, in time order, are cut into runs wherever two are more than
   ``MAX_GAP_MS`` apart (a few unmatched frames are bridged). Each run of at least
   ``MIN_FRAMES`` query frames is a range: from its first to its last frame in the new
   video, and the same stretch moved by the run's median offset in the stored one.
3. Those query frames are then spent, all their pairs with them, so a still scene's frames,
   which also meet other moments, give no second, false range. The next best offset is
   taken, and so on, until fewer than ``MIN_FRAMES`` query frames agree on any offset. So
   each moment of the new video is placed at most once: a clip made of two parts of the
   stored video gives two ranges, a part the stored video repeats is placed once.
4. A range needs ``MIN_FRAMES`` (2) query frames on one offset, at most ``MAX_GAP_MS``
   apart: a lone pair may be a look-alike frame (a title card, a logo) as easily as a
   copy, while two neighbouring frames on one offset are a second or more of shared
   footage. Only a new video looked up by fewer than ``MIN_FRAMES`` frames (a clip of about
   a second) makes a range of one frame.

Cost: numpy over the pairs, a few passes per range found. A still scene is the one thing
that multiplies pairs (each of its query frames meets each of its stored frames).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt


@dataclasses.dataclass(frozen=True)
class Overlap:
    """A stretch of a new video that is in a stored one: ms from each video's start."""

    start_ms: int  # in the new (query) video
    end_ms: int
    stored_start_ms: int  # the same stretch in the stored video
    stored_end_ms: int


#: Two pairs agree on an offset within this (the two videos' frames are sampled apart).
OFFSET_TOLERANCE_MS = 1000
#: Agreeing query frames at most this far apart are one range.
MAX_GAP_MS = 3000
#: Query frames a range needs (unless the query video has fewer frames than this).
MIN_FRAMES = 2
#: Offsets are counted in bins this wide (``OFFSET_TOLERANCE_MS`` is a whole number of them).
_BIN_MS = 250


def find_overlaps(
    query_ms: npt.ArrayLike, stored_ms: npt.ArrayLike, query_frames: int | None = None
) -> tuple[Overlap, ...]:
    """The ranges the pairs ``(query_ms[i], stored_ms[i])`` support (module docstring),
    in the new video's order; ``query_frames``: how many frames the new video was looked up
    by (unknown: as many as it takes)."""
    q = np.asarray(query_ms, dtype=np.int64)
    s = np.asarray(stored_ms, dtype=np.int64)
    min_frames = MIN_FRAMES if query_frames is None or query_frames >= MIN_FRAMES else 1
    reach = OFFSET_TOLERANCE_MS // _BIN_MS
    found: list[Overlap] = []
    while len(q):
        _, frame = np.unique(q, return_inverse=True)  # frame: pair -> its query frame
        bins = np.round((s - q) / _BIN_MS).astype(np.int64)
        best, support = _best_bin(frame, bins, reach)
        if support < min_frames:
            break
        closeness = np.abs(bins - best)
        agree = closeness <= reach
        # per query frame, its pair nearest the winning offset
        order = np.lexsort((closeness, frame))
        order = order[agree[order]]
        _, first = np.unique(frame[order], return_index=True)
        chosen = order[first]  # one pair per agreeing query frame, in time order
        frame_ms, offsets = q[chosen], (s - q)[chosen]
        for run in np.split(
            np.arange(len(chosen)), np.flatnonzero(np.diff(frame_ms) > MAX_GAP_MS) + 1
        ):
            if len(run) >= min_frames:
                found.append(_overlap(frame_ms[run], offsets[run]))
        spent = np.isin(q, frame_ms)
        q, s = q[~spent], s[~spent]
    return tuple(sorted(found, key=lambda o: (o.start_ms, o.stored_start_ms)))


def _best_bin(
    frame: npt.NDArray[np.int64], bins: npt.NDArray[np.int64], reach: int
) -> tuple[int, int]:
    """The offset bin the most query frames come within ``reach`` bins of, and how many.

    On a tie (a still scene fits several offsets about as well), the bin with the most
    pairs within reach: two still stretches of one scene meet most often lined up."""
    spread = (bins[:, None] + np.arange(-reach, reach + 1)[None, :]).ravel()
    low = int(spread.min())
    width = int(spread.max()) - low + 1
    keys = np.unique(np.repeat(frame, 2 * reach + 1) * width + (spread - low))
    frames = np.bincount(keys % width, minlength=width)
    pairs = np.bincount(spread - low, minlength=width)
    best = int(np.lexsort((-pairs, -frames))[0])
    return best + low, int(frames[best])


def _overlap(frame_ms: npt.NDArray[np.int64], offsets: npt.NDArray[np.int64]) -> Overlap:
    start, end = int(frame_ms[0]), int(frame_ms[-1])
    offset = int(np.median(offsets))
    return Overlap(start, end, max(0, start + offset), max(0, end + offset))
