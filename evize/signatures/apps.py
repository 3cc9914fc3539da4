from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "evize.signatures"
    verbose_name = _("Signatures")
