"""MP4 music video: cover image, a live waveform and lyric captions over the clip's audio (ffmpeg)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.media import artwork, ffmpeg, subtitles
from songforge.media.source import TaskInfo, fetch, fetch_audio, load_clip, set_clip_files

if TYPE_CHECKING:
    from songforge.runtime import Runtime

SIZE = "854x480"
FPS = "15"
# Cover letterboxed onto the frame, the waveform along the bottom; captions on top (the cover carries its own
# title in its lower half) and the watermark in the bottom-right corner (libass).
GRAPH = ("[0:v]scale=854:480:force_original_aspect_ratio=decrease,pad=854:480:(ow-iw)/2:(oh-ih)/2:color=0x101018,"
         "setsar=1[bg];[1:a]showwaves=s=854x110:mode=cline:colors=white@0.75:rate=" + FPS + "[w];"
         "[bg][w]overlay=0:H-h-20:shortest=1,ass=lyrics.ass,format=yuv420p[v]")


def watermark(options: dict[str, Any]) -> str:
    """"author · domain" from the KIE options (each at most 50 characters), or ""."""
    parts = [str(options.get(k) or "").strip()[:50] for k in ("author", "domainName")]
    return " · ".join(p for p in parts if p)


def render(rt: Runtime, task: TaskInfo, work: Path) -> Path:
    """Make the video file in ``work``."""
    clip = load_clip(rt, task.parent_id, task.key_id)
    audio = fetch_audio(rt, clip, work)
    if clip.files.get("png"):
        cover = fetch(rt, str(clip.files["png"]), work, "cover.png")
    else:
        cover = artwork.save(clip.title, clip.tags, artwork.seed_of(clip.id), work / "cover.png", size=480)
    duration = clip.duration or ffmpeg.probe(audio).duration
    (work / "lyrics.ass").write_text(subtitles.build(clip.aligned_words, duration, watermark(task.options)),
                                     encoding="utf-8")
    codec = ["-c:a", "copy"] if audio.suffix == ".mp3" else ["-c:a", "aac", "-b:a", "160k"]
    out = work / "video.mp4"
    ffmpeg.run(["-loop", "1", "-framerate", FPS, "-i", str(cover), "-i", str(audio), "-filter_complex", GRAPH,
                "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
                "-crf", "30", *codec, "-shortest", "-movflags", "+faststart", str(out)], cwd=work)
    return out


def run(rt: Runtime, task: TaskInfo, work: Path) -> dict[str, Any]:
    """``{"mp4_key"}``; the clip's ``files["mp4"]`` is set too."""
    video = render(rt, task, work)
    key = f"clips/{task.parent_id}/video.mp4"
    rt.store.put_file(key, video)
    set_clip_files(rt, task.parent_id, {"mp4": key})
    return {"mp4_key": key}
