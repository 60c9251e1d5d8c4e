"""CONCAT: the full song of an extend chain, source[0:continue_at] + ... + the last extension, as one clip."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.media import clips, ffmpeg
from songforge.media.source import ClipInfo, TaskInfo, fetch_audio, load_clip

if TYPE_CHECKING:
    from songforge.runtime import Runtime

MAX_CHAIN = 100


def chain(rt: Runtime, last: ClipInfo) -> list[tuple[ClipInfo, float | None]]:
    """(clip, cut point) from the original clip to ``last``; the last segment is played whole."""
    segments: list[tuple[ClipInfo, float | None]] = [(last, None)]
    seen = {last.id}
    current = last
    while current.meta.get("history"):
        entry = current.meta["history"][0]
        source = load_clip(rt, str(entry.get("id", "")), last.key_id)
        if source.id in seen or len(segments) >= MAX_CHAIN:
            raise ffmpeg.MediaError("the extend history loops", code="invalid_request")
        seen.add(source.id)
        cut = entry.get("continue_at")
        segments.insert(0, (source, float(cut) if cut is not None else None))
        current = source
    return segments


def _join(rt: Runtime, segments: list[tuple[ClipInfo, float | None]], work: Path) -> Path:
    inputs: list[str] = []
    graph = ""
    for i, (clip, cut) in enumerate(segments):
        inputs += ["-i", str(fetch_audio(rt, clip, work))]
        trim = f"atrim=end={cut:.3f}," if cut is not None else ""
        graph += f"[{i}:a]{trim}asetpts=PTS-STARTPTS,aformat=sample_rates=44100:channel_layouts=stereo[a{i}];"
    graph += "".join(f"[a{i}]" for i in range(len(segments))) + f"concat=n={len(segments)}:v=0:a=1[out]"
    out = work / "concat.mp3"
    ffmpeg.run([*inputs, "-filter_complex", graph, "-map", "[out]", "-c:a", "libmp3lame", "-b:a", "192k", str(out)])
    return out


def _words(segments: list[tuple[ClipInfo, float | None]]) -> list[dict[str, Any]]:
    words, offset = [], 0.0
    for clip, cut in segments:
        end = cut if cut is not None else clip.duration
        for w in clip.aligned_words:
            if float(w.get("start_s", 0.0)) < end:
                words.append({**w, "start_s": round(float(w["start_s"]) + offset, 3),
                              "end_s": round(min(float(w.get("end_s", 0.0)), end) + offset, 3)})
        offset += end
    return words


def run(rt: Runtime, task: TaskInfo, work: Path) -> None:
    """Make and finish the task's one concat clip."""
    last = load_clip(rt, task.parent_id, task.key_id)
    segments = chain(rt, last)
    history = [{"id": c.id, "continue_at": cut, "type": c.clip_type, "source": "web",
                "infill": bool(task.options.get("is_infill"))} for c, cut in segments]
    spec = {"title": last.title, "tags": last.tags, "lyrics": "\n".join(c.lyrics for c, _ in segments if c.lyrics),
            "model_name": last.model_name, "clip_type": "concat", "has_vocal": any(c.has_vocal for c, _ in segments),
            "meta": {"type": "concat", "task": "concat", "concat_history": history}}
    clip_id = clips.ensure_clips(rt, task.id, [spec])[0]
    clips.update_clip(rt, task.id, 0, **spec)  # the raw /suno/generate/concat route made the clip up front
    audio = _join(rt, segments, work)
    key = f"clips/{clip_id}/audio.mp3"
    rt.store.put_file(key, audio)
    files: dict[str, Any] = {"mp3": key}
    if last.files.get("png"):
        files["png"] = last.files["png"]
    clips.finish(rt, task.id, 0, files, ffmpeg.probe(audio).duration, _words(segments))
