from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision and assessment (督查考核): key tasks, monthly performance, scorecards."""

    name = "gongkai.supervision"
    label = "supervision"
    verbose_name = _("supervision and assessment")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.supervision import wiring

        wiring.connect()
