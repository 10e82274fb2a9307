"""The static files' storage with DEBUG off (gongkai.core.staticfiles): hashed names from the
manifest, and a file not collected linked by its plain name instead of failing the page."""

from __future__ import annotations

import logging

from gongkai.core.staticfiles import StaticFilesStorage


def test_a_file_collected_is_linked_by_its_hashed_name(tmp_path):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {storage.hash_key("site.css"): "site.0123456789ab.css"}  # the manifest
    assert storage.url("site.css") == "/static/site.0123456789ab.css"


def test_a_file_s_address_is_kept_until_the_manifest_changes(tmp_path, settings):
    """Each name's address is kept (a page's {% static %} tags cost a look-up), but never
    past a change of the manifest (collectstatic) or of DEBUG."""
    settings.DEBUG = False
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {storage.hash_key("site.css"): "site.0123456789ab.css"}
    assert storage.url("site.css") == storage.url("site.css") == "/static/site.0123456789ab.css"

    storage.hashed_files = {storage.hash_key("site.css"): "site.ba9876543210.css"}
    assert storage.url("site.css") == "/static/site.ba9876543210.css"
    storage.hashed_files[storage.hash_key("app.js")] = "app.0a1b2c3d4e5f.js"  # collectstatic
    storage.hashed_files[storage.hash_key("site.css")] = "site.fedcba987654.css"
    assert storage.url("site.css") == "/static/site.fedcba987654.css"
    settings.DEBUG = True
    assert storage.url("site.css") == "/static/site.css"


def test_a_file_not_collected_is_linked_by_its_plain_name_and_logged(tmp_path, caplog):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    with caplog.at_level(logging.WARNING, logger="gongkai.core.staticfiles"):
        assert storage.url("gongkai/css/gongkai.css") == "/static/gongkai/css/gongkai.css"
    assert "collectstatic" in caplog.text


def test_collected_files_are_served_compressed_with_a_cache_lifetime_of_a_year(tmp_path, settings):
    """Issue 10: static files compressed with long cache lifetimes. What `collectstatic`
    writes is served by WhiteNoise: a hashed name for a year and immutable, its gzip copy to a
    client that takes gzip; the plain name (which may change) only briefly."""
    from django.core.management import call_command
    from django.test import Client

    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "gongkai.core.staticfiles.StaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.contrib.staticfiles.storage import staticfiles_storage

    hashed = staticfiles_storage.url("gongkai/css/gongkai.css")
    assert hashed != "/static/gongkai/css/gongkai.css"  # a name holding the hash
    assert (tmp_path / hashed.removeprefix("/static/")).with_suffix(".css.gz").exists()

    client = Client()  # a new handler: WhiteNoise reads STATIC_ROOT when it starts
    response = client.get(hashed, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    cache_control = response["Cache-Control"]
    assert "immutable" in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600
    response.close()

    plain = client.get("/static/gongkai/css/gongkai.css")
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
    assert int(plain["Cache-Control"].split("max-age=")[1].split(",")[0]) < 24 * 3600
    plain.close()
