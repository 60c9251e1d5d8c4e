"""Media jobs on real testtone clips, real ffmpeg and both databases: each derivative's result and files."""

from __future__ import annotations

import io
import wave

import numpy as np
from PIL import Image

from songforge.media.jobs import run_sync
from songforge.queue.models import Job
from songforge.task.models import Action, ClipStatus, TaskStatus
from tests.conftest import run_jobs
from tests.media.conftest import clip_of, derive, ffprobe, submit, task_of


def _first_clip(rt, song_id):
    return task_of(rt, song_id).clips[0]


def test_wav_of_an_engine_clip_is_the_wav_the_engine_stored(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.WAV, clip.id)
    assert task.status == TaskStatus.COMPLETE and task.result == {"wav_key": clip.files["wav"]}


def test_wav_of_a_clip_without_one_is_decoded_from_the_mp3_and_remembered(rt, caller, song):
    clip = _first_clip(rt, song())
    with rt.db.write() as s:
        row = s.get(type(clip), clip.id)
        row.files = {k: v for k, v in row.files.items() if k != "wav"}
    task = derive(rt, caller, Action.WAV, clip.id)
    key = task.result["wav_key"]
    assert key == f"clips/{clip.id}/audio.wav" and clip_of(rt, clip.id).files["wav"] == key
    with wave.open(str(rt.store.fetch(key, rt.settings.data_dir / "x.wav"))) as w:
        assert w.getframerate() == 44100 and abs(w.getnframes() / 44100 - clip.duration) < 0.2


def test_separate_vocal_gives_the_engine_vocal_and_instrumental_stems(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.STEMS, clip.id, type="separate_vocal")
    assert task.result == {"type": "separate_vocal", "origin_key": clip.files["mp3"],
                           "stems": {"Vocals": clip.files["vocal"], "Instrumental": clip.files["instrumental"]}}


def test_split_stem_adds_every_instrument_stem_the_engine_stored(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.STEMS, clip.id, type="split_stem")
    stems = task.result["stems"]
    assert set(stems) == {"Vocals", "Instrumental", "Drums", "Bass"} and stems["Drums"] == clip.files["stems"]["Drums"]


def test_stems_of_an_instrumental_clip_have_silent_vocals(rt, caller, song):
    clip = _first_clip(rt, song(instrumental=True, lyrics=""))
    task = derive(rt, caller, Action.STEMS, clip.id)
    vocals = rt.store.fetch(task.result["stems"]["Vocals"], rt.settings.data_dir / "v.wav")
    with wave.open(str(vocals)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    assert frames.size > 0 and not frames.any()


def test_unknown_stem_type_fails_the_task_and_refunds(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.STEMS, clip.id, type="twelve")
    assert task.status == TaskStatus.FAILED and task.error_code == "invalid_request"
    assert "separate_vocal" in task.error_message and task.params.get("_refunded") is True


def test_midi_lists_the_stored_notes_in_seconds_with_velocity_between_0_and_1(rt, caller, song):
    clip = _first_clip(rt, song())
    result = derive(rt, caller, Action.MIDI, clip.id).result
    assert result["state"] == "complete"
    [inst] = result["instruments"]
    assert inst["name"] == "Acoustic Grand Piano"
    assert inst["notes"] == [{"pitch": 60, "start": 0.0, "end": 0.5, "velocity": round(100 / 127, 3)}]


def test_mp4_is_a_480p_video_with_the_clips_audio_and_is_linked_from_the_clip(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.MP4, clip.id, author="Ann", domainName="music.example")
    key = task.result["mp4_key"]
    assert key == f"clips/{clip.id}/video.mp4" and clip_of(rt, clip.id).files["mp4"] == key
    info = ffprobe(rt.store.fetch(key, rt.settings.data_dir / "v.mp4"))
    kinds = {s["codec_type"]: s for s in info["streams"]}
    assert kinds["video"]["width"] == 854 and kinds["video"]["height"] == 480
    assert kinds["video"]["codec_name"] == "h264" and kinds["audio"]["codec_name"] == "mp3"
    assert abs(float(info["format"]["duration"]) - clip.duration) < 0.5


def test_two_cover_images_are_distinct_pngs_of_the_music_task(rt, caller, song):
    song_id = song()
    task = derive(rt, caller, Action.COVER_IMAGE, song_id)
    keys = task.result["image_keys"]
    assert len(keys) == 2 and keys[0] != keys[1]
    blobs = [rt.store.fetch(k, rt.settings.data_dir / "c.png").read_bytes() for k in keys]
    assert blobs[0] != blobs[1]
    assert all(Image.open(io.BytesIO(b)).format == "PNG" for b in blobs)


def test_concat_joins_the_source_head_with_the_whole_extension(rt, caller, song):
    source = _first_clip(rt, song())
    ext_task = submit(rt, caller, operation="extend", source_clip_id=source.id, continue_at=2.5, lyrics="[Verse]\nmore")
    run_jobs(rt)
    extension = task_of(rt, ext_task).clips[0]
    task = derive(rt, caller, Action.CONCAT, extension.id)
    assert task.status == TaskStatus.COMPLETE
    [clip] = task.clips
    assert clip.clip_type == "concat" and clip.status == ClipStatus.COMPLETE and clip.title == extension.title
    assert [h["id"] for h in clip.meta["concat_history"]] == [source.id, extension.id]
    assert clip.meta["concat_history"][0]["continue_at"] == 2.5
    assert abs(clip.duration - (2.5 + extension.duration)) < 0.3
    # words of the source after the cut are gone, the extension's are shifted by the cut
    assert all(w["start_s"] < 2.5 for w in clip.aligned_words[: len(clip.aligned_words) - len(extension.aligned_words)])


def test_gen_stem_runs_on_the_media_queue_and_makes_vocals_and_instrumental_clips(rt, caller, song):
    source = _first_clip(rt, song())
    task_id = submit(rt, caller, dialect="suno", operation="gen_stem", source_clip_id=source.id, instrumental=True)
    with rt.db.read() as s:
        assert s.query(Job).filter_by(task_id=task_id).one().queue == "media"
    run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.COMPLETE
    assert [c.title for c in task.clips] == ["Neon - Vocals", "Neon - Instrumental"]
    assert [c.clip_type for c in task.clips] == ["stem", "stem"]
    assert [c.has_vocal for c in task.clips] == [True, False]
    assert all(c.meta["stem_from_id"] == source.id and c.files["mp3"] and c.duration > 0 for c in task.clips)


def test_a_missing_source_file_fails_the_task_with_a_clear_reason(rt, caller, song):
    clip = _first_clip(rt, song())
    task_id = submit(rt, caller, action=Action.MP4, operation="mp4", n_clips=0, source_clip_id=clip.id)
    rt.store.delete(clip.files["mp3"])
    run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.FAILED and task.error_code == "source_missing" and "missing" in task.error_message


def test_running_a_finished_task_again_changes_nothing(rt, caller, song):
    clip = _first_clip(rt, song())
    task = derive(rt, caller, Action.WAV, clip.id)
    run_sync(rt, task.id)
    again = task_of(rt, task.id)
    assert again.result == task.result and again.finished_at == task.finished_at


def test_midi_of_one_stem_keeps_only_that_stems_instruments(rt, caller, song):
    clip = _first_clip(rt, song())
    assert derive(rt, caller, Action.MIDI, clip.id, stem="Drums").result["instruments"] == []
    from songforge.media.midi import for_stem

    tracks = [{"name": "Vocals", "notes": []}, {"name": "Bass", "notes": []}, {"name": "Drums", "notes": []}]
    assert [i["name"] for i in for_stem(tracks, "bass")] == ["Bass"]
    assert [i["name"] for i in for_stem(tracks, "Instrumental")] == ["Bass", "Drums"]
    assert for_stem(tracks, "") == tracks
