"""Test helpers: a completely filled-in application (every section, passing every pre-check) from
the real reference lists, and documents attached without going through the upload (the documents
app tests its own uploads)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from evize.applications.models import (
    Application,
    Building,
    Coefficient,
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
from evize.applications.services import application_create
from evize.catalog import models as catalog
from evize.catalog.selectors import coefficient_kinds_for, required_document_types, superstructure_factors

TBDY = "tbdy-2018"


def item(model, code: str):
    return model.objects.get(code=code)


def attach_document(application, document_type, *, uploaded_by, name: str = "belge.pdf"):
    from evize.documents.models import Blob, Document

    sha = hashlib.sha256(f"{application.pk}-{document_type.pk}-{name}".encode()).hexdigest()
    blob, _ = Blob.objects.get_or_create(sha256=sha, defaults={"size": 1024, "storage_key": f"test/{sha}"})
    return Document.objects.create(
        application=application,
        document_type=document_type,
        blob=blob,
        file_name=name,
        uploaded_by=uploaded_by,
    )


def attach_required_documents(application, *, uploaded_by) -> list:
    application.refresh_from_db()
    return [
        attach_document(application, document_type, uploaded_by=uploaded_by, name=f"{document_type.code}.pdf")
        for document_type in required_document_types(application.work_type)
    ]


def fill_sections(app: Application, *, work_type: str = "yeni-yapi") -> Application:
    """Fill every section of `app` with consistent values (a 4-storey RC building in Gönyeli)."""
    district, village = item(catalog.District, "lefkosa"), item(catalog.Village, "gonyeli")
    code = item(catalog.EarthquakeCode, TBDY)
    Application.objects.filter(pk=app.pk).update(
        work_type=item(catalog.WorkType, work_type),
        earthquake_code=code,
        construction_cost=Decimal("2450000.00"),
        fee_type=item(catalog.FeeType, "asgari-tarife"),
    )
    Building.objects.create(
        application=app,
        district=district,
        village=village,
        municipality=item(catalog.Municipality, "gonyeli-alaykoy"),
        address="Atatürk Caddesi No: 12",
        owners="Hüseyin Çelik",
        building_name="Çelik Apartmanı",
        basement_storeys=1,
        storeys_above_ground=4,
        total_area=Decimal("1250.50"),
        height=Decimal("12.60"),
        building_class=item(catalog.BuildingClass, "iii-b"),
        independent_units=8,
    )
    for parcel, area in (("345", Decimal("620.25")), ("346", Decimal("580.00"))):
        TitleDeed.objects.create(
            application=app,
            district=district,
            village=village,
            sheet_map="XXI/23",
            block="12",
            parcel=parcel,
            title_deed_no=f"K-{parcel}",
            area=area,
            owner="Hüseyin Çelik",
        )
    ProjectRecord.objects.create(
        application=app,
        project_type=item(catalog.ProjectType, "betonarme"),
        description="4 katlı konut",
        sheet_count=14,
        architect="Özlem Güneş",
    )
    apartment = item(catalog.BuildingCharacteristic, "apartman")
    ProjectSubject.objects.create(
        application=app,
        building_characteristic=apartment,
        purpose_of_use=item(catalog.PurposeOfUse, "konut"),
        floor_count=4,
        area=Decimal("1000.50"),
        unit_count=8,
    )
    ProjectSubject.objects.create(
        application=app,
        building_characteristic=apartment,
        purpose_of_use=item(catalog.PurposeOfUse, "otopark"),
        floor_count=1,
        area=Decimal("250.00"),
        unit_count=0,
    )
    Material.objects.create(
        application=app,
        structural_element=item(catalog.StructuralElement, "tum-elemanlar"),
        concrete_class=item(catalog.ConcreteClass, "c30-37"),
        reinforcing_steel=item(catalog.ReinforcingSteel, "b420c"),
    )
    if item(catalog.WorkType, work_type).involves_existing_building:
        ExistingMaterial.objects.create(
            application=app,
            structural_element=item(catalog.StructuralElement, "kolon"),
            concrete_class=item(catalog.ConcreteClass, "c16-20"),
            concrete_strength=Decimal("14.5"),
            reinforcing_steel=item(catalog.ReinforcingSteel, "s220a"),
        )
    for kind in coefficient_kinds_for(code):
        if kind.input_type == kind.InputType.CHOICE:
            option = catalog.CoefficientOption.objects.filter(kind=kind, earthquake_code=code).first()
            Coefficient.objects.create(application=app, kind=kind, option=option)
        else:
            Coefficient.objects.create(application=app, kind=kind, value=Decimal("0.5"))
    SystemFeatureChoice.objects.create(
        application=app, feature=item(catalog.SystemFeature, "duzensizlik-yok")
    )
    system, high = (
        item(catalog.SuperstructureSystem, "rc-cerceve-perde"),
        item(catalog.DuctilityLevel, "high"),
    )
    factor = superstructure_factors(code, system, high)
    for direction in ("x", "y"):
        Superstructure.objects.create(
            application=app, direction=direction, system=system, ductility_level=high, r=factor.r, d=factor.d
        )
    Ductility.objects.create(application=app, ductility_level=high)
    Slab.objects.create(application=app, slab_system=item(catalog.SlabSystem, "kirisli-plak"), thickness=15)
    Foundation.objects.create(
        application=app, foundation_system=item(catalog.FoundationSystem, "kirisli-radye")
    )
    FoundationData.objects.create(
        application=app,
        allowable_soil_stress=Decimal("250"),
        subgrade_modulus=Decimal("30000"),
        foundation_depth=Decimal("2.5"),
        groundwater_depth=Decimal("6"),
        soil_report="Zemin etüdü, 12.03.2026",
    )
    app.refresh_from_db()
    return app


def complete_application(*, user=None, work_type: str = "yeni-yapi", documents: bool = True) -> Application:
    """A draft with every section filled in and the required documents attached: no findings."""
    from evize.accounts.tests.factories import UserFactory

    user = user or UserFactory()
    app = fill_sections(application_create(actor=user), work_type=work_type)
    if documents:
        attach_required_documents(app, uploaded_by=user)
    return app
