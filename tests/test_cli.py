"""The CLI's key management against a real database."""

from __future__ import annotations

from fastapi.testclient import TestClient

from songforge.app import create_app
from songforge.cli import main
from tests.conftest import make_settings


def test_keys_create_list_grant_disable(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SONGFORGE_DATABASE__URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert main(["--data-dir", str(tmp_path), "keys", "create", "--name", "alice", "--credits", "30"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("sf-")
    assert main(["--data-dir", str(tmp_path), "keys", "grant", "1", "12"]) == 0
    assert main(["--data-dir", str(tmp_path), "keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "alice" in listing and "\t42" in listing
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}")
    with TestClient(create_app(settings, workers=0, background=False)) as client:
        auth = {"Authorization": f"Bearer {raw}"}
        assert client.post("/suno/fetch", json={"ids": []}, headers=auth).status_code == 200
        assert main(["--data-dir", str(tmp_path), "keys", "disable", "1"]) == 0
        client.app.state.rt.auth._cache.clear()  # instead of waiting out the 10 s cache
        assert client.post("/suno/fetch", json={"ids": []}, headers=auth).status_code == 401
    assert main(["--data-dir", str(tmp_path), "keys", "disable", "99"]) == 1
