"""Signing benchmark: prepare and finish a PAdES signature of a generated large PDF the way the
server does it for the signer agent, compared with `sha256sum` of the same file in the same run.

    .venv/bin/python bench/sign.py [--size-mb 1024] [--rounds 3] [--tsa]

- baseline: `sha256sum FILE` (reads and hashes the file once);
- prepare: pyHanko interrupted signing over the file as an immutable base plus a small tail
  (evize.signatures.pdf.prepare: append the signature field and placeholder, digest the byte range,
  build the signed attributes the token signs);
- finish: the signature value (from a software key, standing in for the token) is embedded
  (evize.signatures.pdf.finish); with --tsa an in-process time-stamping authority makes it B-T;
- bytes exchanged with the agent per document: the agent protocol's JSON for one document
  (the server's "what to sign" answer and the agent's signature), as sent on the wire.

Medians of --rounds runs; page cache warmed first so both sides read from memory. The validation
that follows signing on the server reuses the byte-range digest computed in prepare (no re-hash)
and is reported separately.

Goal: sha256sum time / (prepare + finish) ≥ 0.6.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asn1crypto import keys as asn1_keys  # noqa: E402
from asn1crypto import x509 as asn1_x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from evize.signatures import pdf  # noqa: E402
from evize.signatures.base import PlanItem, SigningPlan  # noqa: E402
from evize.signatures.contrib.evize_agent.protocol import EvizeAgentProtocol  # noqa: E402
from evize.signatures.pki import hierarchy  # noqa: E402
from evize.signatures.splice import SplicedFile  # noqa: E402
from evize.signatures.testing.scenario import sign_with  # noqa: E402

CHUNK = 8 * 1024 * 1024


def write_large_pdf(path: Path, size: int) -> None:
    """A valid one-page PDF of about `size` bytes: the bulk is an unused stream object."""
    block = os.urandom(CHUNK)
    offsets = []
    with open(path, "wb") as out:
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

        def obj(body: bytes) -> None:
            offsets.append(out.tell())
            out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")

        obj(b"<< /Type /Catalog /Pages 2 0 R >>")
        obj(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        obj(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>")
        content = b"BT /F1 12 Tf 72 770 Td (e-Vize bench) Tj ET"
        obj(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        filler = max(0, size - 1024)
        offsets.append(out.tell())
        out.write(b"5 0 obj\n<< /Length %d >>\nstream\n" % filler)
        remaining = filler
        while remaining > 0:
            piece = block[: min(CHUNK, remaining)]
            out.write(piece)
            remaining -= len(piece)
        out.write(b"\nendstream\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref))


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def sha256sum(path: Path) -> float:
    seconds, _ = timed(lambda: subprocess.run(["sha256sum", str(path)], check=True, capture_output=True))
    return seconds


def dummy_timestamper(pki):
    from pyhanko.sign.timestamps import DummyTimeStamper

    tsa = pki.tsa
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        certs_to_embed=[
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in tsa.chain()
        ],
    )


def one_round(path: Path, size: int, issued, signer: pdf.SignerInfo, timestamper):
    with open(path, "rb", buffering=0) as base:
        stream = SplicedFile(base, base_size=size)
        t_prepare, prepared = timed(
            lambda: pdf.prepare(stream, signer=signer, field_name="Imza_T1_1847", timestamper=timestamper)
        )
        signature = sign_with(issued, prepared.to_be_signed)  # on the token, not the server
        stream = SplicedFile(base, prepared.increment, base_size=size)
        t_finish, _ = timed(
            lambda: pdf.finish(stream, prepared, signer=signer, signature=signature, timestamper=timestamper)
        )
        t_validate, report = timed(
            lambda: validate_known_digest(
                stream, prepared, issued.chain()[-1].public_bytes(serialization.Encoding.DER)
            )
        )
    return t_prepare, t_finish, t_validate, prepared, signature, bytes(stream.tail), report


def validate_known_digest(stream: SplicedFile, prepared: pdf.Prepared, root_der: bytes) -> dict:
    """pyHanko's full signature validation (integrity, signature, chain, modifications) with the
    byte-range digest taken from prepare, as the server does right after finishing."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    async def run():
        stream.seek(0)
        embedded = pdf.embedded_signature(PdfFileReader(stream, strict=False), prepared.field_name)
        embedded.external_digests["sha256"] = prepared.document_digest
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(root_der)], revocation_mode="soft-fail"
        )
        try:
            status = await async_validate_pdf_signature(embedded, context)
        finally:
            await context.aclose()
        return {"intact": status.intact, "valid": status.valid, "trusted": status.trusted}

    return asyncio.run(run())


def wire_bytes(prepared: pdf.Prepared, signature: bytes, size: int) -> tuple[int, int]:
    protocol = EvizeAgentProtocol()
    item = PlanItem(
        ref="1", file_name="pafta-1GB.pdf", sha256="0" * 64, size=size, to_be_signed=prepared.to_be_signed
    )
    plan = SigningPlan(
        session_id="00000000-0000-0000-0000-000000000000",
        application_number="2026/00042",
        round_number=1,
        signer_name="Ayşe Yılmaz",
        expires_at="2026-01-01T00:00:00+00:00",
        items=(item,),
    )
    with_item = len(json.dumps(protocol.render_plan(plan), ensure_ascii=False).encode())
    without = len(
        json.dumps(
            protocol.render_plan(SigningPlan(**{**plan.__dict__, "items": ()})), ensure_ascii=False
        ).encode()
    )
    import base64

    answer = len(json.dumps({"ref": "1", "signature": base64.b64encode(signature).decode()}).encode()) + 2
    return with_item - without, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--tsa", action="store_true", help="time-stamp the signature (PAdES B-T, in-process TSA)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated and signed files")
    args = parser.parse_args()

    size_target = args.size_mb * 1024 * 1024
    pki = hierarchy(name="e-Vize Bench")
    issued = pki.intermediate.issue_signer(
        given_name="Ayşe", surname="Yılmaz", national_id="62049292914", id_prefix="PNOTR-"
    )
    signer = pdf.SignerInfo(
        certificate_der=issued.der,
        chain_der=tuple(c.public_bytes(serialization.Encoding.DER) for c in issued.chain()),
        name="Ayşe Yılmaz",
    )
    timestamper = dummy_timestamper(pki) if args.tsa else None
    with tempfile.TemporaryDirectory(prefix="evize-bench-sign-") as tmp:
        path = Path(tmp) / "large.pdf"
        print(f"generating a {args.size_mb} MB PDF …", flush=True)
        write_large_pdf(path, size_target)
        size = path.stat().st_size
        sha256sum(path)  # warm the page cache
        baselines, prepares, finishes, validations = [], [], [], []
        for number in range(1, args.rounds + 1):
            baselines.append(sha256sum(path))
            t_prepare, t_finish, t_validate, prepared, signature, tail, report = one_round(
                path, size, issued, signer, timestamper
            )
            prepares.append(t_prepare)
            finishes.append(t_finish)
            validations.append(t_validate)
            assert report["intact"] and report["valid"] and report["trusted"], report
            print(
                f"round {number}: sha256sum {baselines[-1]:.2f}s · prepare {t_prepare:.2f}s · "
                f"finish {t_finish:.3f}s · validate {t_validate:.3f}s",
                flush=True,
            )
        if args.keep:
            signed = Path.cwd() / "bench-signed.pdf"
            with open(signed, "wb") as out, open(path, "rb") as base:
                while piece := base.read(CHUNK):
                    out.write(piece)
                out.write(tail)
            print(f"signed file: {signed}")
        to_agent, from_agent = wire_bytes(prepared, signature, size)

    baseline = statistics.median(baselines)
    prepare = statistics.median(prepares)
    finish = statistics.median(finishes)
    ratio = baseline / (prepare + finish)
    print()
    print(f"file: {size / 1024**2:.0f} MB, PAdES {'B-T' if args.tsa else 'B-B'}")
    print(f"sha256sum                 {baseline:8.3f} s")
    print(f"prepare (server)          {prepare:8.3f} s")
    print(f"finish (server)           {finish:8.3f} s")
    print(f"validation after finish   {statistics.median(validations):8.3f} s  (digest from prepare)")
    print(f"ratio sha256sum/(prepare+finish) = {ratio:.2f}×  (goal ≥ 0.60×)")
    total = to_agent + from_agent
    print(
        f"bytes exchanged with the agent per document: {to_agent} to the agent + {from_agent} back = {total}"
    )
    print(f"bytes appended to the file by the signature: {len(tail)}")
    return 0 if ratio >= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
