"""Step 4: the engineers of the application, found by their registry number (sicil no)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evize.registry.models import Member
from evize.registry.selectors import member_by_sicil
from evize.registry.validators import national_id_error

from ..models import ApplicationEngineer
from .base import SectionForm

_PHONE = re.compile(r"^\+?[\d\s()./-]+$")
OFFICE_FIELDS = ("office_tax_no", "office_name", "office_registration_no")


def member_problem(member: Member) -> str | None:
    """Why `member` cannot be an engineer on an application, said about a third person."""
    if member.status != Member.Status.ACTIVE:
        return str(
            _("This engineer's chamber membership is not active; they cannot be added to an application.")
        )
    if member.standing_problem() is not None:
        return str(_("This engineer's membership dues are not paid up to date; they cannot be added."))
    return None


class EngineerForm(SectionForm):
    """One engineer: found by sicil no (the name comes from the registry and cannot be typed),
    e-mail, the national ID inside their e-signature, phone, and the office details."""

    sicil_no = forms.CharField(
        label=_("Registry number (sicil no)"),
        max_length=20,
        help_text=_("Type the registry number and choose the engineer from the list; the name fills in."),
    )
    refresh_fields = {"works_as_office": OFFICE_FIELDS}

    class Meta:
        model = ApplicationEngineer
        fields = [
            "email",
            "national_id",
            "phone",
            "works_as_office",
            "office_tax_no",
            "office_name",
            "office_registration_no",
        ]
        labels = {"national_id": _("National ID number (as in the e-signature)")}
        help_texts = {
            "national_id": _("The identity number inside your electronic signature certificate."),
            "email": _("All correspondence about the application goes to this address."),
        }

    field_order = ["sicil_no", "email", "national_id", "phone", "works_as_office", *OFFICE_FIELDS]

    def setup(self) -> None:
        self.member: Member | None = None
        is_applicant_row = self.instance.pk is not None and self.instance.is_applicant
        if self.instance.pk is not None:
            self.initial.setdefault("sicil_no", self.instance.member.sicil_no)
        if is_applicant_row:
            # The applicant is the engineer who created the application: their row stays theirs.
            self.fields["sicil_no"].disabled = True
            self.fields["sicil_no"].help_text = _(
                "The applicant is the engineer who started the application."
            )
        sicil = self.current_sicil()
        self.member = member_by_sicil(sicil) if sicil else None
        self.fields["sicil_no"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["national_id"].widget.attrs.update({"inputmode": "numeric", "maxlength": "11"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["email"].widget.attrs.setdefault("autocomplete", "off")
        if self.works_as_office():
            for name in OFFICE_FIELDS:
                self.fields[name].required = True
        else:
            for name in OFFICE_FIELDS:
                del self.fields[name]

    def current_sicil(self) -> str:
        if self.fields["sicil_no"].disabled:
            return self.instance.member.sicil_no
        value = self.current("sicil_no")
        if value is None and self.instance.pk is not None:
            return self.instance.member.sicil_no
        return str(value or "").strip()

    def works_as_office(self) -> bool:
        if self.is_bound:
            return bool(self.data.get(self.add_prefix("works_as_office")))
        value = self.initial.get("works_as_office", self.instance.works_as_office)
        return value not in (None, False, "", "0", "false", "False")

    @property
    def member_name(self) -> str:
        return self.member.full_name if self.member else ""

    def clean_sicil_no(self) -> str:
        if self.fields["sicil_no"].disabled:
            return self.instance.member.sicil_no
        sicil = (self.cleaned_data.get("sicil_no") or "").strip()
        member = member_by_sicil(sicil)
        if member is None:
            raise ValidationError(
                _("There is no member with registry number “%(sicil)s”."), params={"sicil": sicil}
            )
        unchanged = self.instance.pk is not None and self.instance.member_id == member.pk
        if not unchanged:
            problem = member_problem(member)
            if problem:
                raise ValidationError(problem)
            others = ApplicationEngineer.objects.filter(application=self.application, member=member)
            if self.instance.pk is not None:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise ValidationError(_("This engineer is already on the application."))
        self.member = member
        return sicil

    def clean_national_id(self) -> str:
        value = (self.cleaned_data.get("national_id") or "").strip()
        error = national_id_error(value)
        if error:
            raise ValidationError(error)
        return value

    def clean_phone(self) -> str:
        value = " ".join((self.cleaned_data.get("phone") or "").split())
        digits = re.sub(r"\D", "", value)
        if not _PHONE.match(value) or not 7 <= len(digits) <= 15:
            raise ValidationError(_("Enter a phone number with digits, for example +90 392 123 45 67."))
        return value

    def save(self, commit=True):
        row = super().save(commit=False)
        if not row.works_as_office:
            for name in OFFICE_FIELDS:
                setattr(row, name, "")
        if commit:
            row.save()
        return row


def engineer_prefill(member: Member, *, own: bool) -> dict:
    """Values to fill in when an engineer is chosen: the office details from the registry, and
    for the user's own row also their e-mail, national ID and phone (never another member's)."""
    values: dict = {}
    if member.office_name:
        values.update(
            works_as_office=True,
            office_tax_no=member.office_tax_no,
            office_name=member.office_name,
            office_registration_no=member.office_registration_no,
        )
    if own:
        values.update(email=member.email, national_id=member.national_id, phone=member.phone)
    return values
