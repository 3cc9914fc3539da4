from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evize.applications.numbers import NumberError, parse_decimal

from .models import FeeKind, PaymentAttempt


class PaymentFilterForm(forms.Form):
    """Filters of the office's payment list (also used by the exports)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(PaymentAttempt.Status.choices)
    )
    kind = forms.ChoiceField(label=_("Fee"), required=False, choices=[("", _("All"))] + list(FeeKind.choices))
    date_from = forms.DateField(
        label=pgettext_lazy("date filter", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date filter", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    number = forms.CharField(label=_("Registration number"), required=False, max_length=20)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AmountField(forms.CharField):
    """An amount in TL as people type it: "1.250,50", "1250,50" or "1250.50"."""

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            amount = parse_decimal(text)
        except NumberError:
            raise forms.ValidationError(_("Enter an amount such as 1.250,00."), code="invalid") from None
        if amount < 0:
            raise forms.ValidationError(_("The amount must be 0 or more."), code="min_value")
        if amount != amount.quantize(Decimal("0.01")) or amount >= Decimal("1e12"):
            raise forms.ValidationError(_("Enter an amount such as 1.250,00."), code="invalid")
        return amount


class FeeOverrideForm(forms.Form):
    amount = AmountField(
        label=_("Amount to pay (TL)"),
        help_text=_("0 waives the fee."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": "20"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit trail with your name."),
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refund"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit trail with your name."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the whole amount is to be given back to the card."), required=True
    )
