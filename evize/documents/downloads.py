"""Serving a stored file: one byte range at most (206 / 416), streamed in pieces, safe headers.

Only called after the permission check (`selectors.document_for_user`)."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

from .blobstore import blob_iter
from .models import Blob

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | bool:
    """(start, end) inclusive for a single satisfiable range; None to serve the whole file (no
    header, a header we do not handle such as several ranges); False when unsatisfiable."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        suffix = int(last)
        if suffix == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    if start >= size:
        return False
    end = int(last) if last else size - 1
    if end < start:
        return None
    return start, min(end, size - 1)


def content_disposition(file_name: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = "".join(ch for ch in file_name.encode("ascii", "ignore").decode() if ch.isprintable())
    ascii_name = ascii_name.replace('"', "").replace("\\", "").strip() or "belge.pdf"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _headers(response: HttpResponse, blob: Blob, file_name: str, *, inline: bool) -> HttpResponse:
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{blob.sha256}"'
    response["Content-Disposition"] = content_disposition(file_name, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def blob_response(request, blob: Blob, file_name: str, *, inline: bool) -> HttpResponse:
    size = blob.size
    requested = parse_range(request.headers.get("Range"), size)
    if_range = request.headers.get("If-Range")
    if requested and if_range and if_range.strip() != f'"{blob.sha256}"':
        requested = None  # the client's copy is of another file: send the whole file
    if requested is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _headers(response, blob, file_name, inline=inline)
    start, end = requested if requested else (0, size - 1)
    length = end - start + 1
    if request.method == "HEAD":
        response = HttpResponse(status=206 if requested else 200, content_type="application/pdf")
    else:
        response = StreamingHttpResponse(
            blob_iter(blob.storage_key, start, length),
            status=206 if requested else 200,
            content_type="application/pdf",
        )
    response["Content-Length"] = str(length)
    if requested:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return _headers(response, blob, file_name, inline=inline)
