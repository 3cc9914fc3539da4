"""The private blob store: files content-addressed by SHA-256, written once, never modified.

Keys are "blobs/ab/cd/<sha256>". On the local file system a finished upload is hard-linked into
place (atomic, and it never overwrites: a blob that already exists is simply kept); on S3 the
object is uploaded under its key (an S3 PUT appears whole or not at all). Reads stream in pieces
and support byte ranges.
"""

from __future__ import annotations

import errno
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages

CHUNK = 1024 * 1024


def blob_key(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _storage():
    return storages["default"]


def _is_s3(storage) -> bool:
    return hasattr(storage, "bucket_name") and hasattr(storage, "connection")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def blob_put(source: Path, sha256: str) -> str:
    """Move the finished file `source` into the store under its content address; return the key.
    `source` is gone afterwards, whether the blob was new or already stored."""
    storage = _storage()
    key = blob_key(sha256)
    try:
        if isinstance(storage, FileSystemStorage):
            _put_local(storage, source, key)
        else:
            _put_remote(storage, source, key)
    finally:
        source.unlink(missing_ok=True)
    return key


def _put_local(storage: FileSystemStorage, source: Path, key: str) -> None:
    dest = Path(storage.path(key))
    if dest.exists():
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as fh:
        os.fsync(fh.fileno())
    os.chmod(source, 0o440)
    try:
        os.link(source, dest)
    except FileExistsError:
        return  # stored meanwhile by another upload of the same bytes
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
            raise
        # Another file system (or no hard links): copy next to the target, then link into place.
        partial = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.tmp"
        try:
            with open(source, "rb") as src, open(partial, "xb") as out:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, 0o440)
            try:
                os.link(partial, dest)
            except FileExistsError:
                pass
        finally:
            partial.unlink(missing_ok=True)
    _fsync_dir(dest.parent)


def _put_remote(storage, source: Path, key: str) -> None:
    if storage.exists(key):
        return
    with open(source, "rb") as fh:
        stored = storage.save(key, File(fh, name=key))
    if stored != key:
        # Someone stored the same bytes under this key meanwhile; ours got another name.
        storage.delete(stored)


def blob_iter(key: str, start: int, length: int, *, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """The bytes start … start+length-1 of a blob, in pieces of at most `chunk_size`."""
    if length <= 0:
        return
    storage = _storage()
    if isinstance(storage, FileSystemStorage):
        with open(storage.path(key), "rb") as fh:
            fh.seek(start)
            yield from _read_pieces(fh, length, chunk_size)
        return
    if _is_s3(storage):
        name = storage._normalize_name(key)
        response = storage.connection.meta.client.get_object(
            Bucket=storage.bucket_name, Key=name, Range=f"bytes={start}-{start + length - 1}"
        )
        body = response["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
        return
    with storage.open(key, "rb") as fh:
        fh.seek(start)
        yield from _read_pieces(fh, length, chunk_size)


def _read_pieces(fh, length: int, chunk_size: int) -> Iterator[bytes]:
    remaining = length
    while remaining > 0:
        piece = fh.read(min(chunk_size, remaining))
        if not piece:
            break
        remaining -= len(piece)
        yield piece


def blob_to_path(key: str, dest: Path) -> None:
    """Copy a blob to a local file (for tools that need a path), streaming."""
    storage = _storage()
    size = storage.size(key)
    with open(dest, "wb") as out:
        for piece in blob_iter(key, 0, size):
            out.write(piece)
