"""The static files' storage with DEBUG off (gongkai.core.staticfiles): hashed names from the
manifest, and a file not collected linked by its plain name instead of failing the page."""

from __future__ import annotations

import logging

from gongkai.core.staticfiles import StaticFilesStorage


def test_a_file_collected_is_linked_by_its_hashed_name(tmp_path):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {storage.hash_key("site.css"): "site.0123456789ab.css"}  # the manifest
    assert storage.url("site.css") == "/static/site.0123456789ab.css"


def test_a_file_not_collected_is_linked_by_its_plain_name_and_logged(tmp_path, caplog):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    with caplog.at_level(logging.WARNING, logger="gongkai.core.staticfiles"):
        assert storage.url("gongkai/css/gongkai.css") == "/static/gongkai/css/gongkai.css"
    assert "collectstatic" in caplog.text
