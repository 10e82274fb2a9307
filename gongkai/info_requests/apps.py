from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfoRequestsConfig(AppConfig):
    """Disclosure on application (依申请公开): from receipt to reply and beyond."""

    name = "gongkai.info_requests"
    label = "info_requests"
    verbose_name = _("information requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Explicit registration with the shells: the workbench's queue and menu, the portal menu.
        from gongkai.info_requests import navigation, queue, retention
        from gongkai.info_requests.workbench_nav import register_workbench_nav

        queue.register()
        navigation.register()
        register_workbench_nav()
        retention.register()  # the applicants' anonymisation (decision 0028)
