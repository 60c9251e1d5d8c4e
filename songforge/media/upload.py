"""UPLOAD: validate uploaded (or URL-imported) audio with ffprobe, transcode it and make the upload clip."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from songforge.errors import SourceFetchFailed
from songforge.media import artwork, clips, ffmpeg, separate
from songforge.media.ffmpeg import MediaError
from songforge.media.source import TaskInfo
from songforge.task.models import Task
from songforge.upload import fetch
from songforge.upload.models import Upload

if TYPE_CHECKING:
    from songforge.runtime import Runtime

MIN_SECONDS = 6.0
VOCAL_RATIO = 0.35  # share of energy in the (rough) vocal estimate above which we say has_vocal


def _load(rt: Runtime, upload_id: str) -> Upload:
    with rt.db.read() as s:
        upload = s.get(Upload, upload_id)
        if upload is None:
            raise MediaError(f"upload not found: {upload_id}", code="source_missing")
        s.expunge(upload)
        return upload


def _raw_file(rt: Runtime, upload: Upload, task: TaskInfo, work: Path) -> Path:
    if upload.blob_key:
        return rt.store.fetch(upload.blob_key, work / f"raw.{upload.extension}")
    if not upload.source_url:
        raise MediaError("no file was uploaded", code="invalid_audio")
    try:
        return fetch.obtain(rt, upload.source_url, str(task.params.get("_base_url", "")), upload.key_id,
                            work / "raw.download", rt.settings.storage.max_upload_bytes)
    except SourceFetchFailed as exc:
        raise MediaError(exc.message, code="source_fetch_failed") from exc


def validate(path: Path, max_seconds: float) -> ffmpeg.Probe:
    """The probe of an acceptable upload; MediaError saying what is wrong otherwise."""
    info = ffmpeg.probe(path)
    if not info.has_audio:
        raise MediaError("the file has no audio stream", code="invalid_audio")
    if info.duration < MIN_SECONDS:
        raise MediaError(f"audio is too short ({info.duration:.1f} s); the minimum is {MIN_SECONDS:.0f} s",
                         code="invalid_audio")
    if info.duration > max_seconds:
        raise MediaError(f"audio is too long ({info.duration:.1f} s); the maximum is {max_seconds:.0f} s",
                         code="invalid_audio")
    return info


def _mark(rt: Runtime, upload_id: str, **fields: Any) -> None:
    with rt.db.write() as s:
        upload = s.get(Upload, upload_id)
        if upload is not None:
            for name, value in fields.items():
                setattr(upload, name, value)


def run(rt: Runtime, task: TaskInfo, work: Path) -> None:
    """Make and finish the task's one clip (``clip_type="upload"``); the upload row follows along."""
    upload_id = str(task.options.get("upload_id") or task.id)
    upload = _load(rt, upload_id)
    try:
        raw = _raw_file(rt, upload, task, work)
        info = validate(raw, float(task.options.get("max_seconds") or rt.settings.storage.max_upload_seconds))
        mp3 = ffmpeg.to_mp3(raw, work / "audio.mp3")
        wav = ffmpeg.to_wav(raw, work / "audio.wav")
        has_vocal = separate.vocal_ratio(wav, work) > VOCAL_RATIO
    except MediaError as exc:
        _mark(rt, upload_id, status="error", error_message=exc.message)
        raise
    title = Path(upload.filename).stem or "Uploaded audio"
    spec = {"id": upload.clip_id or task.id, "title": title, "clip_type": "upload", "has_vocal": has_vocal,
            "model_name": "", "meta": {"type": "upload"}}
    clip_id = clips.ensure_clips(rt, task.id, [spec])[0]
    cover = artwork.save(title, "", artwork.seed_of(clip_id), work / "cover.png", 512)
    files = {"mp3": f"clips/{clip_id}/audio.mp3", "wav": f"clips/{clip_id}/audio.wav", "png": f"clips/{clip_id}/cover.png"}
    for role, path in (("mp3", mp3), ("wav", wav), ("png", cover)):
        rt.store.put_file(files[role], path)
    with rt.db.write() as s:
        row = s.get(Upload, upload_id)
        owner = s.get(Task, task.id)
        assert row is not None and owner is not None
        row.status, row.clip_id, row.duration, row.has_vocal = "complete", clip_id, info.duration, has_vocal
        row.error_message = ""
        rt.tasks.clip_finished(s, owner, 0, files=files, duration=info.duration, aligned_words=[], engine_data={})
