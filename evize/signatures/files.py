"""Round files on storage: the original blob plus the increments of its signatures.

The original is a documents `Blob` (content-addressed, never modified); each signature's increment
is stored once under `signatures/increments/<sha256>`. The signed file is their concatenation and
is streamed, never materialised, unless a caller asks for a local copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

from evize.documents.blobstore import blob_iter, blob_to_path

from .models import FileSignature, RoundFile
from .splice import SplicedFile

INCREMENT_DIR = "signatures/increments"
CHUNK = 1024 * 1024


def _storage():
    return storages["default"]


def increment_key(sha256: str) -> str:
    return f"{INCREMENT_DIR}/{sha256[:2]}/{sha256}"


def increment_store(data: bytes) -> tuple[str, str]:
    """Keep the bytes a signature appended; returns (storage key, SHA-256). Idempotent."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = increment_key(sha256)
    storage = _storage()
    if not (storage.exists(key) and storage.size(key) == len(data)):
        stored = storage.save(key, ContentFile(data))
        if stored != key:  # stored meanwhile by someone else under the same content address
            storage.delete(stored)
    return key, sha256


def increment_read(signature: FileSignature) -> bytes:
    with _storage().open(signature.increment_key, "rb") as fh:
        data = fh.read()
    if hashlib.sha256(data).hexdigest() != signature.increment_sha256:
        raise OSError(f"stored increment {signature.increment_key} is damaged")
    return data


def signatures_upto(round_file: RoundFile, revision: int) -> list[FileSignature]:
    return list(round_file.signatures.filter(revision__lte=revision).order_by("revision"))


def tail_of(round_file: RoundFile, revision: int | None = None) -> bytes:
    """Every increment up to `revision` (default: all), concatenated."""
    revision = round_file.revision if revision is None else revision
    return b"".join(increment_read(s) for s in signatures_upto(round_file, revision))


@contextlib.contextmanager
def open_base(round_file: RoundFile) -> Iterator:
    """The original file as a local, seekable binary file (a temporary copy on remote storage)."""
    storage = _storage()
    key = round_file.base_blob.storage_key
    if isinstance(storage, FileSystemStorage):
        with open(storage.path(key), "rb", buffering=0) as fh:
            yield fh
        return
    tmp_dir = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_dir) as tmp:
        path = Path(tmp) / "base.pdf"
        blob_to_path(key, path)
        with open(path, "rb", buffering=0) as fh:
            yield fh


@contextlib.contextmanager
def spliced(
    round_file: RoundFile, *, revision: int | None = None, extra: bytes = b""
) -> Iterator[SplicedFile]:
    """The round file at `revision` (+ `extra` bytes) as one stream whose base is read-only."""
    tail = tail_of(round_file, revision) + extra
    with open_base(round_file) as base:
        stream = SplicedFile(base, tail, base_size=round_file.base_blob.size)
        try:
            yield stream
        finally:
            stream.close()


def current_size(round_file: RoundFile) -> int:
    last = round_file.signatures.order_by("-revision").first()
    return last.total_size if last else round_file.base_blob.size


def iter_file(round_file: RoundFile, *, revision: int | None = None) -> Iterator[bytes]:
    """The bytes of the round file at `revision` (default: with every signature), streamed."""
    revision = round_file.revision if revision is None else revision
    blob = round_file.base_blob
    yield from blob_iter(blob.storage_key, 0, blob.size, chunk_size=CHUNK)
    for signature in signatures_upto(round_file, revision):
        yield increment_read(signature)


def file_sha256(round_file: RoundFile, *, revision: int | None = None) -> str:
    digest = hashlib.sha256()
    for piece in iter_file(round_file, revision=revision):
        digest.update(piece)
    return digest.hexdigest()


def write_to(round_file: RoundFile, path: Path, *, revision: int | None = None) -> Path:
    with open(path, "wb") as out:
        for piece in iter_file(round_file, revision=revision):
            out.write(piece)
    return path
