"""The classical fallback separation on uploads: stems that sum back to the mix, on stereo and mono input."""

from __future__ import annotations

import numpy as np
import pytest

from songforge.media import ffmpeg
from songforge.task.models import Action, TaskStatus
from songforge.upload import service as uploads
from tests.conftest import run_jobs
from tests.media.conftest import derive
from tests.upload.audio import make_audio


def _upload_clip(rt, caller, path):
    with rt.db.write() as s:
        clip_id = uploads.create_audio_clip_from_bytes(rt, s, caller, path, path.name, dialect="kie",
                                                       base_url="http://testserver")
    run_jobs(rt)
    return clip_id


def _samples(rt, key, tmp_path, name):
    data, _ = ffmpeg.read_audio(rt.store.fetch(key, tmp_path / name))
    return data


@pytest.mark.parametrize("stereo", [True, False])
def test_upload_vocals_and_instrumental_sum_back_to_the_mix(rt, caller, tmp_path, stereo):
    clip_id = _upload_clip(rt, caller, make_audio(tmp_path / "mix.wav", stereo=stereo))
    task = derive(rt, caller, Action.STEMS, clip_id, type="separate_vocal")
    assert task.status == TaskStatus.COMPLETE
    stems = task.result["stems"]
    assert set(stems) == {"Vocals", "Instrumental"} and stems["Vocals"].startswith(f"clips/{clip_id}/estimated/")
    mix = ffmpeg.read_audio(ffmpeg.to_wav(tmp_path / "mix.wav", tmp_path / "mix44.wav"))[0]
    if not stereo:  # the stems keep the clip's channel count
        mix = mix[:, :1]
    total = _samples(rt, stems["Vocals"], tmp_path, "v.wav") + _samples(rt, stems["Instrumental"], tmp_path, "i.wav")
    n = min(len(total), len(mix))
    error = np.sqrt(np.mean((total[:n] - mix[:n]) ** 2)) / np.sqrt(np.mean(mix[:n] ** 2))
    assert error < 0.01  # only 16-bit rounding separates them
    vocals = _samples(rt, stems["Vocals"], tmp_path, "v2.wav")
    assert 0.05 < np.sqrt(np.mean(vocals**2)) / np.sqrt(np.mean(mix**2)) < 1.5  # something was actually split


def test_split_stem_of_an_upload_adds_drums_and_bass_estimates(rt, caller, tmp_path):
    clip_id = _upload_clip(rt, caller, make_audio(tmp_path / "mix.mp3"))
    task = derive(rt, caller, Action.STEMS, clip_id, type="split_stem")
    assert set(task.result["stems"]) == {"Vocals", "Instrumental", "Drums", "Bass"}


def test_gen_stem_of_an_upload_uses_the_estimate(rt, caller, tmp_path):
    from tests.media.conftest import submit, task_of

    clip_id = _upload_clip(rt, caller, make_audio(tmp_path / "Demo.mp3"))
    task_id = submit(rt, caller, dialect="suno", operation="gen_stem", source_clip_id=clip_id, instrumental=True)
    run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.COMPLETE and [c.title for c in task.clips] == ["Demo - Vocals",
                                                                                     "Demo - Instrumental"]


def test_midi_of_an_upload_transcribes_the_centred_melody(rt, caller, tmp_path):
    clip_id = _upload_clip(rt, caller, make_audio(tmp_path / "tune.wav"))
    result = derive(rt, caller, Action.MIDI, clip_id).result
    [vocals] = result["instruments"]
    assert vocals["name"] == "Vocals" and vocals["notes"]
    longest = max(vocals["notes"], key=lambda n: n["end"] - n["start"])
    assert longest["pitch"] == 69 and longest["end"] - longest["start"] > 5  # the 440 Hz "voice", held
    assert all(0 < n["velocity"] <= 1 and n["start"] < n["end"] for n in vocals["notes"])
