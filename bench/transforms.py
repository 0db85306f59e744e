"""Scripted copies of a picture, as they turn up in the wild, for ``bench/match_eval.py``.

Every transformation is one function ``(picture, rng) -> picture``: RGB in, RGB out, and
deterministic for a given ``numpy.random.Generator`` (the harness seeds one per original
and kind). Encoded copies are decoded again the way analysis decodes a file (JPEG at draft
scale). Two families, as in the issue:

- ``FAMILY_A``: re-encoding, resizing, colour, blur/noise, a small logo or text stamp;
- ``FAMILY_B``: crops, padding/letterbox, caption bars, mirror, turns, tilts, the photo
  inside a social-media post screenshot, the photo re-photographed or screenshotted
  with a border.

Also the look-alike makers for negatives: post screenshots from a fixed template
(``PostTemplate``), text-only posts and pages, blank/dark/single-colour frames.
"""

from __future__ import annotations

import functools
import io
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workbench.media import decode  # noqa: E402

Rng = np.random.Generator
Transform = Callable[[Image.Image, Rng], Image.Image]
RGB = tuple[int, int, int]

_TEXT = (
    "breaking news video shows the moment police arrived near city hall after crowds "
    "gathered on saturday evening officials say this photo was taken yesterday but others "
    "claim it is from an older protest in another country please share before it gets "
    "deleted witnesses reported smoke over the bridge and the river was closed to traffic "
    "until morning local media confirmed nothing yet thread below with more pictures"
)
WORDS = tuple(_TEXT.split(" "))
NAMES = ("Daily Report", "Maria K.", "World Watch", "J. Okafor", "Citizen Desk", "Ana Silva")


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(6, size))


def sentence(rng: Rng, n_words: int) -> str:
    return " ".join(str(w) for w in rng.choice(WORDS, n_words))


def colour(rng: Rng, low: int = 0, high: int = 256) -> RGB:
    r, g, b = (int(v) for v in rng.integers(low, high, 3))
    return r, g, b


def decoded(data: bytes) -> Image.Image:
    """An encoded file's bytes, decoded as analysis decodes a file (upright, RGB, draft)."""
    return decode.decode_image(data)[0]


def encoded(picture: Image.Image, fmt: str, **params: object) -> Image.Image:
    buf = io.BytesIO()
    picture.save(buf, fmt, **params)
    return decoded(buf.getvalue())


def _wrap(text: str, width: int, size: int) -> list[str]:
    """Greedy word wrap for ``font(size)`` within ``width`` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and font(size).getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def _scaled(picture: Image.Image, f: float) -> Image.Image:
    size = (max(1, round(picture.width * f)), max(1, round(picture.height * f)))
    return picture.resize(size, Image.Resampling.BICUBIC)


def _fit(picture: Image.Image, width: int, max_height: int) -> Image.Image:
    f = min(width / picture.width, max_height / picture.height)
    return _scaled(picture, f)


# --- family A: re-encoding, resizing, colour, blur/noise, stamps --------------------------


def jpeg(quality: int) -> Transform:
    return lambda im, rng: encoded(im, "JPEG", quality=quality)


def webp(quality: int) -> Transform:
    return lambda im, rng: encoded(im, "WEBP", quality=quality)


def palette_gif(im: Image.Image, rng: Rng) -> Image.Image:
    """256 colours with Floyd-Steinberg dithering, as a GIF file (what Pillow's GIF does)."""
    return encoded(im, "GIF")


def resized(f: float) -> Transform:
    return lambda im, rng: _scaled(im, f)


def enhanced(kind: type[ImageEnhance._Enhance], factor: float) -> Transform:
    return lambda im, rng: kind(im).enhance(factor)  # type: ignore[call-arg]


def greyscale(im: Image.Image, rng: Rng) -> Image.Image:
    return im.convert("L").convert("RGB")


def blurred(radius: float) -> Transform:
    return lambda im, rng: im.filter(ImageFilter.GaussianBlur(radius))


def noisy(sigma: float) -> Transform:
    def run(im: Image.Image, rng: Rng) -> Image.Image:
        shape = (im.height, im.width, 3)
        a = np.asarray(im, dtype=np.float32) + sigma * rng.standard_normal(shape, np.float32)
        return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")

    return run


def _corner(rng: Rng, im: Image.Image, w: int, h: int, margin: int) -> tuple[int, int]:
    right, bottom = bool(rng.integers(2)), bool(rng.integers(2))
    x = im.width - w - margin if right else margin
    y = im.height - h - margin if bottom else margin
    return x, y


def logo_stamp(im: Image.Image, rng: Rng) -> Image.Image:
    """A broadcaster-style logo, 8-12% of the width, in a corner, 85% opaque."""
    side = max(4, round(min(im.size) * rng.uniform(0.08, 0.12)))
    logo = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(logo)
    fill = (*colour(rng, 0, 200), 217)
    if rng.integers(2):
        draw.ellipse((0, 0, side - 1, side - 1), fill=fill)
    else:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=fill)
    letters = "".join(str(c) for c in rng.choice(list("ABCDEFGHKMNRTVXZ"), 2))
    size = max(6, side // 2)
    draw.text(
        (side / 2, side / 2), letters, fill=(255, 255, 255, 240), font=font(size), anchor="mm"
    )
    out = im.convert("RGBA")
    margin = max(1, round(min(im.size) * 0.03))
    out.alpha_composite(logo, _corner(rng, im, side, side, margin))
    return out.convert("RGB")


def text_stamp(im: Image.Image, rng: Rng) -> Image.Image:
    """A watermark line ("@handle", "Source: ..."), 4-6% of the height, white on a shadow."""
    text = str(rng.choice(["@newsdesk24", "Source: WorldWatch", "© Daily Report", "via @osint"]))
    size = max(6, round(im.height * rng.uniform(0.04, 0.06)))
    w = round(font(size).getlength(text))
    margin = max(1, round(min(im.size) * 0.03))
    x, y = _corner(rng, im, min(w, im.width - 2 * margin), size, margin)
    out = im.copy()
    draw = ImageDraw.Draw(out)
    draw.text((x + 1, y + 1), text, fill=(0, 0, 0), font=font(size))
    draw.text((x, y), text, fill=(255, 255, 255), font=font(size))
    return out


FAMILY_A: dict[str, Transform] = {
    "jpeg q10": jpeg(10),
    "jpeg q20": jpeg(20),
    "jpeg q30": jpeg(30),
    "webp q20": webp(20),
    "palette gif": palette_gif,
    "downscale 50%": resized(0.5),
    "downscale 25%": resized(0.25),
    "upscale 200%": resized(2.0),
    "brightness +30%": enhanced(ImageEnhance.Brightness, 1.3),
    "brightness -30%": enhanced(ImageEnhance.Brightness, 0.7),
    "contrast +40%": enhanced(ImageEnhance.Contrast, 1.4),
    "contrast -40%": enhanced(ImageEnhance.Contrast, 0.6),
    "saturation +60%": enhanced(ImageEnhance.Color, 1.6),
    "saturation -60%": enhanced(ImageEnhance.Color, 0.4),
    "greyscale": greyscale,
    "blur r=2": blurred(2.0),
    "noise sigma=15": noisy(15.0),
    "logo stamp": logo_stamp,
    "text stamp": text_stamp,
}


# --- family B: geometry and embedding ------------------------------------------------------

SIDES = ("left", "top", "right", "bottom")


def _crop_sides(im: Image.Image, sides: tuple[str, ...], f: float) -> Image.Image:
    dx, dy = round(im.width * f), round(im.height * f)
    left = dx if "left" in sides else 0
    top = dy if "top" in sides else 0
    right = im.width - (dx if "right" in sides else 0)
    bottom = im.height - (dy if "bottom" in sides else 0)
    return im.crop((left, top, max(left + 1, right), max(top + 1, bottom)))


def crop_one(f: float) -> Transform:
    """``f`` of the width or height off one side (which one: random)."""
    return lambda im, rng: _crop_sides(im, (str(rng.choice(SIDES)),), f)


def crop_two(f: float) -> Transform:
    """``f`` off each of two sides (any pair: adjacent or opposite)."""

    def run(im: Image.Image, rng: Rng) -> Image.Image:
        pair = rng.choice(4, 2, replace=False)
        return _crop_sides(im, tuple(SIDES[i] for i in pair), f)

    return run


def crop_all(f: float) -> Transform:
    """``f`` off every side: ``1 - 2f`` of each dimension kept, around the centre."""
    return lambda im, rng: _crop_sides(im, SIDES, f)


def padded(vertical: bool, black: bool) -> Transform:
    """Bars of 10-25% of the dimension on both ends: top/bottom (letterbox) or left/right
    (pillarbox); black, or one random colour."""

    def run(im: Image.Image, rng: Rng) -> Image.Image:
        fill = (0, 0, 0) if black else colour(rng, 30, 256)
        a, b = (
            round(rng.uniform(0.10, 0.25) * (im.height if vertical else im.width)) for _ in "ab"
        )
        if vertical:
            out = Image.new("RGB", (im.width, im.height + a + b), fill)
            out.paste(im, (0, a))
        else:
            out = Image.new("RGB", (im.width + a + b, im.height), fill)
            out.paste(im, (a, 0))
        return out

    return run


def caption_bar(above: bool) -> Transform:
    """A meme caption: a plain bar (white or black) 15-30% of the height, 1-2 lines of
    bold-ish text, above or below the picture."""

    def run(im: Image.Image, rng: Rng) -> Image.Image:
        bar = max(12, round(im.height * rng.uniform(0.15, 0.30)))
        dark = bool(rng.integers(3) == 0)
        bg, ink = ((0, 0, 0), (255, 255, 255)) if dark else ((255, 255, 255), (0, 0, 0))
        out = Image.new("RGB", (im.width, im.height + bar), bg)
        out.paste(im, (0, bar if above else 0))
        size = max(6, round(bar * 0.3))
        lines = _wrap(sentence(rng, 7).upper(), round(im.width * 0.9), size)[:2]
        y0 = (0 if above else im.height) + (bar - size * len(lines) * 1.2) / 2
        draw = ImageDraw.Draw(out)
        for i, line in enumerate(lines):
            pos = (im.width / 2, y0 + i * size * 1.2 + size / 2)
            for dx in (0, 1):  # a poor man's bold
                draw.text((pos[0] + dx, pos[1]), line, fill=ink, font=font(size), anchor="mm")
        return out

    return run


def mirror(im: Image.Image, rng: Rng) -> Image.Image:
    return ImageOps.mirror(im)


def turned(method: Image.Transpose) -> Transform:
    return lambda im, rng: im.transpose(method)


def _tilt_angle(rng: Rng) -> float:
    return float(rng.uniform(3.0, 5.0) * rng.choice([-1, 1]))


def tilt_filled(im: Image.Image, rng: Rng) -> Image.Image:
    """Turned 3-5 degrees either way, canvas grown, corners filled black or white."""
    fill = (0, 0, 0) if rng.integers(2) else (255, 255, 255)
    return im.rotate(_tilt_angle(rng), Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def inner_box(width: int, height: int, degrees: float) -> tuple[int, int, int, int]:
    """The largest upright box, centred, inside a ``width`` x ``height`` picture turned by
    ``degrees`` (no fill left in it)."""
    a = math.radians(abs(degrees))
    long, short = max(width, height), min(width, height)
    sin, cos = math.sin(a), math.cos(a)
    if short <= 2 * sin * cos * long or abs(sin - cos) < 1e-10:
        x = 0.5 * short
        w, h = (x / sin, x / cos) if width >= height else (x / cos, x / sin)
    else:
        cos2 = cos * cos - sin * sin
        w, h = (width * cos - height * sin) / cos2, (height * cos - width * sin) / cos2
    left, top = (width - w) / 2, (height - h) / 2
    return round(left), round(top), round(left + w), round(top + h)


def tilt_cropped(im: Image.Image, rng: Rng) -> Image.Image:
    """Turned 3-5 degrees either way and cut to the largest box with no fill in it."""
    angle = _tilt_angle(rng)
    return im.rotate(angle, Image.Resampling.BICUBIC).crop(inner_box(*im.size, angle))


# --- social-media post screenshots -------------------------------------------------------


@dataclass(frozen=True)
class PostTemplate:
    """Everything about a post screenshot except the photo in it."""

    dark: bool
    layout: str  # "tweet" (avatar left, card indented) | "feed" (photo edge to edge)
    width: int
    text_size: int
    name: str
    handle: str
    avatar: RGB
    text: str
    status_bar: bool
    counts: tuple[int, int, int]

    @property
    def bg(self) -> RGB:
        return (21, 32, 43) if self.dark else (255, 255, 255)

    @property
    def ink(self) -> RGB:
        return (231, 233, 234) if self.dark else (15, 20, 25)

    @property
    def grey(self) -> RGB:
        return (139, 152, 165) if self.dark else (83, 100, 113)


def make_template(rng: Rng, dark: bool | None = None, layout: str | None = None) -> PostTemplate:
    name = str(rng.choice(NAMES))
    return PostTemplate(
        dark=bool(rng.integers(2)) if dark is None else dark,
        layout=str(rng.choice(["tweet", "feed"])) if layout is None else layout,
        width=int(rng.integers(420, 640)),
        text_size=int(rng.integers(14, 19)),
        name=name,
        handle="@" + name.lower().replace(" ", "_").replace(".", ""),
        avatar=colour(rng, 40, 220),
        text=sentence(rng, int(rng.integers(6, 30))),
        status_bar=bool(rng.integers(2)),
        counts=(int(rng.integers(0, 999)), int(rng.integers(0, 9999)), int(rng.integers(0, 99999))),
    )


def _actions(draw: ImageDraw.ImageDraw, t: PostTemplate, x: int, y: int, w: int) -> None:
    """Reply / repost / like / share: small outline glyphs with counts."""
    size = t.text_size
    step = w // 4
    for i in range(4):
        gx = x + i * step
        if i == 0:
            draw.ellipse((gx, y, gx + size, y + size), outline=t.grey, width=2)
        elif i == 1:
            draw.rectangle((gx, y + 3, gx + size, y + size - 3), outline=t.grey, width=2)
        elif i == 2:
            draw.polygon(
                [(gx + size / 2, y + size), (gx, y + size / 3), (gx + size, y + size / 3)],
                outline=t.grey,
                width=2,
            )
        else:
            draw.line((gx + size / 2, y, gx + size / 2, y + size), fill=t.grey, width=2)
        if i < 3:
            draw.text((gx + size + 6, y), str(t.counts[i]), fill=t.grey, font=font(size - 2))


def post_screenshot(t: PostTemplate, photo: Image.Image | None) -> Image.Image:
    """A screenshot of a post made from template ``t`` around ``photo`` (None: text only)."""
    pad, size = 16, t.text_size
    avatar = 48
    indent = pad + avatar + 12 if t.layout == "tweet" else pad
    text_w = t.width - indent - pad
    lines = _wrap(t.text, text_w, size)
    photo_w = t.width - indent - pad if t.layout == "tweet" else t.width
    card = None if photo is None else _fit(photo, photo_w, round(photo_w * 1.25))
    status = 28 if t.status_bar else 0
    head = status + pad + avatar + 8
    text_h = round(len(lines) * size * 1.35)
    card_h = 0 if card is None else card.height + 12
    height = head + text_h + card_h + 2 * size + 3 * pad
    if t.layout == "tweet":
        height -= avatar - 8  # name on the avatar's line, text right under it
    out = Image.new("RGB", (t.width, height), t.bg)
    draw = ImageDraw.Draw(out)
    if t.status_bar:
        draw.text((pad, 6), "9:41", fill=t.ink, font=font(15))
        draw.rectangle((t.width - pad - 26, 9, t.width - pad, 20), outline=t.ink, width=2)
        draw.rectangle((t.width - pad - 24, 11, t.width - pad - 8, 18), fill=t.ink)
    y = status + pad
    draw.ellipse((pad, y, pad + avatar, y + avatar), fill=t.avatar)
    nx = pad + avatar + 12
    for dx in (0, 1):
        draw.text((nx + dx, y + 4), t.name, fill=t.ink, font=font(size + 1))
    name_w = round(font(size + 1).getlength(t.name))
    draw.text((nx + name_w + 8, y + 4), f"{t.handle} · 2h", fill=t.grey, font=font(size))
    y = y + 28 if t.layout == "tweet" else y + avatar + 10
    for line in lines:
        draw.text((indent, y), line, fill=t.ink, font=font(size))
        y += round(size * 1.35)
    if card is not None:
        y += 6
        x = indent if t.layout == "tweet" else 0
        mask = Image.new("L", card.size, 0)
        radius = 14 if t.layout == "tweet" else 0
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, card.width - 1, card.height - 1), radius, 255)
        out.paste(card, (x, y), mask)
        if t.layout == "tweet":
            rim = (56, 68, 77) if t.dark else (207, 217, 222)
            box = (x, y, x + card.width - 1, y + card.height - 1)
            draw.rounded_rectangle(box, radius, outline=rim, width=1)
        y += card.height + 6
    _actions(draw, t, indent, y + pad // 2, t.width - indent - pad)
    return out


def social_post(dark: bool) -> Transform:
    """The photo in a post screenshot; template (layout, width, text, counts...) random."""
    return lambda im, rng: post_screenshot(make_template(rng, dark=dark), im)


# --- re-photographed / screenshotted with a border -----------------------------------------


def _camera(im: Image.Image, rng: Rng) -> Image.Image:
    """What a second capture does: a little blur, a brightness shift, sensor noise, JPEG."""
    im = im.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.5, 1.2))))
    im = ImageEnhance.Brightness(im).enhance(float(rng.uniform(0.85, 1.15)))
    im = noisy(float(rng.uniform(2.0, 6.0)))(im, rng)
    return encoded(im, "JPEG", quality=int(rng.integers(70, 90)))


def rephoto_frame(im: Image.Image, rng: Rng) -> Image.Image:
    """Scaled down to 50-80%, inside a frame or mat of another colour 5-15% wide, then a
    second capture (blur, brightness, noise, JPEG)."""
    shot = _scaled(im, float(rng.uniform(0.5, 0.8)))
    b = round(max(shot.size) * rng.uniform(0.05, 0.15))
    out = Image.new("RGB", (shot.width + 2 * b, shot.height + 2 * b), colour(rng))
    out.paste(shot, (b, b))
    return _camera(out, rng)


def rephoto_bezel(im: Image.Image, rng: Rng) -> Image.Image:
    """Scaled down, on a screen: a dark (or silver) rounded device bezel, a desk or wall
    around the device, then a second capture."""
    shot = _scaled(im, float(rng.uniform(0.5, 0.8)))
    b = round(max(shot.size) * rng.uniform(0.05, 0.10))
    bezel = (20, 20, 22) if rng.integers(3) else (190, 192, 196)
    around = round(max(shot.size) * rng.uniform(0.03, 0.10))
    w, h = shot.width + 2 * (b + around), shot.height + 2 * (b + around)
    out = Image.new("RGB", (w, h), colour(rng, 60, 200))
    draw = ImageDraw.Draw(out)
    draw.rounded_rectangle((around, around, w - around, h - around), b, fill=bezel)
    out.paste(shot, (around + b, around + b))
    return _camera(out, rng)


def phone_viewer(im: Image.Image, rng: Rng) -> Image.Image:
    """A phone screenshot of the photo in a viewer: 9:19.5 black (or white) screen, status
    bar, the photo fitted to the width, a toolbar below."""
    width = int(rng.integers(360, 540))
    height = round(width * 19.5 / 9)
    dark = bool(rng.integers(4))
    bg, ink = ((0, 0, 0), (255, 255, 255)) if dark else ((255, 255, 255), (0, 0, 0))
    out = Image.new("RGB", (width, height), bg)
    shot = _fit(im, width, round(height * 0.75))
    out.paste(shot, ((width - shot.width) // 2, (height - shot.height) // 2))
    draw = ImageDraw.Draw(out)
    draw.text((16, 8), "9:41", fill=ink, font=font(16))
    draw.rectangle((width - 44, 10, width - 16, 22), outline=ink, width=2)
    for i in range(4):
        x = round(width * (0.15 + 0.23 * i))
        draw.ellipse((x, height - 52, x + 22, height - 30), outline=ink, width=2)
    return out


FAMILY_B: dict[str, Transform] = {
    "crop 10% one side": crop_one(0.10),
    "crop 20% one side": crop_one(0.20),
    "crop 10% two sides": crop_two(0.10),
    "crop 20% two sides": crop_two(0.20),
    "crop 10% all sides": crop_all(0.10),
    "crop 20% all sides": crop_all(0.20),
    "letterbox black": padded(vertical=True, black=True),
    "letterbox colour": padded(vertical=True, black=False),
    "pillarbox black": padded(vertical=False, black=True),
    "pillarbox colour": padded(vertical=False, black=False),
    "caption bar above": caption_bar(above=True),
    "caption bar below": caption_bar(above=False),
    "mirror": mirror,
    "rotate 90": turned(Image.Transpose.ROTATE_90),
    "rotate 180": turned(Image.Transpose.ROTATE_180),
    "rotate 270": turned(Image.Transpose.ROTATE_270),
    "tilt 3-5° filled": tilt_filled,
    "tilt 3-5° cropped": tilt_cropped,
    "post screenshot light": social_post(dark=False),
    "post screenshot dark": social_post(dark=True),
    "rephoto frame": rephoto_frame,
    "rephoto bezel": rephoto_bezel,
    "phone viewer screenshot": phone_viewer,
}


# --- look-alike negatives ---------------------------------------------------------------


def fixed_templates(rng: Rng, n: int) -> list[PostTemplate]:
    """``n`` post templates (light and dark, both layouts) for the same-template sets."""
    return [
        make_template(rng, dark=bool(i % 2), layout=("tweet", "feed")[(i // 2) % 2])
        for i in range(n)
    ]


def text_post(t: PostTemplate, rng: Rng) -> Image.Image:
    """A post with no photo: the template with its own text (4-60 words)."""
    return post_screenshot(replace(t, text=sentence(rng, int(rng.integers(4, 60)))), None)


def text_page(rng: Rng) -> Image.Image:
    """A page of text (article, document, chat export), light or dark, 20-40 lines."""
    width = int(rng.integers(400, 800))
    height = round(width * rng.uniform(1.2, 1.6))
    dark = bool(rng.integers(3) == 0)
    bg, ink = ((30, 30, 30), (220, 220, 220)) if dark else ((252, 252, 250), (25, 25, 25))
    out = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(out)
    size = int(rng.integers(12, 18))
    margin = int(rng.integers(20, 60))
    y = margin
    if rng.integers(2):  # a headline
        for line in _wrap(sentence(rng, 8).title(), width - 2 * margin, size * 2)[:2]:
            draw.text((margin, y), line, fill=ink, font=font(size * 2))
            y += round(size * 2.6)
    text = sentence(rng, 400)
    for line in _wrap(text, width - 2 * margin, size):
        if y > height - margin - size:
            break
        draw.text((margin, y), line, fill=ink, font=font(size))
        y += round(size * rng.uniform(1.3, 1.6))
    return out


def blank_frames(rng: Rng) -> dict[str, Image.Image]:
    """Blank, dark, single-colour frames and near-uniform gradients, a few with noise or a
    JPEG pass (as a frame grab would have); sizes vary."""

    def size() -> tuple[int, int]:
        w = int(rng.integers(200, 900))
        return w, max(100, round(w * rng.choice([0.5625, 0.75, 1.0, 1.333, 2.0])))

    def flat(c: RGB) -> Image.Image:
        return Image.new("RGB", size(), c)

    def gradient(a: RGB, b: RGB, direction: str) -> Image.Image:
        w, h = size()
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        if direction == "r":  # radial, from the centre out
            t = np.hypot(x / w - 0.5, y / h - 0.5) / 0.71
        else:
            t = {"h": x / w, "v": y / h, "d": (x / w + y / h) / 2}[direction]
        pixels = np.asarray(a, np.float32) + t[..., None] * (np.subtract(b, a, dtype=np.float32))
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")

    def grain(im: Image.Image, sigma: float) -> Image.Image:
        return noisy(sigma)(im, rng)

    out = {
        "white": flat((255, 255, 255)),
        "black": flat((0, 0, 0)),
        "mid grey": flat((128, 128, 128)),
        "dark (faint noise)": grain(flat((12, 12, 14)), 3.0),
        "dark frame jpeg": encoded(grain(flat((5, 5, 8)), 2.0), "JPEG", quality=60),
        "near white (noise)": grain(flat((245, 245, 240)), 3.0),
        "sky gradient": gradient((120, 170, 230), (200, 225, 250), "v"),
        "dusk gradient": gradient((20, 20, 40), (60, 40, 70), "v"),
        "grey ramp": gradient((100, 100, 100), (140, 140, 140), "h"),
        "diagonal ramp": grain(gradient((30, 60, 30), (60, 90, 60), "d"), 2.0),
        "vignette": gradient((60, 60, 60), (5, 5, 5), "r"),
    }
    for i in range(5):
        out[f"single colour {i}"] = flat(colour(rng))
    out["single colour jpeg"] = encoded(flat(colour(rng)), "JPEG", quality=30)
    return out
