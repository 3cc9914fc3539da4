from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisaConfig(AppConfig):
    name = "evize.visa"
    verbose_name = _("Visas")

    def ready(self) -> None:
        from . import kinds  # noqa: F401  (registers the visa.revoked message kind)
