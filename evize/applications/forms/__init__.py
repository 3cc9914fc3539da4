"""Forms of the application form: one dialog form per section, plus the autosaved single fields."""

from .base import SectionForm
from .engineers import EngineerForm, engineer_prefill
from .fields import TurkishDecimalField
from .single import AUTOSAVE_FIELDS, ApplicationFieldsForm
from .site import BuildingForm, ProjectRecordForm, ProjectSubjectForm, TitleDeedForm
from .structure import (
    CoefficientForm,
    DuctilityForm,
    ExistingMaterialForm,
    FoundationDataForm,
    FoundationForm,
    MaterialForm,
    SlabForm,
    SuperstructureForm,
    SystemFeaturesForm,
)

__all__ = [
    "AUTOSAVE_FIELDS",
    "ApplicationFieldsForm",
    "BuildingForm",
    "CoefficientForm",
    "DuctilityForm",
    "EngineerForm",
    "ExistingMaterialForm",
    "FoundationDataForm",
    "FoundationForm",
    "MaterialForm",
    "ProjectRecordForm",
    "ProjectSubjectForm",
    "SectionForm",
    "SlabForm",
    "SuperstructureForm",
    "SystemFeaturesForm",
    "TitleDeedForm",
    "TurkishDecimalField",
    "engineer_prefill",
]
