"""The static files' storage with DEBUG off: hashed names and gzip copies (WhiteNoise), and a
page that names a file ``collectstatic`` has not collected still renders."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, but a file missing from the manifest (``collectstatic`` not run
    since it was added, or not at all) is linked by its plain name and logged, instead of
    failing the page with a ValueError: an error page, above all, must render (the 503 page
    when the database is away, issue 9)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._urls: dict[tuple[Any, ...], str] = {}
        super().__init__(*args, **kwargs)

    def url(self, name: Any, force: bool = False) -> str:
        # A file's address depends on the manifest only (and DEBUG), which changes while
        # collectstatic runs and never while pages are served: each name's address is kept,
        # so that a page's {% static %} tags cost a look-up (the document page has three).
        key = (name, force, settings.DEBUG, id(self.hashed_files), len(self.hashed_files))
        kept = self._urls.get(key)
        if kept is not None:
            return kept
        try:
            url = super().url(name, force)
        except ValueError:
            logger.warning("Static file %s is not collected: run manage.py collectstatic.", name)
            return FileSystemStorage.url(self, name)
        if len(self._urls) >= 10_000:  # every file of every page several times over
            self._urls.clear()
        self._urls[key] = url
        return url
