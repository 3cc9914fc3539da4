"""Optional virus scan through clamd's INSTREAM command.

Configured with EVIZE_CLAMD_SOCKET (a Unix socket path) or EVIZE_CLAMD_HOST + EVIZE_CLAMD_PORT;
when neither is set, `clamd_configured()` is false and uploads are not scanned.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024


class ScannerUnavailable(Exception):
    """clamd is configured but could not give an answer."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def clamd_configured() -> bool:
    return bool(settings.EVIZE_CLAMD_SOCKET or settings.EVIZE_CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.EVIZE_CLAMD_TIMEOUT
    if settings.EVIZE_CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.EVIZE_CLAMD_SOCKET)
        return sock
    return socket.create_connection((settings.EVIZE_CLAMD_HOST, settings.EVIZE_CLAMD_PORT), timeout=timeout)


def clamd_scan(path: Path) -> ScanResult:
    """Stream the file to clamd (INSTREAM: length-prefixed chunks, then a zero length) and read
    its verdict: "stream: OK" or "stream: <signature> FOUND"."""
    try:
        with _connect() as sock, open(path, "rb") as fh:
            sock.sendall(b"zINSTREAM\0")
            while chunk := fh.read(CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = sock.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("OK"):
        return ScanResult(clean=True)
    if text.endswith("FOUND"):
        signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(clean=False, signature=signature)
    raise ScannerUnavailable(text or "empty reply")
