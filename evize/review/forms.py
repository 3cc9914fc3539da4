from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from evize.accounts.models import User
from evize.documents.selectors import current_documents

from .models import Note


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Control engineer"),
        queryset=User.objects.none(),
        empty_label=_("— choose —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = User.objects.filter(
            role=User.Role.CONTROL_ENGINEER, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["reviewer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class NoteForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Note.Category.choices)
    document = forms.ModelChoiceField(
        label=_("Document"), queryset=None, required=False, empty_label=_("— none (the whole application) —")
    )
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)
    x = forms.FloatField(label=_("x (pt)"), min_value=0, required=False)
    y = forms.FloatField(label=_("y (pt)"), min_value=0, required=False)
    w = forms.FloatField(label=_("width (pt)"), min_value=0, required=False)
    h = forms.FloatField(label=_("height (pt)"), min_value=0, required=False)
    shape = forms.ChoiceField(
        label=_("Drawn as"), choices=Note.Shape.choices, required=False, initial=Note.Shape.RECTANGLE
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = current_documents(application)
        self.fields["document"].label_from_instance = lambda d: f"{d.document_type} · {d.file_name}"

    def clean(self):
        data = super().clean()
        coords = [data.get(k) for k in ("x", "y", "w", "h")]
        if any(c is not None for c in coords[:2]):
            if None in coords[:2]:
                raise forms.ValidationError(_("Give both x and y, or neither."))
            if not data.get("document") or not data.get("page"):
                raise forms.ValidationError(_("A place on a page needs a document and a page number."))
            data["rect"] = {
                "x": coords[0],
                "y": coords[1],
                "w": coords[2] or 0,
                "h": coords[3] or 0,
                "shape": data.get("shape") or Note.Shape.RECTANGLE,
            }
        else:
            data["rect"] = None
        if data.get("page") and not data.get("document"):
            raise forms.ValidationError(_("A page number needs a document."))
        return data

    @classmethod
    def initial_for(cls, note: Note) -> dict:
        rect = note.rect or {}
        return {
            "category": note.category,
            "document": note.document_id,
            "page": note.page,
            "text": note.text,
            **{k: rect.get(k) for k in ("x", "y", "w", "h")},
            "shape": rect.get("shape", Note.Shape.RECTANGLE),
        }


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
