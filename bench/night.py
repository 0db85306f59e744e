"""Night and low-light copies, made the way a sensor makes them (a second generator, apart
from ``transforms.py``'s Pillow edits): the picture back to linear light, exposure cut by
some stops, photon (Poisson) noise for a small sensor's full well and Gaussian read noise,
an optional sodium-lamp cast, back to sRGB and JPEG. One kind brightens the dark copy
again, as an analyst boosting exposure does (noise and clipping included).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

Rng = np.random.Generator
Transform = Callable[[Image.Image, Rng], Image.Image]

FULL_WELL = 3000.0  # electrons at white: a phone sensor at night ISO
READ_NOISE = 3.0  # electrons


def _linear(picture: Image.Image) -> np.ndarray:
    srgb = np.asarray(picture.convert("RGB"), np.float32) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0, 1)
    out = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    return (out * 255 + 0.5).astype(np.uint8)


def _jpeg(pixels: np.ndarray, quality: int) -> Image.Image:
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return Image.open(io.BytesIO(data.tobytes())).convert("RGB")


def exposed(
    picture: Image.Image, rng: Rng, stops: float, noise: bool, cast: bool = False
) -> np.ndarray:
    """Linear light after cutting ``stops`` of exposure, with sensor noise."""
    light = _linear(picture) * 2.0 ** (-stops)
    if cast:  # sodium street light: orange, little blue
        light *= np.array([1.0, 0.62, 0.22], np.float32)
    if noise:
        electrons = rng.poisson(np.clip(light, 0, 1) * FULL_WELL).astype(np.float32)
        electrons += rng.normal(0, READ_NOISE, electrons.shape).astype(np.float32)
        light = electrons / FULL_WELL
    return light


def night(stops: float, noise: bool = True, cast: bool = False, quality: int = 75) -> Transform:
    return lambda im, rng: _jpeg(_srgb(exposed(im, rng, stops, noise, cast)), quality)


def brightened(stops: float) -> Transform:
    """A dark noisy copy pushed back up by the same stops (clipped), then re-saved."""

    def run(im: Image.Image, rng: Rng) -> Image.Image:
        dark = _srgb(exposed(im, rng, stops, noise=True))
        light = _linear(Image.fromarray(dark)) * 2.0**stops
        return _jpeg(_srgb(light), 85)

    return run


def video_frame(stops: float) -> Transform:
    """A dusk video frame: dark, noisy, 640 wide, heavily compressed."""

    def run(im: Image.Image, rng: Rng) -> Image.Image:
        dark = Image.fromarray(_srgb(exposed(im, rng, stops, noise=True)))
        f = 640 / max(dark.size)
        if f < 1:
            dark = dark.resize(
                (round(dark.width * f), round(dark.height * f)), Image.Resampling.BILINEAR
            )
        return _jpeg(np.asarray(dark), 40)

    return run


FAMILY_N: dict[str, Transform] = {
    "night -3 stops": night(3, noise=False),
    "night -3 stops noisy": night(3),
    "night -4 stops noisy": night(4),
    "night -5 stops noisy": night(5),
    "night -6 stops noisy": night(6),
    "sodium light -3 stops": night(3, cast=True),
    "night brightened": brightened(4),
    "dusk video frame": video_frame(3),
}
