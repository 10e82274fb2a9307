"""The demonstration district's search index: built from everything the loaders before it made
(they write in bulk, without the saves that keep the index current)."""

from __future__ import annotations

from typing import TextIO

from django.utils.translation import gettext as _

from gongkai.search.indexing import rebuild_index


def load(stdout: TextIO) -> None:
    total = rebuild_index()
    stdout.write(_("Search index: %(count)d objects indexed.\n") % {"count": total})
