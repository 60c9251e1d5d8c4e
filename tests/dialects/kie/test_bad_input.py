"""Bad input on the KIE routes: the documented code and message, HTTP 200, never a 500, never a charge."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from songforge.dialects.kie.errors import CURRENT, render_error
from songforge.errors import SongforgeError
from songforge.settings import KieSettings
from songforge.task.models import Task
from tests.conftest import run_jobs
from tests.dialects.kie.helpers import LYRICS, balance, fail, ok, outbox

CB = "http://127.0.0.1:9/cb"
CUSTOM = {"prompt": LYRICS, "style": "pop", "title": "Night", "customMode": True, "instrumental": False,
          "model": "V4", "callBackUrl": CB}


def task_count(app) -> int:
    with app.state.rt.db.read() as s:
        return s.scalar(select(func.count()).select_from(Task)) or 0


def refused(client, auth, app, path, body, code, msg=""):
    """Assert the request is refused with ``code`` and nothing was charged or created."""
    before, tasks = balance(client, auth), task_count(app)
    out = fail(client.post(path, json=body, headers=auth), code, msg)
    assert out["data"] is None or isinstance(out["data"], dict)
    assert balance(client, auth) == before and task_count(app) == tasks
    return out


@pytest.mark.parametrize(("change", "msg"), [
    ({"style": "s" * 201}, "style exceeds maximum length of 200 characters"),
    ({"prompt": "l" * 3001}, "prompt exceeds maximum length of 3000 characters"),
    ({"title": "t" * 81}, "title exceeds maximum length of 80 characters"),
    ({"model": "V5", "title": "t" * 101}, "title exceeds maximum length of 100 characters"),
    ({"model": "V5", "style": "s" * 1001}, "style exceeds maximum length of 1000 characters"),
    ({"customMode": False, "prompt": "d" * 501}, "prompt exceeds maximum length of 500 characters"),
    ({"model": "V9"}, "model: invalid value 'V9'"),
    ({"model": "V6"}, "model: invalid value 'V6'"),
    ({"style": ""}, "style is required in custom mode"),
    ({"title": ""}, "title is required in custom mode"),
    ({"prompt": ""}, "prompt is required in custom mode unless instrumental is true"),
    ({"customMode": False, "prompt": ""}, "prompt is required in non-custom mode"),
    ({"duration": 60}, "duration is only supported with model V5_5"),
    ({"model": "V5_5", "duration": 5}, "duration must be between 10 and 360 seconds"),
    ({"vocalGender": "x"}, "vocalGender: invalid value"),
    ({"styleWeight": 1.5}, "styleWeight must be between 0 and 1"),
    ({"personaId": "p1", "personaModel": "voice_persona"}, "voice_persona requires model V5 or V5_5"),
])
def test_generate_validation_answers_422_without_charging(client, auth, app, change, msg):
    refused(client, auth, app, "/api/v1/generate", {**CUSTOM, **change}, 422, msg)


def test_limits_follow_the_model_table(client, auth, app):
    ok(client.post("/api/v1/generate", json={**CUSTOM, "model": "V4_5", "style": "s" * 1000, "title": "t" * 100},
                   headers=auth))
    ok(client.post("/api/v1/generate", json={**CUSTOM, "model": "V3_5", "style": "s" * 200, "title": "t" * 80},
                   headers=auth))
    refused(client, auth, app, "/api/v1/generate", {**CUSTOM, "model": "V4_5ALL", "title": "t" * 81}, 422,
            "title exceeds maximum length of 80")


def test_lenient_types_and_non_custom_extras_are_accepted(client, auth, app):
    body = {"prompt": "a rainy day", "customMode": "false", "instrumental": "true", "model": "V4",
            "style": "ignored", "title": "ignored", "styleWeight": "0.333", "unknownField": 1}
    task_id = ok(client.post("/api/v1/generate/", json=body, headers=auth))["taskId"]
    with app.state.rt.db.read() as s:
        task = s.get(Task, task_id)
        assert task.params["custom_mode"] is False and task.params["instrumental"] is True
        assert task.params["description"] == "a rainy day" and task.params["style_weight"] == 0.33


def test_missing_callback_url_is_accepted_by_default_and_sends_nothing(client, auth, app):
    body = {k: v for k, v in CUSTOM.items() if k != "callBackUrl"}
    task_id = ok(client.post("/api/v1/generate", json=body, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    assert outbox(app.state.rt, task_id) == []


def test_strict_mode_requires_callback_url_except_on_replace_section(kie_client):
    client, auth = kie_client(dialects={"kie": {"strict_callback_url": True}})
    body = {k: v for k, v in CUSTOM.items() if k != "callBackUrl"}
    before = balance(client, auth)
    for path in ("/api/v1/generate", "/api/v1/lyrics", "/api/v1/wav/generate"):
        fail(client.post(path, json=body, headers=auth), 422, "Please enter callBackUrl.")
    assert client.post("/api/v1/generate", json=body, headers=auth).json()["msg"] == "Please enter callBackUrl."
    assert balance(client, auth) == before
    # replace-section documents callBackUrl as optional: strict mode gets past it (to the task lookup).
    fail(client.post("/api/v1/generate/replace-section", json={
        "taskId": "0" * 32, "audioId": "x", "prompt": "p", "tags": "t", "title": "t", "infillStartS": 0,
        "infillEndS": 10}, headers=auth), 404, "Task not found")


def test_sunoapi_org_profile_uses_its_code_table(kie_client):
    client, auth = kie_client(credits=0, dialects={"kie": {"error_profile": "sunoapi_org"}})
    fail(client.post("/api/v1/generate", json={**CUSTOM, "model": "V9"}, headers=auth), 400, "model")
    fail(client.post("/api/v1/generate", json=CUSTOM, headers=auth), 429, "insufficient credits")
    client2, auth2 = kie_client(rate_limit_per_10s=1, dialects={"kie": {"error_profile": "sunoapi_org"}})
    ok(client2.post("/api/v1/generate", json=CUSTOM, headers=auth2))
    fail(client2.post("/api/v1/generate", json=CUSTOM, headers=auth2), 405, "too many requests")


def test_kie_profile_no_credits_is_402_and_rate_limit_429(kie_client):
    client, auth = kie_client(credits=5)
    fail(client.post("/api/v1/generate", json=CUSTOM, headers=auth), 402, "insufficient credits")
    assert balance(client, auth) == 5
    client2, auth2 = kie_client(rate_limit_per_10s=1)
    ok(client2.post("/api/v1/generate", json=CUSTOM, headers=auth2))
    fail(client2.post("/api/v1/generate", json=CUSTOM, headers=auth2), 429)


def test_unknown_task_ids_answer_404_task_not_found(client, auth):
    for path in ("/api/v1/generate/record-info", "/api/v1/lyrics/record-info", "/api/v1/wav/record-info",
                 "/api/v1/vocal-removal/record-info", "/api/v1/midi/record-info", "/api/v1/mp4/record-info",
                 "/api/v1/suno/cover/record-info"):
        fail(client.get(f"{path}?taskId=ffffffffffffffffffffffffffffffff", headers=auth), 404, "Task not found")
        fail(client.get(path, headers=auth), 422, "taskId is required")


def test_a_task_is_polled_only_through_its_own_family(client, auth, app):
    task_id = ok(client.post("/api/v1/lyrics", json={"prompt": "rain"}, headers=auth))["taskId"]
    fail(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth), 404, "Task not found")
    ok(client.get(f"/api/v1/lyrics/record-info?taskId={task_id}", headers=auth))


def test_transport_errors_keep_the_envelope(client, auth):
    fail(client.post("/api/v1/generate", content=b"{not json", headers=auth), 422, "not valid JSON")
    fail(client.post("/api/v1/generate", json=CUSTOM), 401)
    fail(client.post("/api/v1/generate", json=CUSTOM, headers={"Authorization": "Bearer nope"}), 401)
    fail(client.get("/api/v1/does-not-exist", headers=auth), 404)
    fail(client.get("/api/v1/generate", headers=auth), 404)


def _song(client, auth, app):
    task_id = ok(client.post("/api/v1/generate", json=CUSTOM, headers=auth))["taskId"]
    run_jobs(app.state.rt)
    clips = ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))["response"]["sunoData"]
    return task_id, clips


def test_extend_checks_continue_at_against_the_clip(client, auth, app):
    _task, clips = _song(client, auth, app)
    base = {"defaultParamFlag": True, "audioId": clips[0]["id"], "prompt": LYRICS, "style": "pop", "title": "x",
            "model": "V4", "callBackUrl": CB}
    refused(client, auth, app, "/api/v1/generate/extend", {**base, "continueAt": 14}, 422,
            "continue_at must be between 0 and the clip's duration")
    refused(client, auth, app, "/api/v1/generate/extend", {**base, "continueAt": 0}, 422, "continueAt must be")
    refused(client, auth, app, "/api/v1/generate/extend", {**base, "continueAt": None}, 422,
            "continueAt is required")
    refused(client, auth, app, "/api/v1/generate/extend", {**base, "continueAt": 5, "audioId": "nope"}, 404)
    ok(client.post("/api/v1/generate/extend", json={"defaultParamFlag": False, "audioId": clips[0]["id"],
                                                     "model": "V4"}, headers=auth))


@pytest.mark.parametrize(("start", "end", "msg"), [
    (0, 5, "between 6 and 60 seconds"), (0, 61, "between 6 and 60 seconds"), (4, 3, "less than infillEndS"),
    (0, 8, "at most half of the song"),
])
def test_replace_section_window_rules(client, auth, app, start, end, msg):
    task_id, clips = _song(client, auth, app)
    refused(client, auth, app, "/api/v1/generate/replace-section", {
        "taskId": task_id, "audioId": clips[0]["id"], "prompt": "p", "tags": "t", "title": "t",
        "infillStartS": start, "infillEndS": end}, 422, msg)


@pytest.mark.parametrize(("path", "body", "msg"), [
    ("/api/v1/generate/upload-cover", {**CUSTOM}, "uploadUrl is required"),
    ("/api/v1/generate/upload-cover", {**CUSTOM, "uploadUrl": "ftp://x/a.mp3"}, "uploadUrl must be an http(s) URL"),
    ("/api/v1/generate/upload-extend", {"uploadUrl": "https://e.com/a.mp3", "defaultParamFlag": True,
                                        "model": "V4", "style": "s", "title": "t", "prompt": "p"},
     "continueAt is required"),
    ("/api/v1/generate/add-instrumental", {"uploadUrl": "https://e.com/a.mp3", "title": "t", "tags": "x",
                                           "model": "V4"}, "model: invalid value 'V4'"),
    ("/api/v1/generate/add-vocals", {"uploadUrl": "https://e.com/a.mp3", "title": "t", "style": "x"},
     "prompt is required"),
    ("/api/v1/generate/mashup", {"uploadUrlList": ["https://e.com/a.mp3"], "model": "V4"},
     "exactly 2 URLs"),
    ("/api/v1/lyrics", {"prompt": "word " * 201}, "200 words"),
    ("/api/v1/lyrics", {"prompt": ""}, "prompt is required"),
    ("/api/v1/generate", {**CUSTOM, "callBackUrl": "ftp://x"}, "callback URL must be"),
])
def test_other_music_routes_validate_their_fields(client, auth, app, path, body, msg):
    refused(client, auth, app, path, body, 422, msg)


def test_server_errors_can_mirror_the_http_status():
    token = CURRENT.set(KieSettings(mirror_http_status=True))
    try:
        assert render_error(SongforgeError("boom")).status_code == 500
    finally:
        CURRENT.reset(token)
    assert render_error(SongforgeError("boom")).status_code == 200


def test_mashup_takes_two_urls_and_v6_needs_an_engine_route(kie_client):
    client, auth = kie_client()
    task_id = ok(client.post("/api/v1/generate/mashup", json={
        "uploadUrlList": ["https://e.com/a.mp3", "https://e.com/b.mp3"], "customMode": False, "model": "V5",
        "prompt": "blend them"}, headers=auth))["taskId"]
    info = ok(client.get(f"/api/v1/generate/record-info?taskId={task_id}", headers=auth))
    assert info["operationType"] == "mashup" and info["type"] == "chirp-crow"
    fail(client.post("/api/v1/generate", json={**CUSTOM, "model": "V6"}, headers=auth), 422, "V6")
    routed, auth2 = kie_client(engine_routes={"V6": "testtone"})
    assert ok(routed.post("/api/v1/generate", json={**CUSTOM, "model": "V6"}, headers=auth2))["taskId"]


def test_null_means_not_given(client, auth, app):
    body = {**CUSTOM, "negativeTags": None, "vocalGender": None, "styleWeight": None, "personaId": None,
            "duration": None}
    ok(client.post("/api/v1/generate", json=body, headers=auth))
    refused(client, auth, app, "/api/v1/generate/mashup", {"uploadUrlList": None, "model": "V4"}, 422,
            "exactly 2 URLs")


POST_ROUTES = ["/api/v1/generate", "/api/v1/generate/extend", "/api/v1/generate/upload-cover",
               "/api/v1/generate/upload-extend", "/api/v1/generate/add-instrumental", "/api/v1/generate/add-vocals",
               "/api/v1/generate/replace-section", "/api/v1/generate/mashup", "/api/v1/lyrics",
               "/api/v1/wav/generate", "/api/v1/vocal-removal/generate", "/api/v1/midi/generate",
               "/api/v1/mp4/generate", "/api/v1/suno/cover/generate", "/api/v1/generate/get-timestamped-lyrics",
               "/api/v1/style/generate", "/api/v1/generate/generate-persona", "/api/v1/common/download-url",
               "/api/file-base64-upload", "/api/file-url-upload", "/api/file-stream-upload"]
GARBAGE = [b"[]", b"42", b'{"prompt": {"a": 1}, "model": ["V4"], "customMode": "maybe", "taskId": {}}',
           b'{"uploadUrlList": "x", "infillStartS": "soon", "musicIndex": "first", "vocalEnd": []}', b""]


@pytest.mark.parametrize("path", POST_ROUTES)
def test_garbage_bodies_never_cause_a_500_or_a_charge(client, auth, app, path):
    before, tasks = balance(client, auth), task_count(app)
    for raw in GARBAGE:
        resp = client.post(path, content=raw, headers={**auth, "Content-Type": "application/json"})
        body = resp.json()
        assert resp.status_code == 200 and body["code"] not in (200, 500), (path, raw, body)
    assert balance(client, auth) == before and task_count(app) == tasks
