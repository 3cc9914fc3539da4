"""Reading visas: the public verification's view of a visa and of an uploaded file, and the
office's lists. Nothing personal beyond the engineers' names, district and parcel."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from . import checks
from .models import Visa, VisaFile

PUBLIC_STATES = (Visa.State.VALID, Visa.State.REVOKED, Visa.State.SUPERSEDED)


def visa_by_slug(slug: str) -> Visa | None:
    return Visa.objects.filter(slug=slug, state__in=PUBLIC_STATES).select_related("application").first()


def visa_by_number(number: str) -> Visa | None:
    from .services import slug_of

    number = (number or "").strip()
    if not number:
        return None
    return visa_by_slug(slug_of(number))


def _places(application) -> list[dict[str, str]]:
    places = []
    for deed in application.title_deeds.select_related("district").all():
        places.append(
            {
                "district": str(deed.district) if deed.district_id else "",
                "sheet_map": deed.sheet_map,
                "block": deed.block,
                "parcel": deed.parcel,
            }
        )
    return places


def _local(moment) -> str | None:
    return date_format(timezone.localtime(moment), "d.m.Y H:i") if moment else None


def public_summary(visa: Visa) -> dict[str, Any]:
    application = visa.application
    engineers = [
        f"{e.member.first_name} {e.member.last_name}".strip()
        for e in application.engineers.select_related("member").order_by("position", "pk")
    ]
    return {
        "number": visa.number,
        "state": visa.state,
        "state_label": str(visa.get_state_display()),
        "valid": visa.state == Visa.State.VALID,
        "issued_at": visa.issued_at.isoformat() if visa.issued_at else None,
        "revoked_at": visa.revoked_at.isoformat() if visa.revoked_at else None,
        "issued_on": _local(visa.issued_at),
        "revoked_on": _local(visa.revoked_at),
        "registration_number": application.registration_number or "",
        "engineers": engineers,
        "places": _places(application),
        "files": [
            {"name": f.file_name, "sha256": f.sha256, "size": f.size, "pages": f.pages}
            for f in visa.files.order_by("position", "pk")
        ],
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _signature_public(report: dict) -> dict[str, Any]:
    return {
        "field": report.get("field"),
        "kind": report.get("kind", "signature"),
        "signer": report.get("signer", ""),
        "signing_time": report.get("signing_time"),
        "ok": bool(report.get("ok")),
        "intact": bool(report.get("intact")),
        "valid": bool(report.get("valid")),
        "trusted": bool(report.get("trusted")),
        "modification_level": report.get("modification_level"),
        "problems": [p.get("message", "") for p in report.get("problems", [])],
    }


def verify_file(path: Path) -> dict[str, Any]:
    """Is this file exactly one of the visa'd files (SHA-256)? And do its signatures validate?"""
    sha256 = file_sha256(path)
    match = (
        VisaFile.objects.filter(sha256=sha256, visa__state__in=PUBLIC_STATES)
        .select_related("visa__application")
        .order_by("-visa__issued_at")
        .first()
    )
    try:
        with open(path, "rb") as fh:
            reports = [_signature_public(r) for r in checks.pdf_reports(fh)]
        readable = True
    except Exception:  # noqa: BLE001 - any unreadable upload is reported as such, never raised
        reports, readable = [], False
    return {
        "sha256": sha256,
        "matches": match is not None,
        "file_name": match.file_name if match else None,
        "visa": public_summary(match.visa) if match else None,
        "readable_pdf": readable,
        "signatures": reports,
        "signatures_ok": bool(reports) and all(r["ok"] for r in reports),
        "genuine": match is not None and match.visa.state == Visa.State.VALID,
    }


def office_visas(*, state: str | None = None) -> QuerySet[Visa]:
    qs = Visa.objects.select_related("application", "issued_by").order_by("-year", "-seq")
    if state:
        qs = qs.filter(state=state)
    return qs


def application_visas(application) -> QuerySet[Visa]:
    """The application's visas, newest first, with their files (for the application page: two
    queries whatever the number of visas and files)."""
    return application.visas.order_by("-year", "-seq").prefetch_related(
        Prefetch("files", queryset=VisaFile.objects.select_related("blob").order_by("position", "pk"))
    )


def visa_file_for_user(user, pk) -> VisaFile:
    """A visa'd file `user` may download: the application's engineers and the office staff (the
    applications app decides who sees an application); Http404 for anyone else."""
    from evize.applications.selectors import get_application_for

    try:
        visa_file = VisaFile.objects.select_related("blob", "visa").get(
            pk=int(pk), visa__state__in=PUBLIC_STATES
        )
    except (VisaFile.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    get_application_for(user, visa_file.visa.application_id)
    return visa_file
