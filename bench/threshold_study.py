"""How the default "seen before" threshold was chosen, on real photos and transformed copies.

Run from the repo root: ``.venv/bin/python bench/threshold_study.py``. Originals are the
real pictures in tests/data/exif/ and tests/data/neardup/, decoded and hashed exactly as
ingest does (``upright_picture`` + ``_hashes``). Each gets scripted copies (re-encodes,
resizes, colour edits, a stamp, crops...); encoded copies are decoded again the way
analysis decodes a file (JPEG draft scale). Positives: original vs its own copies.
Negatives: original vs every original of another picture and all of that picture's copies.
"""

from __future__ import annotations

import io
import logging
import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.base.errors import AnalysisError  # noqa: E402
from workbench.matching import hashing  # noqa: E402
from workbench.matching.index import DEFAULT_MAX_DISTANCE  # noqa: E402
from workbench.media import decode  # noqa: E402

logging.getLogger("exifread").setLevel(logging.CRITICAL)  # "PNG file does not have exif data."

DIRS = (ROOT / "tests/data/exif", ROOT / "tests/data/neardup")
MIN_SIDE = 32  # pHash works on 32x32: 8x8 / 10x10 test stubs are not photos
THRESHOLDS = (6, 8, 10, 12, 14)
RNG = np.random.default_rng(20240611)
# The same picture in several files (name prefixes): one picture, never a negative.
GROUPS = ("hopper", "bigbuckbunny", "peppers", "flower", "canon_hdr")

Transform = Callable[[Image.Image], Image.Image]
Hashes = tuple[int, int]  # (phash, dhash)


def group_of(path: Path) -> str:
    return next((g for g in GROUPS if path.stem.startswith(g)), path.stem)


def reencode(fmt: str, quality: int) -> Transform:
    def run(im: Image.Image) -> Image.Image:
        buf = io.BytesIO()
        im.save(buf, fmt, quality=quality)
        buf.seek(0)
        out = Image.open(buf)
        if out.format == "JPEG":  # as decode.decode_image does for a JPEG file
            out.draft("RGB", (decode.DRAFT_SIDE, decode.DRAFT_SIDE))
        out.load()
        return decode.to_rgb(out)

    return run


def scale(f: float) -> Transform:
    return lambda im: im.resize((max(1, round(im.width * f)), max(1, round(im.height * f))))


def enhance(kind: type[ImageEnhance._Enhance], factor: float) -> Transform:
    return lambda im: kind(im).enhance(factor)  # type: ignore[call-arg]


def noise(im: Image.Image) -> Image.Image:
    a = np.asarray(im, dtype=np.float32) + RNG.normal(0.0, 12.0, (im.height, im.width, 3))
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def _text(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], text: str) -> None:
    size = max(6, (box[3] - box[1]) // 3)
    font = ImageFont.load_default(size=size)
    draw.text((box[0] + size // 2, box[1] + size), text, fill=(20, 20, 20), font=font)


def stamp(im: Image.Image) -> Image.Image:
    """A solid logo box with a handle in the bottom-right corner, 5% of the area."""
    out = im.copy()
    w, h = round(im.width * 0.05**0.5), round(im.height * 0.05**0.5)
    box = (im.width - w, im.height - h, im.width, im.height)
    draw = ImageDraw.Draw(out)
    draw.rectangle(box, fill=(240, 240, 240))
    _text(draw, box, "@news")
    return out


def crop_side(fraction: float) -> Transform:
    return lambda im: im.crop((0, 0, max(1, round(im.width * (1 - fraction))), im.height))


def pad(im: Image.Image, top: float, bottom: float, colour: int) -> Image.Image:
    t, b = round(im.height * top), round(im.height * bottom)
    out = Image.new("RGB", (im.width, im.height + t + b), (colour,) * 3)
    out.paste(im, (0, t))
    return out


def caption(im: Image.Image) -> Image.Image:
    out = pad(im, 0.2, 0.0, 255)  # a meme-style white bar on top, +20% of the height
    _text(ImageDraw.Draw(out), (0, 0, im.width, out.height - im.height), "BREAKING: look!")
    return out


EASY: dict[str, Transform] = {
    **{f"jpeg q{q}": reencode("JPEG", q) for q in (90, 70, 50, 30)},
    "webp q50": reencode("WEBP", 50),
    "resize 50%": scale(0.5),
    "resize 25%": scale(0.25),
    "upscale 200%": scale(2.0),
    "brightness +20%": enhance(ImageEnhance.Brightness, 1.2),
    "brightness -20%": enhance(ImageEnhance.Brightness, 0.8),
    "contrast +30%": enhance(ImageEnhance.Contrast, 1.3),
    "greyscale": lambda im: im.convert("L").convert("RGB"),
    "blur r=1": lambda im: im.filter(ImageFilter.GaussianBlur(1)),
    "noise sigma=12": noise,
    "corner stamp 5%": stamp,
    "crop 5% one side": crop_side(0.05),
}
HARD: dict[str, Transform] = {
    "crop 20% one side": crop_side(0.20),
    "mirror": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "rotate 90": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "letterbox +25%": lambda im: pad(im, 0.125, 0.125, 0),
    "caption bar top": caption,
}


def hashes(picture: Image.Image) -> Hashes:
    found = dict(hashing.picture_hashes(picture))
    return found["phash"], found["dhash"]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def load_originals() -> list[tuple[str, str, Image.Image, Hashes]]:
    """(name, group, full-resolution upright picture, shipped hashes); exact dups merged."""
    kept: list[tuple[str, str, Image.Image, Hashes]] = []
    for path in sorted(p for d in DIRS for p in d.iterdir() if p.name != "SOURCES.md"):
        try:
            shipped = hashes(decode.upright_picture(path))
            full = decode.upright_picture(path, draft=False)
        except AnalysisError as exc:
            print(f"  skip {path.name}: {exc}")
            continue
        if min(full.size) < MIN_SIDE:
            print(f"  skip {path.name}: {full.width}x{full.height}, not a photo")
            continue
        group = group_of(path)
        twin = next((n for n, g, _, h in kept if g == group and h == shipped), None)
        if twin:
            print(f"  same as {twin} (same group, identical hashes): {path.name}")
            continue
        kept.append((path.name, group, full, shipped))
    return kept


def pct(values: list[int], q: float, method: str) -> int:
    return int(np.percentile(values, q, method=method))  # type: ignore[call-overload]


def passes(op: str, t: int, p: int, d: int) -> bool:
    return {"pHash": p <= t, "AND": p <= t and d <= t, "OR": p <= t or d <= t}.get(op, p + d <= t)


def recall(ds: list[int], t: int) -> float:
    return sum(d <= t for d in ds) / len(ds)


def main() -> None:
    print("Originals:")
    originals = load_originals()
    kinds = {**EASY, **HARD}
    copies = [{k: hashes(fn(full)) for k, fn in kinds.items()} for _, _, full, _ in originals]
    n_groups = len({o[1] for o in originals})
    print(f"  {len(originals)} originals ({n_groups} distinct pictures), {len(kinds)} kinds\n")
    pairs = list(zip(originals, copies, strict=True))
    # Positives: per kind, per algorithm (0 = pHash, 1 = dHash), distance original -> copy.
    pos = {k: [[hamming(o[3][a], c[k][a]) for o, c in pairs] for a in (0, 1)] for k in kinds}
    # Negatives: per query original, (pHash, dHash, what) to every item of other pictures.
    neg: list[list[tuple[Hashes, str]]] = []
    for qname, group, _, (qp, qd) in originals:
        items = [
            (f"{o[0]} {k}", h)
            for o, c in pairs
            if o[1] != group
            for k, h in (("original", o[3]), *c.items())
        ]
        neg.append([((hamming(qp, p), hamming(qd, d)), f"{qname} vs {w}") for w, (p, d) in items])
    n_items = sum(len(q) for q in neg) / len(neg)

    head = "".join(f"  <={t:<3}" for t in THRESHOLDS)
    for a, name in enumerate(("pHash", "dHash")):
        print(f"== {name}: same picture (original vs its copy), recall at threshold")
        print(f"{'kind':22} {'max':>4} {'p95':>4} {head}")
        for k in kinds:
            ds = pos[k][a]
            if k == next(iter(HARD)):
                print("-- hard kinds (not expected to be caught) --")
            rec = "".join(f"  {recall(ds, t):5.0%}" for t in THRESHOLDS)
            print(f"{k:22} {max(ds):4} {pct(ds, 95, 'higher'):4} {rec}")
        easy = [d for k in EASY for d in pos[k][a]]
        rec = "".join(f"  {recall(easy, t):5.0%}" for t in THRESHOLDS)
        print(f"{'ALL EASY':22} {max(easy):4} {pct(easy, 95, 'higher'):4} {rec}")
        nd = [q[0][a] for qs in neg for q in qs]
        print(f"\n== {name}: different pictures ({len(nd)} pairs, {n_items:.0f} items/query)")
        print(f"min {min(nd)}, 1st percentile {pct(nd, 1, 'lower')}, median {np.median(nd):g}")
        nearest = min((q[0][a], q[1]) for qs in neg for q in qs)
        print(f"  odd distances: {sum(d % 2 for d in nd)}; nearest: {nearest}")
        mu, sd = float(np.mean(nd)), float(np.std(nd))
        for t in THRESHOLDS:
            per_q = [sum(q[0][a] <= t for q in qs) for qs in neg]
            tail = 0.5 * math.erfc((mu - t - 0.5) / (sd * math.sqrt(2)))  # normal-fit guess
            print(
                f"  <={t:<3} false matches/query {np.mean(per_q):.3f}, queries with any "
                f"{sum(n > 0 for n in per_q)}/{len(neg)}; normal fit ({mu:.1f}, sd {sd:.1f}): "
                f"{tail:.1e}/pair = {tail * 1e5:.2g} per query in 100k hashes"
            )
        print()

    print("== Combined rules on the same pairs: easy-kind recall, false matches per query")
    easy_pairs = [(p, d) for k in EASY for p, d in zip(*pos[k], strict=True)]
    neg_pairs = [q[0] for qs in neg for q in qs]
    rules = [(op, t) for t in (8, 10, 12) for op in ("pHash", "AND", "OR")]
    for op, t in [*rules, ("SUM", 16), ("SUM", 20), ("SUM", 24)]:
        r = sum(passes(op, t, p, d) for p, d in easy_pairs) / len(easy_pairs)
        fm = sum(passes(op, t, p, d) for p, d in neg_pairs) / len(neg)
        label = {"pHash": "pHash<=T", "AND": "pHash<=T AND dHash<=T", "OR": "pHash<=T OR dHash<=T"}
        text = label.get(op, "pHash+dHash<=T").replace("T", str(t))
        print(f"  {text:26} recall {r:6.1%}  false/query {fm:.3f}")

    # The shipped rule: a stored picture is "seen before" when pHash OR dHash is within
    # DEFAULT_MAX_DISTANCE; the distance reported is the smaller of the two.
    t = DEFAULT_MAX_DISTANCE
    neg_min = [min(p, d) for p, d in neg_pairs]
    print(f"\n== Shipped rule: pHash <= {t} OR dHash <= {t} (distance = the smaller)")
    easy_r = sum(min(p, d) <= t for p, d in easy_pairs) / len(easy_pairs)
    print(f"easy-kind recall {easy_r:.1%}; nearest different picture {min(neg_min)}")
    print(f"{sum(d <= t for d in neg_min)} of {len(neg_min)} different pairs matched\n")
    print(f"| kind | pHash max | dHash max | recall (pHash or dHash <= {t}) |")
    print("|---|---:|---:|---:|")
    for k in kinds:
        hard = " (later issue)" if k in HARD else ""
        both = [min(p, d) for p, d in zip(*pos[k], strict=True)]
        print(f"| {k}{hard} | {max(pos[k][0])} | {max(pos[k][1])} | {recall(both, t):.0%} |")
    fm = sum(d <= t for d in neg_min) / len(neg)
    print(
        f"| different pictures ({len(neg_min)} pairs) | min {min(q[0] for q in neg_pairs)} | "
        f"min {min(q[1] for q in neg_pairs)} | {fm:.3f} false matches per query |"
    )


if __name__ == "__main__":
    main()
