from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from .member_files import SUPPORTED_SUFFIXES
from .models import Member

MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024


class MemberAdminForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = (
            "sicil_no",
            "first_name",
            "last_name",
            "national_id",
            "email",
            "phone",
            "status",
            "dues_paid_until",
            "office_tax_no",
            "office_name",
            "office_registration_no",
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_national_id(self) -> str:
        return "".join(self.cleaned_data["national_id"].split())


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("Member list"),
        help_text=_(
            "A .csv or .xlsx file; row 1 holds the column titles (Sicil No, Ad, Soyad, TC Kimlik No, "
            "E-posta, Telefon, Durum, Aidat Ödeme Tarihi, Vergi Sicil No, Büro Adı, Büro Tescil No)."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (save nothing)"),
        required=False,
        help_text=_("Shows what the import would do without changing the registry."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_IMPORT_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        return upload
