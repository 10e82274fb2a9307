from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionConfig(AppConfig):
    """Public interaction (政民互动): letters, consultations on drafts, surveys, channels."""

    name = "gongkai.interaction"
    label = "interaction"
    verbose_name = _("public interaction")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.interaction import wiring

        wiring.connect()
