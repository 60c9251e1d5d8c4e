"""Cover art: a seed-derived gradient with circles and waves, title and style drawn in DejaVu."""

from __future__ import annotations

import colorsys
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SIZE = 768


def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:  # fonts-dejavu-core missing: Pillow's own bitmap font still gives a cover
        return ImageFont.load_default()


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def cover(path: Path, title: str, style: str, seed: int) -> Path:
    """Draw and save a PNG cover; the same seed and text give the same image."""
    rng = np.random.default_rng(seed)
    hue = float(rng.random())
    top, bottom = np.array(_rgb(hue, 0.7, 0.35)), np.array(_rgb(hue + 0.15, 0.8, 0.85))
    ramp = np.linspace(0.0, 1.0, SIZE)[:, None, None]
    img = Image.fromarray((top * (1 - ramp) + bottom * ramp).repeat(SIZE, axis=1).astype(np.uint8), "RGB")
    layer = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for _ in range(int(rng.integers(5, 10))):
        cx, cy = (int(v) for v in rng.integers(0, SIZE, 2))
        r = int(rng.integers(40, 260))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgb(hue + float(rng.random()) * 0.3, 0.5, 1.0) + (60,))
    xs = np.arange(0, SIZE, 4)
    for k in range(3):
        amp, freq, base = float(rng.uniform(10, 40)), float(rng.uniform(1, 4)), SIZE * (0.55 + 0.08 * k)
        pts = [(int(x), int(base + amp * np.sin(2 * np.pi * freq * x / SIZE + k))) for x in xs]
        draw.line(pts, fill=(255, 255, 255, 90), width=3)
    img = Image.alpha_composite(img.convert("RGBA"), layer)
    text = ImageDraw.Draw(img)
    y = 60
    for line in textwrap.wrap(title or "Untitled", 18)[:3]:
        text.text((48, y), line, font=_font("DejaVuSans-Bold.ttf", 64), fill=(255, 255, 255, 255))
        y += 76
    text.text((48, SIZE - 90), textwrap.shorten(style or "songforge", 48), font=_font("DejaVuSans.ttf", 30),
              fill=(255, 255, 255, 220))
    img.convert("RGB").save(path, format="PNG", optimize=False)
    return path
