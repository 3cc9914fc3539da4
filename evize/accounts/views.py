"""Sign-up, activation, login, password and two-factor pages. Views parse and render; services act."""

from __future__ import annotations

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from evize.core.ratelimit import too_many

from .forms import LoginForm, OtpTokenForm, PasswordResetForm, SignupForm
from .models import User
from .permissions import needs_otp, role_required
from .services import (
    ActivationNotPossible,
    SignupRefused,
    account_activate,
    account_signup,
    mask_email,
    otp_device_confirm,
    otp_has_device,
    otp_setup_device,
    otp_verify,
    user_set_password,
)
from .tokens import account_activation_token

LOGIN_BACKEND = "evize.accounts.backends.SicilOrEmailBackend"
SIGNUP_SENT_SESSION_KEY = "evize_signup_sent"


def _home_for(user) -> str:
    if getattr(user, "is_office_staff", False):
        return resolve_url("core:staff_home")
    return resolve_url("core:dashboard")


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# --- login / logout ------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Registry number or e-mail + password. Office staff continue to the two-factor step."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return _home_for(self.request.user)

    def get_success_url(self):
        url = super().get_success_url()
        if needs_otp(self.request.user):
            return _with_next("accounts:otp_verify", url)
        return url


class LogoutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET)."""


# --- engineer sign-up and activation ---------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("national_id")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_home_for(request.user))
    form = SignupForm(request.POST or None)
    refusal_code = None
    if request.method == "POST" and too_many(
        request, "signup", limit=settings.EVIZE_SIGNUP_RATE_LIMIT, window=3600
    ):
        # Sign-up tells whether a sicil no and a national ID belong together: limit the guesses.
        form.is_valid()
        form.add_error(
            None, _("Too many sign-up attempts from your connection. Please try again in an hour.")
        )
        return render(
            request, "accounts/signup.html", {"form": form, "refusal_code": "rate_limited"}, status=429
        )
    if request.method == "POST" and form.is_valid():
        try:
            result = account_signup(
                actor=None,
                sicil_no=form.cleaned_data["sicil_no"],
                national_id=form.cleaned_data["national_id"],
                language=form.cleaned_data["language"],
            )
        except SignupRefused as refusal:
            form.add_error(refusal.field, refusal.message)
            refusal_code = refusal.code
        else:
            request.session[SIGNUP_SENT_SESSION_KEY] = {
                "email": mask_email(result.user.member.email),
                "resent": not result.created,
            }
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form, "refusal_code": refusal_code})


@require_http_methods(["GET"])
def signup_done(request: HttpRequest) -> HttpResponse:
    sent = request.session.get(SIGNUP_SENT_SESSION_KEY)
    if not sent:
        return redirect("accounts:signup")
    return render(
        request,
        "accounts/signup_done.html",
        {
            "masked_email": sent["email"],
            "resent": sent["resent"],
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


class ActivateView(auth_views.PasswordResetConfirmView):
    """The link in the activation e-mail: choose a password, then the account is active."""

    template_name = "accounts/activate.html"
    token_generator = account_activation_token
    reset_url_token = "parola-belirle"  # noqa: S105 - a URL segment, not a password

    def form_valid(self, form):
        try:
            user = account_activate(
                actor=self.user, user=self.user, password=form.cleaned_data["new_password1"]
            )
        except ActivationNotPossible:
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        auth_login(self.request, user, backend=LOGIN_BACKEND)
        messages.success(self.request, _("Your account is active. Welcome to e-Vize."))
        return redirect("core:dashboard")


# --- passwords ---------------------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    reset_url_token = "yeni-parola"  # noqa: S105 - a URL segment, not a password
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        user_set_password(
            actor=self.user, user=self.user, password=form.cleaned_data["new_password1"], via="reset"
        )
        self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@method_decorator(role_required(*User.Role.values), name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        user = user_set_password(
            actor=self.request.user,
            user=self.request.user,
            password=form.cleaned_data["new_password1"],
            via="change",
        )
        update_session_auth_hash(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(role_required(*User.Role.values), name="dispatch")
class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- staff two-factor ---------------------------------------------------------------------------------


def _otp_error(check) -> str:
    if check.locked_until is not None:
        return _("Too many wrong codes. Please wait a little and try again with a new code.")
    return _("The code is not correct. Please enter the code currently shown by your authenticator app.")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request, _home_for(user))
    if not needs_otp(user):
        return redirect(next_url)
    if not otp_has_device(user):
        return redirect(_with_next("accounts:otp_setup", next_url))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp_verify(actor=user, token=form.cleaned_data["token"])
        if check.ok:
            django_otp.login(request, check.device)
            return redirect(next_url)
        form.add_error("token", _otp_error(check))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped_secret(device) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """First two-factor set-up. Only while the user has no confirmed device: a second device can
    only be added after the chamber administrator removes the old one in the admin."""
    user = request.user
    next_url = _safe_next(request, _home_for(user))
    if not needs_otp(user):
        return redirect(next_url)
    if otp_has_device(user):
        return redirect(_with_next("accounts:otp_verify", next_url))
    device = otp_setup_device(actor=user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp_device_confirm(actor=user, device=device, token=form.cleaned_data["token"])
        if check.ok:
            django_otp.login(request, check.device)
            messages.success(request, _("Two-step verification is set up."))
            return redirect(next_url)
        form.add_error("token", _otp_error(check))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_data_uri": _qr_data_uri(device.config_url),
            "secret": _grouped_secret(device),
            "issuer": getattr(settings, "OTP_TOTP_ISSUER", "e-Vize"),
        },
    )
