"""Seed-derived cover artwork with Pillow: a gradient, soft shapes, the title and the style."""

from __future__ import annotations

import hashlib
import random
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def seed_of(*parts: str) -> int:
    """A stable integer seed from strings."""
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu when installed, else Pillow's built-in font."""
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def _gradient(rng: random.Random, size: int) -> Image.Image:
    top = np.array([rng.randrange(20, 140) for _ in range(3)], dtype=np.float32)
    bottom = np.array([rng.randrange(90, 255) for _ in range(3)], dtype=np.float32)
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]
    rows = (top + (bottom - top) * t).astype(np.uint8)  # (size, 1, 3)
    return Image.fromarray(np.repeat(rows, size, axis=1), "RGB")


def render(title: str, style: str, seed: int, size: int = 1024) -> Image.Image:
    """One square cover."""
    rng = random.Random(seed)
    img = _gradient(rng, size)
    shapes = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(shapes)
    for _ in range(rng.randrange(4, 9)):
        r = rng.randrange(size // 10, size // 3)
        x, y = rng.randrange(size), rng.randrange(size)
        colour = tuple(rng.randrange(256) for _ in range(3)) + (rng.randrange(50, 130),)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    # blur a quarter-size copy: same soft look, a fraction of the cost
    small = shapes.resize((size // 4, size // 4)).filter(ImageFilter.GaussianBlur(size // 240 or 1))
    img = Image.alpha_composite(img.convert("RGBA"), small.resize((size, size), Image.Resampling.BILINEAR))
    text = ImageDraw.Draw(img)
    lines = textwrap.wrap(title or "Untitled", 18)[:3]
    top = size * 0.62  # the text sits in the lower third
    for line in lines:
        text.text((size * 0.07, top), line, font=font(size // 12), fill="white", stroke_width=3, stroke_fill="black")
        top += size / 10
    if style:
        text.text((size * 0.07, top + size * 0.02), textwrap.shorten(style, 48, placeholder="…"),
                  font=font(size // 28, bold=False), fill=(240, 240, 240), stroke_width=2, stroke_fill="black")
    return img.convert("RGB")


def save(title: str, style: str, seed: int, dest: Path, size: int = 1024) -> Path:
    """Render and write a PNG."""
    render(title, style, seed, size).save(dest, format="PNG")
    return dest
