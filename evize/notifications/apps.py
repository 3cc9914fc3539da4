from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "evize.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Register the message kinds defined by this app (other apps register their own).
        from . import kinds  # noqa: F401
