from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "gongkai.portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from gongkai.portal import page_cache

        page_cache.register()
