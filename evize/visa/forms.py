from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("Visa number"),
        required=False,
        max_length=30,
        help_text=_("As printed on the stamp, e.g. V-2026/00001."),
    )
    file = forms.FileField(
        label=_("Or a visa'd PDF file"),
        required=False,
        help_text=_("The file is checked and not kept."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(
                _("The file is not a PDF. Choose the visa'd PDF file."), code="not_pdf"
            )
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("number") and not data.get("file") and not self.has_error("file"):
            raise forms.ValidationError(_("Enter a visa number or choose a PDF file."))
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The engineers receive this reason by e-mail."),
    )
