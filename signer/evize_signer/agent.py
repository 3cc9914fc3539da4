"""The local service: 127.0.0.1 only, one allowed browser origin, one signing at a time.

    POST /sign   {"v": 1, "token": "<one-time signing token>"}   (from the e-Vize page)
                 → 202; the signing then runs here: certificate → server prepares → the signer
                   sees the files and enters the PIN → signatures → server embeds and validates
    GET  /status → {"name", "version", "busy", "last"}

Requests with another Origin, or a Host that is not this loopback address (DNS rebinding), are
refused. Chrome's Private Network Access preflight is answered for the allowed origin only.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import __version__
from .checks import SuspiciousRequest, check_to_be_signed
from .client import ServerClient, ServerRefused, b64
from .prompt import Prompt
from .tokens import Token, TokenError, WrongPin

logger = logging.getLogger("evize_signer")

TOKEN_RE = re.compile(r"^[A-Za-z0-9_\-]{20,200}$")
MAX_BODY = 4096
MAX_PIN_ATTEMPTS = 3


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Result:
    state: str  # "completed", "refused", "cancelled", "error"
    message: str = ""
    code: str = ""
    bytes_sent: int = 0
    bytes_received: int = 0
    documents: int = 0


@dataclass
class SigningAgent:
    """The signing flow, independent of HTTP (also usable from a script)."""

    server_url: str
    token_backend: Token
    prompt: Prompt
    client: ServerClient | None = None
    last: Result | None = None
    _busy: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        if self.client is None:
            self.client = ServerClient(self.server_url)

    @property
    def busy(self) -> bool:
        return self._busy.locked()

    def try_start(self, session_token: str) -> bool:
        """Start signing in a background thread; False if a signing is already running."""
        if not self._busy.acquire(blocking=False):
            return False
        thread = threading.Thread(
            target=self._run_locked, args=(session_token,), name="evize-sign", daemon=True
        )
        thread.start()
        return True

    def _run_locked(self, session_token: str) -> None:
        try:
            self.last = self.sign(session_token)
        finally:
            self._busy.release()

    def sign(self, session_token: str) -> Result:
        client = (
            ServerClient(self.server_url, timeout=self.client.timeout)
            if self.client
            else ServerClient(self.server_url)
        )
        try:
            certificate, chain = self.token_backend.certificate(ask_secret=self.prompt.ask_secret)
        except TokenError as exc:
            client.cancel(session_token, f"token: {exc}")
            self.prompt.notify(f"İmza iptal / cancelled: {exc}")
            return Result("cancelled", str(exc))
        try:
            plan = client.send_certificate(session_token, certificate, chain)
            documents = plan.get("documents", [])
            messages = [base64.b64decode(item["to_be_signed"]) for item in documents]
            for message in messages:
                check_to_be_signed(message, certificate)
            signatures = None
            attempt = 1
            while signatures is None:
                pin = self.prompt.ask_pin(plan, needs_pin=self.token_backend.needs_pin, attempt=attempt)
                if pin is None:
                    client.cancel(session_token, "declined by the signer")
                    self.prompt.notify("İmza iptal edildi / signing cancelled.")
                    return Result(
                        "cancelled",
                        "declined",
                        bytes_sent=client.bytes_sent,
                        bytes_received=client.bytes_received,
                    )
                try:
                    signatures = self.token_backend.sign_all(messages, pin)
                except WrongPin:
                    attempt += 1
                    if attempt > MAX_PIN_ATTEMPTS:
                        client.cancel(session_token, "wrong PIN")
                        return Result("cancelled", "wrong PIN")
                finally:
                    pin = None  # noqa: F841 - drop the reference as soon as possible
            answer = client.send_signatures(
                session_token,
                [{"ref": item["ref"], "signature": b64(sig)} for item, sig in zip(documents, signatures)],  # noqa: B905 (Python 3.9)
            )
        except ServerRefused as exc:
            self.prompt.notify(f"e-Vize: {exc.message}")
            return Result("refused", exc.message, exc.code, client.bytes_sent, client.bytes_received)
        except SuspiciousRequest as exc:
            client.cancel(session_token, f"agent refused: {exc}")
            self.prompt.notify(f"İmzalanmadı / not signed: {exc}")
            return Result("refused", str(exc), "suspicious")
        except TokenError as exc:
            client.cancel(session_token, f"token: {exc}")
            self.prompt.notify(f"İmza iptal / cancelled: {exc}")
            return Result(
                "cancelled", str(exc), bytes_sent=client.bytes_sent, bytes_received=client.bytes_received
            )
        self.prompt.notify(f"e-Vize: {answer.get('message', '')}")
        return Result(
            answer.get("state", "completed"),
            answer.get("message", ""),
            answer.get("code", ""),
            client.bytes_sent,
            client.bytes_received,
            len(documents),
        )


def make_handler(agent: SigningAgent, allowed_origin: str, port_holder: dict):
    allowed_origin = allowed_origin.lower().rstrip("/")

    class Handler(BaseHTTPRequestHandler):
        server_version = f"evize-signer/{__version__}"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002
            logger.debug("%s %s", self.address_string(), format % args)

        def _host_ok(self) -> bool:
            host = (self.headers.get("Host") or "").lower()
            port = port_holder["port"]
            return host in (f"127.0.0.1:{port}", f"localhost:{port}")

        def _origin_ok(self) -> bool:
            return (self.headers.get("Origin") or "").lower().rstrip("/") == allowed_origin

        def _send(self, status: int, payload: dict | None = None, *, cors: bool = True) -> None:
            body = json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            if cors:
                self.send_header("Access-Control-Allow-Origin", allowed_origin)
                self.send_header("Vary", "Origin")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _refuse(self, status: int, message: str) -> None:
            self._send(status, {"error": message}, cors=False)

        def do_OPTIONS(self):  # noqa: N802
            if not self._host_ok() or not self._origin_ok():
                return self._refuse(403, "origin not allowed")
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", allowed_origin)
            self.send_header("Access-Control-Allow-Methods", "POST, GET")
            self.send_header("Access-Control-Allow-Headers", "Content-Type")
            self.send_header("Access-Control-Max-Age", "60")
            if self.headers.get("Access-Control-Request-Private-Network") == "true":
                self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Vary", "Origin")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802
            if not self._host_ok() or not self._origin_ok():
                return self._refuse(403, "origin not allowed")
            if self.path != "/status":
                return self._refuse(404, "not found")
            last = agent.last
            self._send(
                200,
                {
                    "name": "evize-signer",
                    "version": __version__,
                    "busy": agent.busy,
                    "last": {"state": last.state, "message": last.message} if last else None,
                },
            )

        def do_POST(self):  # noqa: N802
            if not self._host_ok() or not self._origin_ok():
                return self._refuse(403, "origin not allowed")
            if self.path != "/sign":
                return self._refuse(404, "not found")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = 0
            if length <= 0 or length > MAX_BODY:
                return self._refuse(400, "bad request")
            try:
                payload = json.loads(self.rfile.read(length))
                token = payload["token"]
            except (ValueError, KeyError, TypeError):
                return self._refuse(400, "bad request")
            if not isinstance(token, str) or not TOKEN_RE.match(token):
                return self._refuse(400, "bad token")
            if not agent.try_start(token):
                return self._send(409, {"accepted": False, "error": "busy"})
            self._send(202, {"accepted": True})

    return Handler


class AgentServer:
    """The HTTP service around a `SigningAgent`, bound to 127.0.0.1."""

    def __init__(self, agent: SigningAgent, *, allowed_origin: str, port: int = 47215):
        self.agent = agent
        self._port = {"port": port}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), make_handler(agent, allowed_origin, self._port))
        self.httpd.daemon_threads = True
        self._port["port"] = self.httpd.server_address[1]
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._port["port"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> AgentServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="evize-signer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
