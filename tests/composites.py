"""Pictures made of other pictures, for the seen-before tests: a photo inside a post
screenshot, two photos side by side. Made by the tests from the real photos in data/."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageOps


def post_with(photo: Path, out: Path) -> Path:
    """The photo inside a post's chrome: a header, a line of text, buttons below."""
    picture = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    picture.thumbnail((560, 560))
    canvas = Image.new("RGB", (600, picture.height + 240), "white")
    draw = ImageDraw.Draw(canvas)
    draw.ellipse((20, 20, 70, 70), fill=(29, 155, 240))
    draw.text((85, 30), "News Desk @newsdesk · 2h", fill="black", font_size=22)
    draw.text((20, 90), "Footage from this morning", fill="black", font_size=20)
    canvas.paste(picture, (20, 130))
    draw.text((20, picture.height + 160), "Reply   Repost   Like", fill="grey", font_size=18)
    canvas.save(out)
    return out


def side_by_side(photos: list[Path], out: Path) -> Path:
    """Photos next to each other on one white canvas: no hash view of it meets any."""
    canvas = Image.new("RGB", (450 * len(photos), 340), "white")
    for n, path in enumerate(photos):
        picture = Image.open(path).convert("RGB")
        picture.thumbnail((410, 300))
        canvas.paste(picture, (20 + 450 * n, 20))
    canvas.save(out)
    return out
