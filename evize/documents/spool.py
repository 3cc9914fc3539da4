"""A file posted in a form (Django's UploadedFile), spooled to the private upload folder so that
services which work on paths (PDF checks, signature validation) can read it without holding it in
memory:

    with spooled_upload(request.FILES["file"]) as path:
        service(path=path)          # may consume (move or delete) the file; it is removed otherwise
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

CHUNK = 1024 * 1024


@contextlib.contextmanager
def spooled_upload(upload, *, suffix: str = ".pdf") -> Iterator[Path]:
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=suffix, delete=False) as tmp:
        for chunk in upload.chunks(CHUNK):
            tmp.write(chunk)
    path = Path(tmp.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
