"""``manage.py backup`` and ``manage.py restore`` round-trip (issue 9, "Faults"): after a
restore every table has the backup's row count and checksum, on SQLite and PostgreSQL alike;
a broken or foreign backup restores nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gongkai.agencies.models import Agency
from gongkai.core import backup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "attachments").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "a.pdf").write_bytes(b"%PDF-1.4 test")
    return tmp_path / "media"


def test_a_backup_restores_every_table_and_file_identically(agency_factory, media, tmp_path):
    for n in range(5):
        agency_factory(name=f"备份测试第{n}局")
    before = backup.table_sums()
    folder = tmp_path / "backup"
    call_command("backup", str(folder), stdout=io.StringIO())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["agencies_agency"]["rows"] == Agency.objects.count() == 5
    assert manifest["media_files"] == 1

    Agency.objects.filter(name__endswith="第3局").delete()
    agency_factory(name="备份之后新建的局")
    (media / "attachments" / "a.pdf").unlink()
    assert backup.compare(manifest) != []

    call_command("restore", str(folder), "--yes", stdout=io.StringIO())
    assert backup.compare(manifest) == []
    assert backup.table_sums() == before
    assert sorted(Agency.objects.values_list("name", flat=True)) == [
        f"备份测试第{n}局" for n in range(5)
    ]
    assert (media / "attachments" / "a.pdf").read_bytes() == b"%PDF-1.4 test"


def test_restore_needs_confirmation_and_a_real_backup(tmp_path, media):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path), "--yes")
    folder = tmp_path / "foreign"
    folder.mkdir()
    (folder / "manifest.json").write_text(
        json.dumps({"format": 1, "vendor": "oracle", "database": "x", "tables": {}})
    )
    with pytest.raises(CommandError, match="oracle"):
        call_command("restore", str(folder), "--yes")


def test_backup_refuses_a_folder_in_use(tmp_path, media):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "used"))
