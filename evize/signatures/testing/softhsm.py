"""A real PKCS#11 token for the tests: SoftHSM2 with its token folder in a temporary directory.

    token = SoftHsmToken.create(tmp_dir, label="evize", pin="1234")
    token.import_key(issued, label="muhendis", key_id="01")   # private key + certificate (+ chain)

SOFTHSM2_CONF is set in this process's environment (the library reads it when loaded).
"""

from __future__ import annotations

import os
import subprocess  # noqa: S404 - fixed tools, no shell
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

MODULE_PATHS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


def softhsm_module() -> str:
    override = os.environ.get("EVIZE_SOFTHSM_MODULE")
    if override:
        return override
    return next((p for p in MODULE_PATHS if os.path.exists(p)), MODULE_PATHS[0])


def _run(*args: str) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr or result.stdout}")
    return result.stdout


@dataclass
class SoftHsmToken:
    directory: Path
    label: str
    pin: str
    so_pin: str
    module: str

    @classmethod
    def create(
        cls, directory: Path, *, label: str = "evize-test", pin: str = "1234", so_pin: str = "5678"
    ) -> SoftHsmToken:
        directory = Path(directory)
        tokens = directory / "tokens"
        tokens.mkdir(parents=True, exist_ok=True)
        conf = directory / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
        os.environ["SOFTHSM2_CONF"] = str(conf)
        _run("softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", so_pin)
        return cls(directory=directory, label=label, pin=pin, so_pin=so_pin, module=softhsm_module())

    def import_key(self, issued, *, label: str, key_id: str = "01") -> None:
        """Put a certificate's private key and the certificate (and its CA chain) on the token."""
        key_path = self.directory / f"{label}.key.pem"
        key_path.write_bytes(
            issued.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        try:
            _run(
                "softhsm2-util",
                "--import",
                str(key_path),
                "--token",
                self.label,
                "--label",
                label,
                "--id",
                key_id,
                "--pin",
                self.pin,
            )
        finally:
            key_path.unlink(missing_ok=True)
        self._write_cert(issued.der, label=label, key_id=key_id)
        for index, ca in enumerate(issued.chain(), start=1):
            self._write_cert(
                ca.public_bytes(serialization.Encoding.DER),
                label=f"{label}-ca{index}",
                key_id=f"{key_id}c{index}",
            )

    def _write_cert(self, der: bytes, *, label: str, key_id: str) -> None:
        path = self.directory / f"{label}.der"
        path.write_bytes(der)
        _run(
            "pkcs11-tool",
            "--module",
            self.module,
            "--token-label",
            self.label,
            "--login",
            "--pin",
            self.pin,
            "--write-object",
            str(path),
            "--type",
            "cert",
            "--label",
            label,
            "--id",
            key_id,
        )


_SHARED: SoftHsmToken | None = None


def shared_token() -> SoftHsmToken:
    """One token per process: the PKCS#11 library reads SOFTHSM2_CONF once, when first loaded.
    Each test puts its own key on it under its own label."""
    global _SHARED
    if _SHARED is None:
        import tempfile

        _SHARED = SoftHsmToken.create(Path(tempfile.mkdtemp(prefix="evize-softhsm-")))
    return _SHARED


_counter = 0


def next_key_id() -> str:
    global _counter
    _counter += 1
    return f"{_counter:04x}"
