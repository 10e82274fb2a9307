"""Every interface string is translatable, and the Simplified Chinese catalogue is complete."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "gongkai" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def parse_po(path: Path) -> dict[tuple[str, str], dict]:
    """Entries of a .po file keyed by (msgctxt, msgid), with msgstr(s) and flags."""
    entries: dict[tuple[str, str], dict] = {}
    current: dict = {}
    field = None

    def flush() -> None:
        if current.get("msgid"):
            key = (current.get("msgctxt", ""), current["msgid"])
            entries[key] = dict(current)

    def unquote(text: str) -> str:
        return bytes(text[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            current, field = {}, None
            continue
        if line.startswith("#,"):
            current["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if field is not None:
                current[field] += unquote(line)
        else:
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
            assert match, f"unreadable line in {path}: {raw}"
            field = match.group(1)
            current[field] = unquote(match.group(2))
    flush()
    return entries


def test_chinese_catalogue_is_complete():
    entries = parse_po(CATALOGUE)
    assert entries, "the Chinese catalogue is empty"
    missing = [
        msgid
        for (_ctx, msgid), entry in entries.items()
        if "fuzzy" in entry.get("flags", set())
        or not all(value for key, value in entry.items() if key.startswith("msgstr"))
    ]
    assert missing == [], f"untranslated or fuzzy messages: {missing[:20]}"


@pytest.mark.slow
def test_catalogue_covers_every_message_in_the_code(tmp_path):
    """Extract messages from a copy of the tree and compare with the committed catalogue."""
    shutil.copytree(ROOT / "gongkai", tmp_path / "gongkai", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--verbosity",
            "0",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    fresh = parse_po(tmp_path / "gongkai" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    committed = parse_po(CATALOGUE)
    not_in_catalogue = sorted(
        msgid for key, _ in fresh.items() if key not in committed for msgid in [key[1]]
    )
    assert not_in_catalogue == [], "run `make messages-update` and translate: " + "; ".join(
        not_in_catalogue[:20]
    )
