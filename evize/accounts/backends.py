from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class SicilOrEmailBackend(ModelBackend):
    """Log in with a registry number (engineers), a staff username, or an e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        username = username.strip()
        User = get_user_model()
        query = Q(username__iexact=username) | Q(email__iexact=username) | Q(member__sicil_no=username)
        candidates = list(User.objects.filter(query)[:2])
        if len(candidates) != 1:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """One lockout counter per account, whether the user typed the sicil no, user name or e-mail."""
    typed = str((credentials or {}).get("username") or "").strip()
    if not typed:
        return ""
    User = get_user_model()
    query = Q(username__iexact=typed) | Q(email__iexact=typed) | Q(member__sicil_no=typed)
    usernames = list(User.objects.filter(query).values_list("username", flat=True)[:2])
    return usernames[0] if len(usernames) == 1 else typed.lower()
