"""ASS subtitles for the music video: lyric lines from a clip's aligned words, plus an optional watermark."""

from __future__ import annotations

from typing import Any

WORDS_PER_LINE = 6  # when the engine gave no line numbers
HEADER = """[Script Info]
ScriptType: v4.00+
PlayResX: 854
PlayResY: 480
WrapStyle: 0

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, \
Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, \
MarginV, Encoding
Style: Lyric,DejaVu Sans,28,&H00FFFFFF,&H00FFFFFF,&H60000000,&H60000000,1,0,0,0,100,100,0,0,3,6,0,8,30,30,30,1
Style: Mark,DejaVu Sans,14,&H60FFFFFF,&H60FFFFFF,&H80000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,3,12,12,3,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
"""


# Lyric lines sit in a translucent box (BorderStyle 3) so they stay readable over any cover art, including
# covers that carry their own title where the caption goes.


def _time(seconds: float) -> str:
    cs = max(0, int(round(seconds * 100)))
    return f"{cs // 360000}:{cs // 6000 % 60:02d}:{cs // 100 % 60:02d}.{cs % 100:02d}"


def _clean(text: str) -> str:
    # ASS treats braces as override blocks and backslashes as escapes; section tags are not sung
    return " ".join(text.replace("{", "(").replace("}", ")").replace("\\", "/").split())


def lines(words: list[dict[str, Any]]) -> list[tuple[float, float, str]]:
    """(start, end, text) per lyric line; section tags like "[Verse]" are dropped."""
    groups: dict[int, list[dict[str, Any]]] = {}
    numbered = any(int(w.get("line_index", 0)) for w in words)
    for n, word in enumerate(words):
        groups.setdefault(int(word.get("line_index", 0)) if numbered else n // WORDS_PER_LINE, []).append(word)
    out = []
    for _, group in sorted(groups.items()):
        text = " ".join(_clean(str(w.get("word", ""))) for w in group)
        text = " ".join(t for t in text.split() if not (t.startswith("[") or t.endswith("]")))
        if text:
            out.append((float(group[0].get("start_s", 0.0)), float(group[-1].get("end_s", 0.0)), text))
    # keep each line up until the next one starts so the screen is never blank mid-verse
    return [(s, max(e, out[i + 1][0] if i + 1 < len(out) else e + 1.0), t) for i, (s, e, t) in enumerate(out)]


def build(words: list[dict[str, Any]], duration: float, watermark: str = "") -> str:
    """The whole .ass file."""
    events = [f"Dialogue: 0,{_time(s)},{_time(e)},Lyric,,0,0,0,,{t}" for s, e, t in lines(words)]
    if watermark:
        events.append(f"Dialogue: 1,{_time(0)},{_time(duration + 1)},Mark,,0,0,0,,{_clean(watermark)}")
    return HEADER + "\n".join(events) + "\n"
