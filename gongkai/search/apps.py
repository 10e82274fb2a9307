from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gongkai.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The index follows publishing: see ``signals`` (indexing is a side concern, STYLE.md).
        from gongkai.core.health import register_check
        from gongkai.search import signals, status
        from gongkai.workbench.alerts import register_alert_source

        signals.connect()
        # A missing or stale index (search answers from a slower query meanwhile): a detail
        # in the readiness answer and a banner for the office (``status``).
        register_check("search", status.readiness_probe)
        register_alert_source(status.office_alerts)
