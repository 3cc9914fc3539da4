"""Account services: engineer sign-up and activation, passwords, roles and staff two-factor checks.

Every function that changes something records an audit event in the same transaction. E-mail is sent
only after the transaction commits.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from evize.audit.services import audit_record
from evize.registry.models import Member

from .models import User
from .tokens import account_activation_token

logger = logging.getLogger(__name__)

# What may be written to an audit row about a user changed in the admin (never the password hash).
_AUDITED_USER_FIELDS = frozenset(
    {"username", "first_name", "last_name", "email", "language", "member", "is_active", "role"}
)


# --- helpers -----------------------------------------------------------------------------------


def mask_email(address: str) -> str:
    """`ayse.yilmaz@example.org` → `a***@example.org` (enough to recognise, not to harvest)."""
    local, sep, domain = (address or "").partition("@")
    if not sep:
        return "***"
    return f"{local[:1]}***@{domain}"


def user_is_pending_activation(user: User) -> bool:
    """Signed up but never activated: inactive, no password yet, never logged in."""
    return not user.is_active and not user.has_usable_password() and user.last_login is None


def _apply_role_flags(user: User) -> None:
    """Django's admin flags follow the role: only the chamber administrator uses the admin site."""
    is_admin = user.role == User.Role.CHAMBER_ADMIN
    user.is_staff = is_admin
    user.is_superuser = is_admin


# --- engineer sign-up and activation --------------------------------------------------------------


class SignupRefused(Exception):
    """Sign-up is not possible. `message` (translated) is shown next to `field` (None: the form)."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class SignupResult:
    user: User
    created: bool  # False: an account waiting for activation existed; the link was sent again


def account_signup(*, actor: User | None, sicil_no: str, national_id: str, language: str) -> SignupResult:
    """Open (or re-send the link for) the account of the member with this registry number.

    Identity comes from the member registry: the national ID must match the registered one, the
    member must be in good standing, and name and e-mail are copied from the registry. The account
    stays inactive until the member follows the link sent to the registry e-mail address.
    Raises SignupRefused (nothing is written) when any check fails.
    """
    sicil_no = (sicil_no or "").strip()
    national_id = (national_id or "").strip()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE

    with transaction.atomic():
        member = Member.objects.select_for_update().filter(sicil_no__iexact=sicil_no).first()
        if member is None:
            raise SignupRefused(
                _(
                    "No member with this registry number was found in the chamber's member registry. "
                    "Please check the number or contact the chamber."
                ),
                code="unknown_sicil",
                field="sicil_no",
            )
        if not constant_time_compare(member.national_id, national_id):
            raise SignupRefused(
                _(
                    "The national ID number does not match the one registered with the chamber for "
                    "this registry number."
                ),
                code="national_id_mismatch",
                field="national_id",
            )

        user = User.objects.filter(member=member).first()
        if user is not None and not user_is_pending_activation(user):
            if user.is_active:
                raise SignupRefused(
                    _(
                        "An account already exists for this registry number. Please log in; if you "
                        "have forgotten your password, reset it."
                    ),
                    code="already_registered",
                )
            raise SignupRefused(
                _("The account for this registry number has been disabled. Please contact the chamber."),
                code="account_disabled",
            )

        problem = member.standing_problem()
        if problem:
            raise SignupRefused(
                _("An account can be opened only for members in good standing: %(reason)s")
                % {"reason": problem},
                code="not_in_good_standing",
            )

        created = user is None
        if created:
            if User.objects.filter(username__iexact=member.sicil_no).exists():
                logger.warning(
                    "sign-up: username %s is taken by a user not bound to member %s",
                    member.sicil_no,
                    member.pk,
                )
                raise SignupRefused(
                    _("An account cannot be opened for this registry number. Please contact the chamber."),
                    code="username_taken",
                )
            user = User(username=member.sicil_no, role=User.Role.ENGINEER, member=member, is_active=False)
            user.set_unusable_password()
        # Registry data wins: refresh it on every request (a re-send too).
        user.first_name = member.first_name
        user.last_name = member.last_name
        user.email = member.email
        user.language = language
        user.save()

        audit_record(
            actor=actor,
            action="evize.account.signup_requested",
            target=user,
            data={"sicil_no": member.sicil_no, "member_id": member.pk, "resent": not created},
        )
        account_send_activation(actor=actor, user=user)
    return SignupResult(user=user, created=created)


def activation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = account_activation_token.make_token(user)
    path = reverse("accounts:activate", kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.EVIZE_BASE_URL}{path}"


def account_send_activation(*, actor: User | None, user: User) -> None:
    """Queue the activation e-mail to the member's REGISTRY address (never one typed on a form).

    The outbox row is written in the caller's transaction and delivered after it commits."""
    from evize.notifications.services import notification_queue

    notification_queue(
        kind="account.activation",
        to_user=user,
        to_email=user.member.email if user.member_id else user.email,
        context={
            "activation_url": activation_link(user),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "sicil_no": user.member.sicil_no if user.member_id else "",
        },
        target=user,
        actor=actor,
    )


def account_send_password_reset(*, user: User, uidb64: str, token: str) -> None:
    """Queue the password-reset e-mail (a one-time link) through the outbox."""
    from evize.notifications.services import notification_queue

    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    with transaction.atomic():
        notification_queue(
            kind="account.password_reset",
            to_user=user,
            to_email=user.email,
            context={
                "reset_url": f"{settings.EVIZE_BASE_URL}{path}",
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
            target=user,
            actor=None,
        )


class ActivationNotPossible(Exception):
    pass


def account_activate(*, actor: User | None, user: User, password: str) -> User:
    """Set the first password of an account waiting for activation and make it active."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not user_is_pending_activation(locked):
            raise ActivationNotPossible(f"user {user.pk} is not waiting for activation")
        locked.set_password(password)
        locked.is_active = True
        locked.save(update_fields=["password", "is_active"])
        audit_record(actor=actor or locked, action="evize.account.activated", target=locked)
    return locked


def user_set_password(*, actor: User | None, user: User, password: str, via: str) -> User:
    """Set a new password (`via`: "reset" from an e-mail link, or "change" while logged in)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="evize.account.password_changed", target=user, data={"via": via})
    return user


# --- who may apply --------------------------------------------------------------------------------


def engineer_can_apply(user) -> tuple[bool, str | None]:
    """Whether `user` may start an application, and if not, why (translated)."""
    if user is None or not user.is_authenticated:
        return False, _("Please log in to start an application.")
    if user.role != User.Role.ENGINEER:
        return False, _("Only engineers can start an application.")
    if not user.is_active:
        return False, _("Your account is not active.")
    member = user.member
    if member is None:
        return False, _("Your account is not linked to a chamber member. Please contact the chamber.")
    problem = member.standing_problem()
    if problem:
        return False, problem
    return True, None


# --- staff accounts and roles (chamber administrator, in the admin) -----------------------------------


def user_add(*, actor: User | None, user: User) -> User:
    """Finish a user created by the chamber administrator: derive the admin flags from the role."""
    with transaction.atomic():
        _apply_role_flags(user)
        user.save()
        audit_record(
            actor=actor,
            action="evize.account.created",
            target=user,
            data={"role": user.role, "member_id": user.member_id, "is_active": user.is_active},
        )
    return user


def user_update(*, actor: User | None, user: User, fields: list[str]) -> User:
    """Save changes made in the admin (not the role: see user_set_role) and record which fields."""
    with transaction.atomic():
        user.save()
        changed = sorted(f for f in fields if f in _AUDITED_USER_FIELDS)
        if changed:
            audit_record(
                actor=actor,
                action="evize.account.updated",
                target=user,
                data={f: str(getattr(user, f"{f}_id" if f == "member" else f)) for f in changed},
            )
    return user


def user_set_role(*, actor: User | None, user: User, role: str) -> User:
    """Give `user` another role; the admin flags follow. Audited with the old and the new role."""
    if role not in User.Role.values:
        raise ValidationError(_("Unknown role."), code="unknown_role")
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot change your own role."), code="own_role")
    if role == User.Role.ENGINEER and user.member_id is None:
        raise ValidationError(_("An engineer account must be linked to a chamber member."), code="no_member")
    with transaction.atomic():
        old = User.objects.select_for_update().values_list("role", flat=True).get(pk=user.pk)
        if old == role:
            return user
        user.role = role
        _apply_role_flags(user)
        user.save(update_fields=["role", "is_staff", "is_superuser"])
        audit_record(
            actor=actor, action="evize.account.role_changed", target=user, data={"old": old, "new": role}
        )
    return user


# --- staff two-factor (TOTP) -------------------------------------------------------------------------


def otp_has_device(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def otp_setup_device(*, actor: User) -> TOTPDevice:
    """The authenticator-app device being set up for `actor` (created, unconfirmed, on first call)."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)
    return device


@dataclass(frozen=True)
class OtpCheck:
    device: Device | None
    locked_until: datetime.datetime | None = None  # too many wrong codes: try again after this

    @property
    def ok(self) -> bool:
        return self.device is not None


def _normalise_token(token: str) -> str:
    return "".join((token or "").split())


def otp_device_confirm(*, actor: User, device: TOTPDevice, token: str) -> OtpCheck:
    """Confirm a new authenticator device with its first code; the session may then be verified."""
    token = _normalise_token(token)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor, confirmed=False)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            check = OtpCheck(device=None, locked_until=(info or {}).get("locked_until"))
        elif device.verify_token(token):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
            audit_record(
                actor=actor,
                action="evize.account.otp_device_added",
                target=actor,
                data={"device": device.persistent_id},
            )
            audit_record(
                actor=actor,
                action="evize.account.otp_verified",
                target=actor,
                data={"device": device.persistent_id, "setup": True},
            )
            return OtpCheck(device=device)
        else:
            check = OtpCheck(device=None)
    # Outside the block above so the device's throttling counter is kept.
    audit_record(
        actor=actor,
        action="evize.account.otp_failed",
        target=actor,
        data={"setup": True, "throttled": check.locked_until is not None},
    )
    return check


def otp_verify(*, actor: User, token: str) -> OtpCheck:
    """Check a code against the user's confirmed devices (authenticator app, or backup codes)."""
    token = _normalise_token(token)
    matched: Device | None = None
    locked_until = None
    with transaction.atomic():
        for device in devices_for_user(actor, confirmed=True, for_verify=True):
            allowed, info = device.verify_is_allowed()
            if not allowed:
                locked_until = (info or {}).get("locked_until") or locked_until
                continue
            if device.verify_token(token):
                matched = device
                break
    if matched is not None:
        audit_record(
            actor=actor,
            action="evize.account.otp_verified",
            target=actor,
            data={"device": matched.persistent_id},
        )
        return OtpCheck(device=matched)
    audit_record(
        actor=actor,
        action="evize.account.otp_failed",
        target=actor,
        data={"throttled": locked_until is not None},
    )
    return OtpCheck(device=None, locked_until=locked_until)
