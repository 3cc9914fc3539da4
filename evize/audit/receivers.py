"""Adapters from Django's authentication signals to audit events (no business logic here)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .context import client_ip
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(
        actor=user,
        action="evize.account.logged_in",
        target=user,
        ip_address=client_ip(request) if request else None,
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user,
            action="evize.account.logged_out",
            target=user,
            ip_address=client_ip(request) if request else None,
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None,
        action="evize.account.login_failed",
        object_type="accounts.user",
        object_repr=username,
        data={"username": username},
        ip_address=client_ip(request) if request else None,
    )
