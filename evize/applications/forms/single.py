"""Single values of the form outside the dialogs, saved as they are typed (autosave): the earthquake
code (step 11), the total construction cost and the project fee type (step 17), the note to the
visa office (step 19)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evize.catalog import models as catalog
from evize.catalog.selectors import options_for

from ..models import Application
from .base import CHOOSE
from .fields import TurkishDecimalField

AUTOSAVE_FIELDS = ("earthquake_code", "construction_cost", "fee_type", "note_to_office")
TYPED_FIELDS = ("construction_cost", "note_to_office")  # saved while typing, not only on change


class ApplicationFieldsForm(forms.Form):
    earthquake_code = forms.ModelChoiceField(
        label=_("Earthquake code"),
        queryset=catalog.EarthquakeCode.objects.none(),
        required=False,
        help_text=_("The coefficients below are offered for this code."),
    )
    construction_cost = TurkishDecimalField(
        label=_("Total construction cost (TL)"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        min_exclusive=True,
        max_value=10_000_000_000_000,
        unit="TL",
        display_places=2,
        required=False,
        help_text=_("The cost declared for the project, in Turkish lira, e.g. 2.450.000,00."),
    )
    fee_type = forms.ModelChoiceField(
        label=_("Project fee type"), queryset=catalog.FeeType.objects.none(), required=False
    )
    note_to_office = forms.CharField(
        label=_("Notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        help_text=_(
            "If there is something special about your project that the visa office should know, "
            "write it here."
        ),
    )

    def __init__(self, *args, application: Application, only: str | None = None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "earthquake_code": application.earthquake_code_id,
                "construction_cost": application.construction_cost,
                "fee_type": application.fee_type_id,
                "note_to_office": application.note_to_office,
            },
        )
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["earthquake_code"].queryset = options_for(
            catalog.EarthquakeCode, include=application.earthquake_code_id
        )
        self.fields["fee_type"].queryset = options_for(catalog.FeeType, include=application.fee_type_id)
        for name in ("earthquake_code", "fee_type"):
            self.fields[name].empty_label = CHOOSE
        if only is not None:
            for name in list(self.fields):
                if name != only:
                    del self.fields[name]
        for name, field in self.fields.items():
            url = reverse("applications:field_save", args=[application.pk, name])
            trigger = "change, input changed delay:800ms" if name in TYPED_FIELDS else "change"
            field.widget.attrs.update(
                {
                    "hx-post": url,
                    "hx-trigger": trigger,
                    "hx-target": f"#status-{name}",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                    "aria-describedby": f"status-{name}",
                    "data-autosave": "1",
                }
            )
