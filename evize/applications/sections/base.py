"""What a section of the application form is: its title in the guide's words, its dialog form, the
columns of its table, and how a saved dialog is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from ..models import Application
from ..numbers import format_decimal

ROWS = "rows"  # a table of rows, each added / edited / deleted through the dialog
SINGLE = "single"  # one record, edited through the dialog
SET = "set"  # ticked boxes (system features)


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    numeric: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    step: str
    form_class: type
    columns: tuple[Column, ...]
    related_name: str
    model: type[models.Model] | None = None
    mode: str = ROWS
    intro: Any = ""
    max_rows: int | None = None
    required: bool = True
    dialog_template: str = "applications/dialogs/_section_form.html"
    writer: Callable[[Application, Any], Any] | None = None
    can_delete: Callable[[Any], bool] = field(default=lambda row: True)

    @property
    def is_rows(self) -> bool:
        return self.mode == ROWS

    def rows(self, application: Application) -> list:
        """The section's rows (uses the prefetched rows of `selectors.application_with_sections`)."""
        if self.mode == SINGLE:
            try:
                return [getattr(application, self.related_name)]
            except ObjectDoesNotExist:
                return []
        return list(getattr(application, self.related_name).all())

    def row(self, application: Application, row_pk: int | None):
        """The row being edited: a row of this application (404 otherwise); for a single-record
        section its record (or None when there is none yet); None for a new row."""
        if self.mode == SINGLE:
            return self.model.objects.filter(application=application).first()
        if self.mode == SET or row_pk is None:
            return None
        row = self.model.objects.filter(application=application, pk=row_pk).first()
        if row is None:
            raise Http404
        return row

    def is_full(self, application: Application) -> bool:
        if self.mode != ROWS or self.max_rows is None:
            return False
        return len(self.rows(application)) >= self.max_rows

    def table(self, application: Application) -> list[tuple[Any, list[Any]]]:
        """(row, [(value, numeric), …]) per row; for a single record, (row, [(label, value), …])."""
        if self.mode == SINGLE:
            return [
                (row, [(column.label, column.value(row)) for column in self.columns])
                for row in self.rows(application)
            ]
        return [
            (row, [(column.value(row), column.numeric) for column in self.columns])
            for row in self.rows(application)
        ]

    def write(self, application: Application, form) -> Any:
        if self.writer is not None:
            return self.writer(application, form)
        row = form.save(commit=False)
        row.application = application
        row.save()
        form.save_m2m()
        return row


def item(attr: str) -> Callable[[Any], str]:
    """A catalog item's name (in the active language), or an empty cell."""

    def value(row) -> str:
        obj = getattr(row, attr)
        return obj.name if obj is not None else ""

    return value


def text(attr: str) -> Callable[[Any], str]:
    def value(row) -> str:
        found = getattr(row, attr)
        return "" if found is None else str(found)

    return value


def number(attr: str, unit: str = "", places: int | None = None) -> Callable[[Any], str]:
    def value(row) -> str:
        amount = getattr(row, attr)
        if amount is None or amount == "":
            return ""
        text = format_decimal(amount, places)
        return f"{text}\u00a0{unit}" if unit else text

    return value
