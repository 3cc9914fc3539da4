"""The test PKI's services over HTTP on loopback: CRLs, OCSP and an RFC 3161 time-stamping
authority, served from a thread by the standard library's WSGI server.

    with PkiServer() as server:            # listens on 127.0.0.1:<free port>
        pki = server.pki                   # certificates carry CRL/OCSP URLs of this server
        ... server.tsa_url ...
"""

from __future__ import annotations

import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from ..pki import Hierarchy, hierarchy


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def _asn1_key(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


class PkiServer:
    """A loopback HTTP server for a test hierarchy's CRLs, OCSP responders and TSA."""

    def __init__(self, *, name: str = "e-Vize Test"):
        self._server = make_server(
            "127.0.0.1", 0, self._app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self.pki: Hierarchy = hierarchy(name=name, base_url=self.base_url)
        self.requests: list[str] = []
        self._thread: threading.Thread | None = None
        tsa = self.pki.tsa
        self._timestamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa.der),
            tsa_key=_asn1_key(tsa.key),
            certs_to_embed=[
                asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in tsa.chain()
            ],
        )

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}/tsa"

    def _app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        self.requests.append(f"{method} {path}")
        authorities = self.pki.authorities
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""
        if path.startswith("/crl/") and path.endswith(".crl"):
            ca = authorities.get(path[len("/crl/") : -len(".crl")])
            if ca is not None:
                return self._reply(start_response, ca.crl_der(), "application/pkix-crl")
        elif path.startswith("/ocsp/") and method == "POST":
            ca = authorities.get(path[len("/ocsp/") :])
            if ca is not None:
                return self._reply(start_response, ca.ocsp_response_der(body), "application/ocsp-response")
        elif path == "/tsa" and method == "POST":
            request = tsp.TimeStampReq.load(body)
            response = self._timestamper.request_tsa_response(request)
            return self._reply(start_response, response.dump(), "application/timestamp-reply")
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    @staticmethod
    def _reply(start_response, data: bytes, content_type: str):
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(data)))])
        return [data]

    def start(self) -> PkiServer:
        self._thread = threading.Thread(target=self._server.serve_forever, name="pki-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> PkiServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
