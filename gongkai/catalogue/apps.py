from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gongkai.catalogue"
    verbose_name = _("Proactive disclosure")

    def ready(self) -> None:
        # Explicit registration with the two shells: the workbench queue and menu, the portal menu.
        from gongkai.catalogue import navigation, queue, visits
        from gongkai.catalogue.workbench_nav import register_workbench_nav

        visits.register()
        queue.register()
        navigation.register()
        register_workbench_nav()
