from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from evize.registry.validators import validate_national_id

from .models import User


class SignupForm(forms.Form):
    sicil_no = forms.CharField(
        label=_("Registry number (sicil no)"),
        max_length=20,
        help_text=_("Your chamber (İMO) registry number. It will also be your user name."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "spellcheck": "false"}),
    )
    national_id = forms.CharField(
        label=_("National ID number"),
        max_length=11,
        validators=[validate_national_id],
        help_text=_("T.C. Kimlik No or KKTC identity number, as registered with the chamber."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=[],
        help_text=_("The language of the e-mails we send you."),
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own name ("Türkçe", "English"), as language pickers usually show them.
        self.fields["language"].choices = [
            (code, translation.get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        current = translation.get_language() or settings.LANGUAGE_CODE
        self.fields["language"].initial = current if current in dict(settings.LANGUAGES) else "tr"


class LoginForm(auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("Registry no or e-mail"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The registry number / e-mail or the password is not correct. If you have just signed up, "
            "first activate your account with the link in the e-mail we sent you."
        ),
        "inactive": _("This account is not active."),
    }


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        help_text=_("The code shown by the authenticator app on your phone."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isalnum():
            raise forms.ValidationError(_("Enter the code shown by your authenticator app."))
        return token


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; the e-mail goes out in the language the user chose."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("For engineers: the e-mail address registered with the chamber."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """The reset link goes through the outbox, rendered in the user's language."""
        from .services import account_send_password_reset

        account_send_password_reset(user=context["user"], uidb64=context["uid"], token=context["token"])


# --- admin -------------------------------------------------------------------------------------------


class _RoleCheckMixin:
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == User.Role.ENGINEER and not cleaned.get("member"):
            self.add_error("member", _("An engineer account must be linked to a chamber member."))
        return cleaned


class AdminUserCreationForm(_RoleCheckMixin, auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "language", "role", "member")


class AdminUserChangeForm(_RoleCheckMixin, auth_forms.UserChangeForm):
    actor = None  # set by the admin to the user making the change

    def clean(self):
        cleaned = super().clean()
        if self.actor is not None and self.instance.pk == self.actor.pk and "role" in self.changed_data:
            self.add_error("role", _("You cannot change your own role."))
        return cleaned

    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "language", "role", "member", "is_active")
