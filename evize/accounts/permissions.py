"""Server-side role checks used by every view.

`role_required(...)` refuses (403) any user whose role is not listed; staff roles must also have
passed TOTP two-factor verification in this session (else they are sent to the OTP step).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .models import User

ENGINEER = User.Role.ENGINEER
CLERK = User.Role.CLERK
CONTROL_ENGINEER = User.Role.CONTROL_ENGINEER
VISA_OFFICER = User.Role.VISA_OFFICER
CHAMBER_ADMIN = User.Role.CHAMBER_ADMIN
STAFF = tuple(User.STAFF_ROLES)


def needs_otp(user) -> bool:
    """Staff who have not passed TOTP in this session. A user object that OTPMiddleware has not
    wrapped (e.g. right after login()) has no `is_verified` and counts as not verified."""
    if not user.is_authenticated or user.role not in User.STAFF_ROLES:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if needs_otp(user):
                return redirect(
                    f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}"
                )
            if user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
