"""The application aggregate (`application.py`) and the sections of its form (`sections.py`)."""

from .application import FINAL_STATUSES, Application, ApplicationEngineer, RegistrationCounter, Round, Status
from .sections import (
    Building,
    Coefficient,
    Direction,
    Ductility,
    ExistingMaterial,
    Foundation,
    FoundationData,
    Material,
    ProjectRecord,
    ProjectSubject,
    Slab,
    Superstructure,
    SystemFeatureChoice,
    TitleDeed,
)

__all__ = [
    "FINAL_STATUSES",
    "Application",
    "ApplicationEngineer",
    "Building",
    "Coefficient",
    "Direction",
    "Ductility",
    "ExistingMaterial",
    "Foundation",
    "FoundationData",
    "Material",
    "ProjectRecord",
    "ProjectSubject",
    "RegistrationCounter",
    "Round",
    "Slab",
    "Status",
    "Superstructure",
    "SystemFeatureChoice",
    "TitleDeed",
]
