"""What every section dialog form shares: catalog choices, dependent lists, refresh attributes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from evize.catalog.selectors import options_for

from ..models import Application
from ..text import capfirst_tr

CHOOSE = _("Choose…")


class SectionForm(forms.ModelForm):
    """A dialog form of one section row.

    `catalog_fields` maps field names to the reference list they choose from: the choices are the active
    items plus the value the row already holds (a retired value stays visible on old rows).
    Changing a field listed in `refresh_fields` re-renders the fields that depend on it (lists,
    prefills) through `refresh_url`, keeping everything typed.
    """

    catalog_fields: dict[str, type] = {}
    # A field whose change re-renders the fields that depend on it: {field: (dependent fields)}.
    refresh_fields: dict[str, tuple[str, ...]] = {}

    def __init__(self, *args, application: Application, refresh_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.refresh_url = refresh_url
        explicit = set(getattr(self._meta, "labels", None) or {}) | set(self.declared_fields)
        for name, field in self.fields.items():
            if name not in explicit:
                try:
                    model_field = self._meta.model._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                field.label = capfirst_tr(model_field.verbose_name)
        for name, model in self.catalog_fields.items():
            if name in self.fields:
                self.fields[name].queryset = options_for(
                    model, include=getattr(self.instance, f"{name}_id", None)
                )
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                field.empty_label = CHOOSE
            if getattr(field, "max_length", None) and isinstance(field.widget, forms.TextInput):
                field.widget.attrs.setdefault("maxlength", field.max_length)
        self.setup()
        self.add_refresh_attributes()

    def setup(self) -> None:
        """Adjust fields to the values chosen so far (dependent lists); see `current`."""

    def add_refresh_attributes(self) -> None:
        """Changing a field listed in `refresh_fields` fetches the dialog again with what is typed
        and swaps in only the fields that depend on it (nothing else typed is touched)."""
        if not self.refresh_url:
            return
        for name, dependents in self.refresh_fields.items():
            if name not in self.fields:
                continue
            targets = [f"#field-{dependent}" for dependent in dependents]
            attrs = {
                "hx-get": self.refresh_url,
                "hx-trigger": "change",
                "hx-target": targets[0],
                "hx-select": targets[0],
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-sync": "closest form:replace",
            }
            if targets[1:]:
                attrs["hx-select-oob"] = ",".join(targets[1:])
            self.fields[name].widget.attrs.update(attrs)

    @property
    def placeholders(self) -> list[str]:
        """Dependent fields not shown now: an empty place keeps where they appear when they do."""
        names = {dependent for dependents in self.refresh_fields.values() for dependent in dependents}
        return [name for name in sorted(names) if name not in self.fields]

    def current(self, name: str) -> Any:
        """The value of field `name` as typed (bound form), as prefilled (initial) or as saved."""
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        if name in self.initial:
            value = self.initial[name]
            return getattr(value, "pk", value) or None
        return getattr(self.instance, f"{name}_id", None) or getattr(self.instance, name, None) or None

    def current_item(self, name: str, model: type) -> Any:
        """The catalog item chosen in field `name` (None if nothing or not a valid choice)."""
        value = self.current(name)
        if value in (None, ""):
            return None
        if isinstance(value, model):
            return value
        try:
            return model._default_manager.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None
