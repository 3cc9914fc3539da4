"""A large upload interrupted half-way (the connection drops mid-chunk) resumes where it stopped,
over a real HTTP connection to the live server; the stored file's SHA-256 matches."""

import hashlib
import http.client
import socket
import time
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client

from evize.documents.blobstore import blob_key
from evize.documents.models import Document, UploadSession

from .conftest import b64
from .pdfs import padded_pdf

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "a" * 32
MiB = 1024 * 1024


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def _headers(cookie: str, **extra) -> dict:
    return {
        "Tus-Resumable": "1.0.0",
        "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={cookie}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        **extra,
    }


def _request(base, method, path, cookie, body=None, **headers):
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=60)
    conn.request(method, path, body=body, headers=_headers(cookie, **headers))
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_interrupted_upload_resumes_and_sha256_matches(live_server, application, multi_type, private_storage):
    data = padded_pdf(24 * MiB)
    sha = hashlib.sha256(data).hexdigest()
    base = urlparse(live_server.url)
    host = f"{base.hostname}:{base.port}"
    cookie = _session_cookie(application.created_by)
    metadata = f"filename {b64('büyük pafta.pdf')},document_type {b64(str(multi_type.pk))}"
    created = _request(
        base,
        "POST",
        f"/belgeler/basvuru/{application.pk}/yukleme/",
        cookie,
        **{"Upload-Length": str(len(data)), "Upload-Metadata": metadata, "Origin": live_server.url},
    )
    assert created.status == 201, created.status
    location = created.getheader("Location")

    # First chunk of 8 MiB arrives whole.
    chunk = 8 * MiB
    first = _request(
        base,
        "PATCH",
        location,
        cookie,
        body=data[:chunk],
        **{"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert first.status == 204
    assert first.getheader("Upload-Offset") == str(chunk)

    # Second chunk: the connection drops after 3 MiB of the announced 8 MiB.
    sent_before_drop = 3 * MiB
    raw = socket.create_connection((base.hostname, base.port), timeout=30)
    head = (
        f"PATCH {location} HTTP/1.1\r\nHost: {host}\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in _headers(cookie).items())
        + f"Upload-Offset: {chunk}\r\nContent-Type: application/offset+octet-stream\r\n"
        + f"Content-Length: {chunk}\r\n\r\n"
    ).encode()
    raw.sendall(head + data[chunk : chunk + sent_before_drop])
    raw.shutdown(socket.SHUT_WR)
    raw.close()

    # HEAD tells where to continue: everything that arrived was kept. (The server may not have
    # picked the broken request up yet when the first HEAD arrives; a client asks again later.)
    deadline = time.monotonic() + 20
    while True:
        probe = _request(base, "HEAD", location, cookie)
        assert probe.status == 200
        offset = int(probe.getheader("Upload-Offset"))
        if offset > chunk or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert offset == chunk + sent_before_drop
    assert not Document.objects.exists()

    # Resume from there to the end.
    while offset < len(data):
        piece = data[offset : offset + chunk]
        response = _request(
            base,
            "PATCH",
            location,
            cookie,
            body=piece,
            **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
        )
        assert response.status == 204, response.status
        offset = int(response.getheader("Upload-Offset"))

    document = Document.objects.get()
    assert document.blob.sha256 == sha
    assert document.file_name == "büyük pafta.pdf"
    stored = private_storage / blob_key(sha)
    digest = hashlib.sha256()
    with open(stored, "rb") as fh:
        while piece := fh.read(MiB):
            digest.update(piece)
    assert digest.hexdigest() == sha
    assert not UploadSession.objects.exists()
