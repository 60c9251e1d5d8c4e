"""Every setting has a description and is documented in docs/settings.md exactly as the code defines it."""

from __future__ import annotations

from pathlib import Path

from songforge.settings_doc import markdown, rows

DOC = Path(__file__).parent.parent / "docs" / "settings.md"


def test_every_setting_has_a_description():
    missing = [env for env, _default, desc in rows() if not desc.strip()]
    assert missing == []


def test_docs_settings_table_matches_the_code():
    assert markdown() in DOC.read_text(), "run `songforge settings` and paste the table into docs/settings.md"


def test_nested_environment_variables_reach_the_settings(monkeypatch, tmp_path):
    from songforge.settings import Settings

    monkeypatch.setenv("SONGFORGE_QUEUE__WORKERS", "7")
    monkeypatch.setenv("SONGFORGE_CALLBACKS__ALLOWED_NETWORKS", "10.0.0.0/8")
    monkeypatch.setenv("SONGFORGE_ENGINES__COMPOSER__SOUNDFONT", "/x.sf2")
    monkeypatch.setenv("SONGFORGE_DATA_DIR", str(tmp_path))
    s = Settings()
    assert s.queue.workers == 7 and s.callbacks.allowed_networks == "10.0.0.0/8"
    assert s.engines["composer"]["soundfont"] == "/x.sf2" and s.data_dir == tmp_path
