"""One-time tokens in e-mail links."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Token in the account activation link.

    Its own key salt, so a password reset token is never accepted as an activation token (and the
    other way round). It stops working once the account is active (the hash includes `is_active`
    and the password) and after settings.PASSWORD_RESET_TIMEOUT seconds.
    """

    key_salt = "evize.accounts.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{int(bool(user.is_active))}"


account_activation_token = AccountActivationTokenGenerator()
