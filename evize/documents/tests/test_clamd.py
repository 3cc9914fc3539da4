"""Virus scanning through clamd's INSTREAM protocol, against a fake clamd on loopback that speaks
the real protocol (length-prefixed chunks, zero-length end, "stream: OK" / "... FOUND")."""

import hashlib
import socket
import socketserver
import struct
import threading

import pytest

from evize.documents.clamd import clamd_scan
from evize.documents.models import Blob, Document, UploadSession

from .conftest import files_under, tus_upload
from .pdfs import build_pdf_with_filler, make_pdf

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd(socketserver.BaseRequestHandler):
    received: list[bytes] = []

    def handle(self):
        stream = self.request.makefile("rb")
        command = b""
        while not command.endswith(b"\0"):
            byte = stream.read(1)
            if not byte:
                return
            command += byte
        assert command == b"zINSTREAM\0"
        data = bytearray()
        while True:
            (length,) = struct.unpack(">I", stream.read(4))
            if length == 0:
                break
            data += stream.read(length)
        type(self).received.append(bytes(data))
        verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(verdict)


@pytest.fixture
def clamd_tcp(settings):
    FakeClamd.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EVIZE_CLAMD_SOCKET = ""
    settings.EVIZE_CLAMD_HOST = "127.0.0.1"
    settings.EVIZE_CLAMD_PORT = server.server_address[1]
    settings.EVIZE_CLAMD_TIMEOUT = 10
    yield FakeClamd
    server.shutdown()
    server.server_close()


@pytest.fixture
def clamd_unix(settings, tmp_path):
    FakeClamd.received = []
    path = str(tmp_path / "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, FakeClamd)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EVIZE_CLAMD_SOCKET = path
    settings.EVIZE_CLAMD_HOST = ""
    yield FakeClamd
    server.shutdown()
    server.server_close()


def test_clean_file_is_accepted_and_was_scanned_whole(clamd_tcp, owner_client, application, multi_type):
    data = make_pdf(pages=2)
    assert tus_upload(owner_client, application, multi_type, data).status_code == 204
    assert Document.objects.count() == 1
    assert [hashlib.sha256(r).hexdigest() for r in clamd_tcp.received] == [hashlib.sha256(data).hexdigest()]


def test_infected_file_is_refused_and_nothing_kept(
    clamd_tcp, owner_client, application, multi_type, upload_dir, private_storage
):
    data = build_pdf_with_filler(EICAR)
    response = tus_upload(owner_client, application, multi_type, data, name="virus.pdf")
    assert response.status_code == 422
    assert response.json() == {
        "error": "Virüs taraması bu dosyada bir tehdit buldu (Eicar-Test-Signature). Dosya kabul edilmedi.",
        "code": "virus",
    }
    assert not Document.objects.exists() and not Blob.objects.exists() and not UploadSession.objects.exists()
    assert files_under(upload_dir) == [] and files_under(private_storage) == []


def test_unix_socket(clamd_unix, tmp_path):
    clean = tmp_path / "clean.pdf"
    clean.write_bytes(make_pdf())
    infected = tmp_path / "infected.pdf"
    infected.write_bytes(build_pdf_with_filler(EICAR * 3))
    assert clamd_scan(clean).clean
    result = clamd_scan(infected)
    assert not result.clean
    assert result.signature == "Eicar-Test-Signature"


def test_scanner_down_refuses_with_a_clear_reason(
    settings, owner_client, application, multi_type, upload_dir
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.EVIZE_CLAMD_HOST = "127.0.0.1"
    settings.EVIZE_CLAMD_PORT = free_port
    response = tus_upload(owner_client, application, multi_type, make_pdf())
    assert response.status_code == 422
    assert response.json()["code"] == "scanner_unavailable"
    assert "Virüs taraması şu anda yapılamıyor" in response.json()["error"]
    assert files_under(upload_dir) == []
    assert not Document.objects.exists()


def test_no_scan_when_not_configured(settings, owner_client, application, multi_type):
    settings.EVIZE_CLAMD_HOST = ""
    settings.EVIZE_CLAMD_SOCKET = ""
    assert tus_upload(owner_client, application, multi_type, build_pdf_with_filler(EICAR)).status_code == 204
