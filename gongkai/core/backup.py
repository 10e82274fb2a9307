"""Backups that can be proven to round-trip (issue 9, "Faults").

A backup is a folder: the database (SQLite's online backup API, which copies a consistent
snapshot while the site runs; ``pg_dump --format=custom`` on PostgreSQL), the uploaded files as
``media.tar`` and ``manifest.json`` — for every table of the project's models its row count and
a SHA-256 of its rows in primary-key order. Restoring puts the database and the files back and
computes the manifest again: the restore is reported as verified only when every count and
checksum is identical.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_FILE = "media.tar"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (translated by callers)."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


def _vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def table_sums(alias: str = "default") -> dict[str, TableSum]:
    """Each model table's row count and the SHA-256 of its rows in primary-key order (values
    rendered as text, so that the same data gives the same sum on any run)."""
    sums: dict[str, TableSum] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        table = model._meta.db_table
        if table in sums:
            continue
        digest = hashlib.sha256()
        rows = 0
        queryset = (
            model._base_manager.using(alias)
            .order_by("pk")
            .values_list(*[field.attname for field in model._meta.concrete_fields])
        )
        for row in queryset.iterator(chunk_size=2000):
            digest.update(json.dumps([_text(value) for value in row], ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
        sums[table] = TableSum(rows=rows, sha256=digest.hexdigest())
    return sums


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


def _sqlite_backup(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _pg_environment(alias: str) -> dict[str, str]:
    options = connections[alias].settings_dict
    environment = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if options.get(key):
            environment[name] = str(options[key])
    if options.get("PASSWORD"):
        environment["PGPASSWORD"] = str(options["PASSWORD"])
    environment["PGDATABASE"] = str(options["NAME"])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    result = subprocess.run(  # noqa: S603 — fixed programs, arguments from settings
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _tar_media(target: Path) -> int:
    root = _media_root()
    count = 0
    with tarfile.open(target, "w") as archive:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(root)))
                    count += 1
    return count


def _untar_media(source: Path) -> None:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source) as archive:
        archive.extractall(root, filter="data")


def backup(folder: Path, *, alias: str = "default") -> dict[str, Any]:
    """Write a backup of the database ``alias`` and the uploaded files into ``folder`` (made;
    it must not exist or be empty). Returns the manifest."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty.")
    folder.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(alias)
    if vendor == "sqlite":
        _sqlite_backup(alias, folder / SQLITE_FILE)
        database_file = SQLITE_FILE
    elif vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / POSTGRES_FILE)],
            _pg_environment(alias),
        )
        database_file = POSTGRES_FILE
    else:
        raise BackupError(f"No backup for the {vendor} database.")
    files = _tar_media(folder / MEDIA_FILE)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "vendor": vendor,
        "database": database_file,
        "media_files": files,
        "tables": {
            table: {"rows": entry.rows, "sha256": entry.sha256}
            for table, entry in sorted(table_sums(alias).items())
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"{path} is not valid JSON.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is of an unknown format.")
    return manifest


@dataclass(frozen=True)
class Difference:
    table: str
    expected: dict[str, Any] | None
    found: dict[str, Any] | None


def compare(manifest: dict[str, Any], alias: str = "default") -> list[Difference]:
    """The tables whose count or checksum differ from the manifest's (empty: identical)."""
    now = {
        table: {"rows": entry.rows, "sha256": entry.sha256}
        for table, entry in table_sums(alias).items()
    }
    expected: dict[str, Any] = manifest["tables"]
    return [
        Difference(table, expected.get(table), now.get(table))
        for table in sorted(set(expected) | set(now))
        if expected.get(table) != now.get(table)
    ]


def restore(folder: Path, *, alias: str = "default") -> list[Difference]:
    """Replace the database ``alias`` and the uploaded files with the backup in ``folder``;
    returns the differences found afterwards (empty: verified)."""
    manifest = read_manifest(folder)
    vendor = _vendor(alias)
    if manifest["vendor"] != vendor:
        raise BackupError(f"The backup is of a {manifest['vendor']} database, not {vendor}.")
    source = folder / manifest["database"]
    if not source.is_file():
        raise BackupError(f"{source} is missing.")
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        backup_connection = sqlite3.connect(source)
        try:
            backup_connection.backup(connection.connection)
        finally:
            backup_connection.close()
    else:
        connection.close()
        _run(
            [
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--dbname", str(connection.settings_dict["NAME"]), str(source),
            ],
            _pg_environment(alias),
        )  # fmt: skip
    media = folder / MEDIA_FILE
    if media.is_file():
        _untar_media(media)
    return compare(manifest, alias)
