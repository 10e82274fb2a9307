from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The index follows publishing: see ``signals`` (indexing is a side concern, STYLE.md).
        from gongkai.search import signals

        signals.connect()
