"""The form's sections in the "Başvuru Formu" PDF (rendered by evize.documents.formpdf, which
starts with the application and its engineers; this adds every other section)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Application
from .numbers import format_decimal
from .sections import SECTIONS, SET, SINGLE


def form_sections(application: Application) -> list:
    from evize.documents.formpdf import FormSection

    from .selectors import application_with_sections

    app = application_with_sections().get(pk=application.pk)
    result = []
    for section in SECTIONS:
        if section.key == "engineers":
            continue
        title = f"{_('Step %(step)s') % {'step': section.step}} · {section.title}"
        table = section.table(app)
        if section.mode == SINGLE:
            rows = [(str(label), str(value) or "—") for _row, pairs in table for label, value in pairs]
        elif section.mode == SET:
            rows = (
                [(str(section.columns[0].label), ", ".join(str(cells[0][0]) for _row, cells in table))]
                if table
                else []
            )
        else:
            rows = [
                (
                    f"{index}.",
                    "; ".join(
                        f"{column.label}: {value}"
                        for column, (value, _numeric) in zip(section.columns, cells, strict=True)
                        if value
                    ),
                )
                for index, (_row, cells) in enumerate(table, start=1)
            ]
        result.append(FormSection(title=title, rows=rows))
    cost = f"{format_decimal(app.construction_cost, 2)} TL" if app.construction_cost is not None else "—"
    result.append(
        FormSection(
            title=f"{_('Step %(step)s') % {'step': 17}} · {_('Total Construction Cost and Project Fee')}",
            rows=[
                (_("Total construction cost (TL)"), cost),
                (_("Project fee type"), app.fee_type.name if app.fee_type else "—"),
                (_("Earthquake code"), app.earthquake_code.name if app.earthquake_code else "—"),
            ],
        )
    )
    return result
