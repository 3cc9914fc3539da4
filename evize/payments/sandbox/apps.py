from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxBankConfig(AppConfig):
    name = "evize.payments.sandbox"
    label = "payments_sandbox"
    verbose_name = _("Sandbox bank")
    default_auto_field = "django.db.models.BigAutoField"
