"""The applicant's "withdraw the application" confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 1000


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the application withdrawn?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The engineers of the application and the visa office will see this explanation."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, I want to withdraw this application. I understand that it is cancelled for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
