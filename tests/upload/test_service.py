"""Audio becoming upload clips (bytes, URLs, task source URLs) with real ffmpeg, HTTP and both databases."""

from __future__ import annotations

import subprocess

import pytest

from songforge.errors import SourceFetchFailed
from songforge.task.models import Clip, ClipStatus, Task, TaskStatus
from songforge.upload import service as uploads
from songforge.upload.models import Upload
from tests.conftest import run_jobs
from tests.media.conftest import submit, task_of
from tests.upload.audio import file_server, make_audio


def _from_bytes(rt, caller, path, **kw):
    with rt.db.write() as s:
        return uploads.create_audio_clip_from_bytes(rt, s, caller, path, path.name, dialect="suno",
                                                    base_url="http://testserver", **kw)


def _upload(rt, upload_id) -> Upload:
    with rt.db.read() as s:
        row = s.get(Upload, upload_id)
        s.expunge(row)
        return row


def test_uploaded_bytes_become_a_finished_clip_with_mp3_wav_and_cover(rt, caller, tmp_path):
    clip_id = _from_bytes(rt, caller, make_audio(tmp_path / "My Song.flac"))
    run_jobs(rt)
    task = task_of(rt, clip_id)
    assert task.status == TaskStatus.COMPLETE and task.action == "upload"
    [clip] = task.clips
    assert clip.id == clip_id and clip.clip_type == "upload" and clip.title == "My Song"
    assert clip.status == ClipStatus.COMPLETE and abs(clip.duration - 8.0) < 0.2 and clip.has_vocal
    assert set(clip.files) == {"mp3", "wav", "png"}
    row = _upload(rt, clip_id)
    assert row.status == "complete" and row.clip_id == clip_id and abs(row.duration - 8.0) < 0.2


@pytest.mark.parametrize(("seconds", "expected"), [(3.0, "too short"), (9.0, "too long")])
def test_audio_outside_the_length_limits_ends_in_error_with_the_reason(rt, caller, tmp_path, seconds, expected):
    clip_id = _from_bytes(rt, caller, make_audio(tmp_path / "a.mp3", seconds), max_seconds=8.5)
    run_jobs(rt)
    task, row = task_of(rt, clip_id), _upload(rt, clip_id)
    assert task.status == TaskStatus.FAILED and task.error_code == "invalid_audio"
    assert row.status == "error" and expected in row.error_message and not task.clips


def test_bytes_that_are_not_audio_fail_clearly(rt, caller, tmp_path):
    junk = tmp_path / "notes.mp3"
    junk.write_text("definitely not an mp3 " * 100)
    clip_id = _from_bytes(rt, caller, junk)
    run_jobs(rt)
    assert _upload(rt, clip_id).error_message == "the file is not a readable audio file"
    assert task_of(rt, clip_id).status == TaskStatus.FAILED


def test_an_audio_url_is_downloaded_over_http_and_becomes_a_clip(rt, caller, tmp_path):
    with file_server() as srv:
        srv.files["/music/take.mp3"] = make_audio(tmp_path / "take.mp3").read_bytes()
        with rt.db.write() as s:
            clip_id = uploads.create_audio_clip_from_url(rt, s, caller, srv.url("/music/take.mp3"), dialect="suno",
                                                         base_url="http://testserver")
        run_jobs(rt)
    task = task_of(rt, clip_id)
    assert task.status == TaskStatus.COMPLETE and task.clips[0].title == "take"


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data", "ftp://127.0.0.1/a.mp3", "not a url"])
def test_urls_we_may_not_fetch_are_refused_before_anything_is_written(rt, caller, url):
    with pytest.raises(SourceFetchFailed), rt.db.write() as s:
        uploads.create_audio_clip_from_url(rt, s, caller, url, dialect="suno", base_url="http://testserver")
    with rt.db.read() as s:
        assert s.query(Upload).count() == 0 and s.query(Task).count() == 0


def test_a_redirect_to_a_private_address_fails_the_import(rt, caller):
    with file_server() as srv:
        srv.redirects["/r.mp3"] = "http://169.254.169.254/secret.mp3"
        with rt.db.write() as s:
            clip_id = uploads.create_audio_clip_from_url(rt, s, caller, srv.url("/r.mp3"), dialect="suno",
                                                         base_url="http://testserver")
        run_jobs(rt)
    task = task_of(rt, clip_id)
    assert task.status == TaskStatus.FAILED and task.error_code == "source_fetch_failed"
    assert "private" in task.error_message


def test_a_task_source_url_of_ours_is_read_from_the_store_without_http(rt, caller, song):
    source = task_of(rt, song()).clips[0]
    # the host does not resolve: only the signature tells us it is our file
    url = rt.signer.file_url("http://files.nowhere.invalid", source.files["mp3"])
    task_id = submit(rt, caller, operation="upload_extend", source_url=url, continue_at=3.0, lyrics="[Verse]\nla")
    run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.COMPLETE
    with rt.db.read() as s:
        made = s.get(Clip, task.parent_id)
        assert made.clip_type == "upload" and made.status == ClipStatus.COMPLETE and made.id != source.id
    assert task.clips[0].meta["history"][0] == {"id": task.parent_id, "continue_at": 3.0, "type": "upload",
                                                "source": "web", "infill": False}


def test_a_foreign_task_source_url_is_downloaded(rt, caller, tmp_path):
    with file_server() as srv:
        srv.files["/in.wav"] = make_audio(tmp_path / "in.wav").read_bytes()
        task_id = submit(rt, caller, operation="upload_cover", source_url=srv.url("/in.wav"), lyrics="[Verse]\nla")
        run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.COMPLETE and task.parent_id


def test_an_unreachable_task_source_fails_the_task_and_refunds(rt, caller):
    with file_server() as srv:
        task_id = submit(rt, caller, operation="upload_cover", source_url=srv.url("/missing.mp3"), lyrics="la")
        run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.FAILED and task.error_code == "source_fetch_failed"
    assert "HTTP 404" in task.error_message and task.params.get("_refunded") is True


def test_a_forged_file_link_on_our_host_is_not_read(rt, caller, song):
    source = task_of(rt, song()).clips[0]
    url = f"http://testserver/files/{source.files['mp3']}?e=9999999999&s=forged"
    task_id = submit(rt, caller, operation="upload_cover", source_url=url, lyrics="la")
    run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.FAILED and "invalid or has expired" in task.error_message


def test_task_sources_longer_than_eight_minutes_are_refused(rt, caller, tmp_path):
    long = tmp_path / "long.mp3"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=300:d=490", "-ac", "1",
                    "-b:a", "16k", str(long)], check=True)
    with file_server() as srv:
        srv.files["/long.mp3"] = long.read_bytes()
        task_id = submit(rt, caller, operation="upload_cover", source_url=srv.url("/long.mp3"), lyrics="la")
        run_jobs(rt)
    task = task_of(rt, task_id)
    assert task.status == TaskStatus.FAILED and task.error_code == "source_fetch_failed"
    assert "too long" in task.error_message and "480" in task.error_message


def test_an_upload_without_a_centred_tonal_part_is_marked_without_vocals(rt, caller, tmp_path):
    noise = tmp_path / "rain.wav"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "anoisesrc=d=8:c=white:a=0.3:seed=1",
                    "-f", "lavfi", "-i", "anoisesrc=d=8:c=white:a=0.3:seed=2", "-filter_complex",
                    "[0:a][1:a]join=inputs=2:channel_layout=stereo", str(noise)], check=True)
    clip_id = _from_bytes(rt, caller, noise)
    run_jobs(rt)
    assert task_of(rt, clip_id).clips[0].has_vocal is False and _upload(rt, clip_id).has_vocal is False
