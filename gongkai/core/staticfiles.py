"""The static files' storage with DEBUG off: hashed names and gzip copies (WhiteNoise), and a
page that names a file ``collectstatic`` has not collected still renders."""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, but a file missing from the manifest (``collectstatic`` not run
    since it was added, or not at all) is linked by its plain name and logged, instead of
    failing the page with a ValueError: an error page, above all, must render (the 503 page
    when the database is away, issue 9)."""

    def url(self, name: Any, force: bool = False) -> str:
        try:
            return super().url(name, force)
        except ValueError:
            logger.warning("Static file %s is not collected: run manage.py collectstatic.", name)
            return FileSystemStorage.url(self, name)
