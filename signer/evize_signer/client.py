"""The agent's requests to the e-Vize server (standard library only; TLS verified by default)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Sequence

from . import __version__

PATH_CERTIFICATE = "/imza/ajan/sertifika"
PATH_SIGNATURES = "/imza/ajan/imzalar"
PATH_CANCEL = "/imza/ajan/iptal"


class ServerRefused(Exception):
    def __init__(self, message: str, code: str = "", status: int = 0):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class ServerClient:
    def __init__(self, server_url: str, *, timeout: float = 600.0):
        self.server_url = server_url.rstrip("/")
        self.timeout = timeout
        self.bytes_sent = 0
        self.bytes_received = 0

    def _post(self, path: str, token: str, payload: dict) -> dict:
        body = json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 - the server URL is checked to be http(s) by the CLI
            self.server_url + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {token}",
                "User-Agent": f"evize-signer/{__version__}",
            },
        )
        self.bytes_sent += len(body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                data = response.read()
        except urllib.error.HTTPError as exc:
            data = exc.read()
            self.bytes_received += len(data)
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            raise ServerRefused(
                answer.get("message") or f"HTTP {exc.code}", answer.get("code", ""), exc.code
            ) from exc
        except urllib.error.URLError as exc:
            raise ServerRefused(f"e-Vize server unreachable: {exc.reason}", "unreachable") from exc
        self.bytes_received += len(data)
        return json.loads(data)

    def send_certificate(self, token: str, certificate: bytes, chain: Sequence[bytes]) -> dict:
        return self._post(
            PATH_CERTIFICATE,
            token,
            {
                "v": 1,
                "certificate": b64(certificate),
                "chain": [b64(c) for c in chain],
                "agent": f"evize-signer {__version__}",
            },
        )

    def send_signatures(self, token: str, signatures: list[dict]) -> dict:
        return self._post(PATH_SIGNATURES, token, {"v": 1, "signatures": signatures})

    def cancel(self, token: str, reason: str) -> None:
        try:
            self._post(PATH_CANCEL, token, {"v": 1, "reason": reason[:200]})
        except ServerRefused:
            pass
