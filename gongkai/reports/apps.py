from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Statistics and the annual report: tables computed from the records, then validated."""

    name = "gongkai.reports"
    label = "reports"
    verbose_name = _("annual reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.reports.statistics import shells

        shells.register()
