from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "evize.payments"
    label = "payments"
    verbose_name = _("Fees and payments")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The providers register themselves; the checks guard the configuration.
        from . import checks  # noqa: F401
        from .contrib.nestpay import provider  # noqa: F401
