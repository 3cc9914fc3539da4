"""manage.py validate_pdf FILE [--json]: every signature of a PDF, checked against the configured
trust anchors (EVIZE_SIGNATURE_TRUST_ANCHORS), with revocation per EVIZE_SIGNATURE_REVOCATION_MODE.

Exit status 0 only when the file has at least one signature and every signature is intact, valid,
trusted and carries a national ID."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evize.signatures.validation import validate_stream

FIELDS = (
    "field",
    "signer",
    "national_id",
    "signing_time",
    "timestamp",
    "level",
    "intact",
    "valid",
    "trusted",
    "revoked",
    "coverage",
    "modification_level",
)


def acceptable(report: dict) -> bool:
    return all(report.get(key) for key in ("intact", "valid", "trusted", "national_id")) and not report.get(
        "revoked"
    )


class Command(BaseCommand):
    help = "Validate every signature in a PDF with the configured trust anchors."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print a JSON report")

    def handle(self, *args, file: Path, json: bool = False, **options):  # noqa: A002
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        with open(file, "rb") as fh:
            try:
                reports = validate_stream(fh)
            except Exception as exc:  # noqa: BLE001 - any unreadable PDF is reported, not traced
                raise CommandError(f"{file}: not a readable PDF ({exc})") from exc
        ok = bool(reports) and all(acceptable(r) for r in reports)
        if json:
            self.stdout.write(
                _json_dump({"file": str(file), "ok": ok, "signatures": [_public(r) for r in reports]})
            )
        else:
            self._print(file, reports, ok)
        if not ok:
            raise SystemExit(1)

    def _print(self, file: Path, reports: list[dict], ok: bool) -> None:
        self.stdout.write(f"{file}: {len(reports)} signature(s)")
        for index, report in enumerate(reports, start=1):
            self.stdout.write("")
            self.stdout.write(f"#{index} {report.get('field')}")
            self.stdout.write(f"  signer        {report.get('signer', '—')}")
            self.stdout.write(f"  national ID   {report.get('national_id') or '—'}")
            self.stdout.write(f"  signed at     {report.get('signing_time') or '—'}")
            self.stdout.write(
                f"  time stamp    {report.get('timestamp') or '—'}  (PAdES {report.get('level', '?')})"
            )
            for key in ("intact", "valid", "trusted", "revoked"):
                self.stdout.write(f"  {key:<13} {'yes' if report.get(key) else 'no'}")
            self.stdout.write(f"  coverage      {report.get('coverage')}")
            self.stdout.write(f"  modifications {report.get('modification_level')}")
            for problem in report.get("problems", []):
                self.stdout.write(f"  problem       {problem['message']}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("OK") if ok else self.style.ERROR("NOT ACCEPTABLE"))


def _public(report: dict) -> dict:
    data = {key: report.get(key) for key in FIELDS}
    data["problems"] = report.get("problems", [])
    certificate = report.get("certificate") or {}
    data["certificate"] = {k: certificate.get(k) for k in ("subject", "issuer", "serial", "sha256")}
    return data


def _json_dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
