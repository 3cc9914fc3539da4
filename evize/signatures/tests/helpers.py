"""Shared steps of the signature tests."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from evize.core.testing import require_tool
from evize.signatures import files, services, validation
from evize.signatures.testing.scenario import sign_with


def chain_of(issued) -> tuple[bytes, ...]:
    """The intermediates a token usually carries (not the root)."""
    return tuple(c.public_bytes(serialization.Encoding.DER) for c in issued.chain()[:-1])


def sign_round(user, issued, application, *, tamper=None):
    session, token = services.signing_session_start(actor=user, application=application)
    plan = services.signing_session_certificate(
        token=token, certificate_der=issued.der, chain_der=chain_of(issued)
    )
    signatures = {
        item.ref: sign_with(issued, (tamper or (lambda b: b))(item.to_be_signed)) for item in plan.items
    }
    outcome = services.signing_session_signatures(token=token, signatures=signatures)
    return session, plan, outcome


def file_bytes(round_file) -> bytes:
    return b"".join(files.iter_file(round_file))


def pyhanko_reports(data: bytes) -> list[dict]:
    """Validate every signature afresh (the digest recomputed over the whole file)."""
    return validation.validate_stream(io.BytesIO(data))


def nss_db(tmp_path: Path, root_pem: bytes) -> Path:
    certutil = require_tool("certutil", "pdfsig needs an NSS database (libnss3-tools)")
    db = tmp_path / "nssdb"
    db.mkdir(exist_ok=True)
    (db / "root.pem").write_bytes(root_pem)
    subprocess.run([certutil, "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        [
            certutil,
            "-A",
            "-n",
            "evize-test-root",
            "-t",
            "CT,C,C",
            "-i",
            str(db / "root.pem"),
            "-d",
            f"sql:{db}",
        ],
        check=True,
        capture_output=True,
    )
    return db


def pdfsig(path: Path, db: Path) -> str:
    """Poppler's independent verdict. (Its -no-ocsp option breaks certificate validation in
    poppler 22, so the OCSP responder of the test PKI must be up.)"""
    tool = require_tool(shutil.which("pdfsig") or "pdfsig", "signed files are checked with Poppler's pdfsig")
    result = subprocess.run(
        [tool, "-nssdir", f"sql:{db}", str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr
