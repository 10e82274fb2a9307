"""``manage.py invalidate_public_pages``: drop every page of the public page cache."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from gongkai.core.page_cache import invalidate_public_pages


class Command(BaseCommand):
    help = (
        "Make every page kept by the public page cache stale (decision 0033). Changes to the "
        "database do this by themselves; run it after deploying new templates or translations."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        invalidate_public_pages()
        self.stdout.write(gettext("The public page cache is empty: every page is rendered anew."))
