from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    """The public's optional accounts: sign-up, sign-in and "my applications".

    Citizens are not ``core.User`` rows (decision 0014): staff sign in to the workbench, citizens
    to the portal, and neither account can ever stand for the other.
    """

    name = "gongkai.citizens"
    label = "citizens"
    verbose_name = _("citizen accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gongkai.citizens import retention

        retention.register()  # closed accounts' anonymisation (decision 0028)
