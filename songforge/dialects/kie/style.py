"""Rule-based "style boost": expands terse style words into a richer style prompt (no model needed)."""

from __future__ import annotations

import re

# Descriptors added after a recognised style word; chosen to read like Suno style prompts.
EXPANSIONS = {
    "pop": "catchy hooks, polished production, bright synths",
    "rock": "driving electric guitars, punchy drums, gritty energy",
    "metal": "distorted riffs, double-kick drums, aggressive vocals",
    "jazz": "swinging rhythm, extended chords, warm upright bass",
    "blues": "soulful bends, shuffle groove, expressive vocals",
    "classical": "orchestral strings, dynamic phrasing, concert hall reverb",
    "piano": "expressive piano, gentle dynamics, intimate room sound",
    "hip hop": "boom-bap drums, deep bass, rhythmic flow",
    "rap": "tight rhythmic delivery, hard-hitting beat, heavy 808s",
    "edm": "four-on-the-floor kick, soaring build-ups, euphoric drops",
    "electronic": "layered synthesizers, pulsing bass, crisp programmed drums",
    "house": "steady four-on-the-floor groove, warm chords, club energy",
    "lofi": "dusty vinyl texture, mellow keys, laid-back beat",
    "lo-fi": "dusty vinyl texture, mellow keys, laid-back beat",
    "folk": "acoustic guitar, heartfelt storytelling, organic feel",
    "country": "twangy guitars, steady backbeat, heartfelt vocals",
    "r&b": "smooth grooves, lush harmonies, silky vocals",
    "soul": "warm horns, gospel-tinged vocals, groovy bass",
    "reggae": "offbeat skank guitar, deep bass, relaxed groove",
    "ambient": "evolving pads, spacious reverb, slow textures",
    "cinematic": "epic orchestration, swelling strings, dramatic percussion",
    "funk": "slap bass, tight horn stabs, syncopated groove",
    "mysterious": "dark minor harmonies, subtle tension, haunting atmosphere",
    "happy": "uplifting major melodies, bouncy rhythm",
    "sad": "melancholic chords, slow tempo, emotional delivery",
    "calm": "soft dynamics, gentle tempo, soothing tones",
    "energetic": "fast tempo, driving rhythm, high energy",
    "romantic": "tender melodies, warm harmonies, intimate mood",
    "dark": "brooding low end, minor key, ominous mood",
    "epic": "grand arrangement, powerful crescendos, anthemic feel",
}
FALLBACK = "rich arrangement, clear mix, expressive performance"


def boost(content: str) -> str:
    """``content``'s style words followed by matching descriptors (deduplicated, input order kept)."""
    words = [w.strip() for w in re.split(r"[,;/\n]+", content) if w.strip()]
    extras: list[str] = []
    for word in words:
        extra = EXPANSIONS.get(word.lower())
        if extra is None:
            extra = next((v for k, v in EXPANSIONS.items() if k in word.lower()), "")
        for part in extra.split(", "):
            if part and part not in extras:
                extras.append(part)
    return ", ".join(words + (extras or FALLBACK.split(", ")))
