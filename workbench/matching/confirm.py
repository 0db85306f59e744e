"""The seen-before rule: hash hits confirmed by local features, and pictures found inside.

Hash views answer at once and alone only for the strongest evidence: the *whole* picture
within ``NEAR_IDENTICAL`` bits. Every other hash hit (a crop, a turn, a mirror, a content
region, a whole picture further off: two smooth pictures' hashes can meet within 4) is
one of many chances for two different pictures to meet. It stands when local features
agree (``verify.verify``); it is dropped when they do not although both pictures have
plenty of keypoints (``REFUTE_POINTS``); and when either has too few to tell (a small or
flat graphic, a blurred or re-photographed copy), the hashes' own rule stands, as it did
before local features. A mirrored hit is verified against the mirrored query (SIFT is not
mirror-invariant).

Where no hash view met, the visual-word index (``retrieval``) proposes a few stored
pictures and local features verify each: a photo inside a post screenshot, a photo of a
screen, a caption bar, a letterbox, a collage, a night copy no hash survived.

The caller provides the features lazily (``QueryFeatures``, ``StoredFeatures``):
computing the query's costs tens of milliseconds and is only done when a hit needs it or
no hit was found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageOps

from workbench.matching import local, retrieval, verify
from workbench.matching.index import Hit
from workbench.matching.local import Features
from workbench.matching.verify import Agreement

#: A whole-picture hash hit this close needs no local features.
NEAR_IDENTICAL = 2
#: Features that do not agree refute a hash hit only when both pictures have this many.
REFUTE_POINTS = 100
#: Evidence names for matches found by local features alone: the same picture (a night
#: copy, a heavy edit no hash view survived), or one picture inside the other.
FEATURES = "features"
INSIDE = "inside"

StoredFeatures = Callable[[str], Features | None]


@dataclass(frozen=True)
class Confirmed:
    """A stored media that the query has met, with the evidence."""

    media_id: str
    evidence: str  # a hash view ("whole", "cropped", "region"...) or INSIDE
    distance: int | None  # the hash distance (None when found by local features alone)
    agreement: Agreement | None = None
    hit: Hit | None = None
    #: Where in a stored video it was found by local features (a hit says it itself).
    t_ms: int | None = None


class QueryFeatures:
    """The query picture's features, computed on first use (and mirrored on demand):
    from ``features`` when they are known already, else from the picture ``load`` gives
    (None: the picture cannot be had, and nothing can be verified)."""

    def __init__(
        self,
        picture: Image.Image | Callable[[], Image.Image | None] | None,
        features: Features | None = None,
        size: tuple[int, int] | None = None,
    ):
        self._load = picture if callable(picture) else (lambda: picture)
        self._picture: Image.Image | None = None
        self._loaded = False
        self._plain = features
        self._mirrored: Features | None = None
        self._size = size

    def _get_picture(self) -> Image.Image | None:
        if not self._loaded:
            self._picture, self._loaded = self._load(), True
        return self._picture

    def get(self, mirrored: bool = False) -> Features | None:
        if mirrored:
            if self._mirrored is None and (picture := self._get_picture()) is not None:
                self._mirrored = local.extract(ImageOps.mirror(picture), size=self._size)
            return self._mirrored
        if self._plain is None and (picture := self._get_picture()) is not None:
            self._plain = local.extract(picture, size=self._size)
        return self._plain


def confirm_hits(hits: list[Hit], query: QueryFeatures, stored: StoredFeatures) -> list[Confirmed]:
    """The hash hits that stand (module docstring), in their order."""
    out = []
    for hit in hits:
        if hit.view == "whole" and hit.distance <= NEAR_IDENTICAL:
            out.append(Confirmed(hit.media_id, hit.view, hit.distance, hit=hit))
            continue
        if hit.frames is not None:  # a video looked up: its hits stand on the hashes
            out.append(Confirmed(hit.media_id, hit.view, hit.distance, hit=hit))
            continue
        # A stored video's frame: the featured frame of the video nearest the hit's time.
        name = hit.media_id if hit.t_ms is None else retrieval.frame_name(hit.media_id, hit.t_ms)
        s = stored(name)  # first: when it has none, the query's are not needed
        q = query.get(mirrored=hit.view == "mirrored") if s is not None else None
        agreement = None
        if local.judged(q) and local.judged(s):
            agreement = verify.verify(q, s, one_piece=False)
        if agreement is not None:
            out.append(Confirmed(hit.media_id, hit.view, hit.distance, agreement, hit))
        elif not refutes(q, s):
            # Too few points on either side to tell (a small, blurred or re-photographed
            # picture, a flat graphic): the hashes' own rule stands, as before.
            out.append(Confirmed(hit.media_id, hit.view, hit.distance, hit=hit))
    return out


def refutes(query: Features | None, stored: Features | None) -> bool:
    """Whether local features that do not agree say "different pictures": only when both
    have plenty of points (``REFUTE_POINTS``); a re-photographed or blurred copy keeps too
    few of its original's to be refuted by their absence."""
    return (
        query is not None and stored is not None and min(query.count, stored.count) >= REFUTE_POINTS
    )


def find_inside(
    words: retrieval.WordIndex,
    query: QueryFeatures,
    stored: StoredFeatures,
    skip: set[str],
    top: int | None = None,
) -> list[Confirmed]:
    """Stored pictures the query shares a picture with, found by visual words and
    verified by local features (``skip``: media already met some other way; ``top``:
    candidates verified, by default ``retrieval.top_for(query)``)."""
    if not len(words):  # nothing to propose: the query's features are not needed
        return []
    q = query.get()
    if q is None or not local.judged(q):
        return []
    out: list[Confirmed] = []
    met: set[str] = set()
    asked = retrieval.words(q, retrieval.QUERY_DISTINCT)
    top = retrieval.top_for(q) if top is None else top
    for name, _ in words.candidates(asked, top + len(skip)):
        media_id, t_ms = retrieval.split_name(name)  # a picture, or a frame of a video
        if media_id in skip or media_id in met:  # a video: its best frame only
            continue
        s = stored(name)
        if s is None or not local.judged(s):
            continue
        agreement = verify.verify(q, s)
        if agreement is not None:
            evidence = FEATURES if agreement.whole(q, s) else INSIDE
            out.append(Confirmed(media_id, evidence, None, agreement, t_ms=t_ms))
            met.add(media_id)
    return out


def summary(agreement: Agreement, query: tuple[int, int], stored: tuple[int, int]) -> str:
    """The agreement in an analyst's words: which picture sits inside which, where (in
    that picture's pixels) and on how many points, e.g. "inside: 412×300 at (120, 640),
    87 points" (this picture is that part of the other)."""
    qx, qy, qw, qh = agreement.query_in_stored
    sx, sy, sw, sh = agreement.stored_in_query
    points = f"{agreement.points} points"
    query_part = qw * qh < verify.WHOLE_COVER * stored[0] * stored[1]
    stored_part = sw * sh < verify.WHOLE_COVER * query[0] * query[1]
    if query_part and not stored_part:
        return f"inside: {qw}×{qh} at ({qx}, {qy}), {points}"
    if stored_part and not query_part:
        return f"contains it: {sw}×{sh} at ({sx}, {sy}), {points}"
    if query_part:
        return f"overlaps: {qw}×{qh} at ({qx}, {qy}), {points}"
    return f"whole picture, {points}"
