"""Writing documents: resumable uploads, the checks, storing, versions and deleting.

An upload (tus 1.0.0) is an `UploadSession` plus a temporary file. Chunks are appended to the file
under an exclusive lock, straight from the request stream. When the last byte has arrived the file
is checked (`document_create_from_file`): on any refusal the temporary file and the session are
removed and `evize.document.rejected` is recorded; on success the file moves into the blob store
and a `Document` is created (`evize.document.uploaded`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from evize.applications.models import Application
from evize.audit.services import audit_record
from evize.catalog.models import DocumentType

from .blobstore import blob_put, file_sha256
from .clamd import ScannerUnavailable, clamd_configured, clamd_scan
from .filenames import sanitize_file_name
from .models import Blob, Document, UploadSession
from .pdfcheck import DocumentRejected, check_magic, check_pdf
from .selectors import documents_editable

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
_HASH_QUEUE = 8  # pieces of CHUNK bytes waiting to be hashed, at most
_WRITEBACK_EVERY = 4 * CHUNK
_FADVISE = hasattr(os, "posix_fadvise")


class UploadError(Exception):
    """A protocol-level problem with an upload request (not a verdict on the file)."""

    status = 400

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class OffsetMismatch(UploadError):
    status = 409


class UploadBusy(UploadError):
    status = 423


@dataclass(frozen=True)
class AppendResult:
    offset: int
    document: Document | None = None


def _tmp_dir() -> Path:
    path = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _locked_message() -> str:
    return _("The files of this application are locked: it has been signed. They can only be viewed.")


# --- running SHA-256 of uploads in progress ----------------------------------------------------
# The bytes of an upload are hashed as they arrive, so the finished file need not be read again.
# The state lives in this process only: a chunk handled by another process (or after a restart)
# simply drops it, and the finished file is then hashed from disk. It is valid because the part
# file is append-only under its lock: the bytes before a recorded offset never change.
_RUNNING_HASHES: OrderedDict[str, tuple[int, Any]] = OrderedDict()
_RUNNING_HASHES_LOCK = threading.Lock()
_RUNNING_HASHES_MAX = 512


def _running_hash_take(session_id, offset: int):
    """The hash of the first `offset` bytes of the upload, if this process has it (removed from
    the cache while the caller appends); a fresh one at offset 0; otherwise None."""
    with _RUNNING_HASHES_LOCK:
        entry = _RUNNING_HASHES.pop(str(session_id), None)
    if entry is not None and entry[0] == offset:
        return entry[1]
    return hashlib.sha256() if offset == 0 else None


def _running_hash_keep(session_id, offset: int, hasher) -> None:
    with _RUNNING_HASHES_LOCK:
        _RUNNING_HASHES[str(session_id)] = (offset, hasher)
        while len(_RUNNING_HASHES) > _RUNNING_HASHES_MAX:
            _RUNNING_HASHES.popitem(last=False)


# --- sessions ---------------------------------------------------------------------------------


def upload_session_create(
    *,
    actor,
    application: Application,
    document_type: DocumentType,
    file_name: str,
    length: int,
    replaces: Document | None = None,
) -> UploadSession:
    """Start a resumable upload of `length` bytes into the slot `document_type`."""
    if length <= 0:
        raise UploadError(_("The file is empty."))
    if length > settings.EVIZE_UPLOAD_MAX_BYTES:
        raise UploadError(
            _("The file is %(size)s; files up to %(max)s are accepted.")
            % {"size": filesizeformat(length), "max": filesizeformat(settings.EVIZE_UPLOAD_MAX_BYTES)},
            status=413,
        )
    if not document_type.is_active:
        raise UploadError(_("This document type is no longer accepted."))
    if not documents_editable(application):
        raise UploadError(_locked_message(), status=403)
    if replaces is not None and (
        replaces.application_id != application.pk
        or replaces.document_type_id != document_type.pk
        or not replaces.is_current
    ):
        raise UploadError(_("The file to be replaced is not in this slot."))
    session = UploadSession.objects.create(
        user=actor,
        application=application,
        document_type=document_type,
        replaces=replaces,
        file_name=sanitize_file_name(file_name),
        length=length,
        expires_at=timezone.now() + timedelta(hours=settings.EVIZE_UPLOAD_EXPIRY_HOURS),
    )
    path = _tmp_dir() / f"{session.id.hex}.part"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    return session


def upload_session_offset(session: UploadSession, *, wait_seconds: float = 5.0) -> int:
    """The bytes received so far: the size of the temporary file (the truth after a crash). If a
    chunk is being written right now, wait a little for it to end so the answer is final."""
    try:
        fh = open(session.temp_path, "rb")  # noqa: SIM115
    except FileNotFoundError:
        return session.offset
    with fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        return os.fstat(fh.fileno()).st_size


def upload_session_append(*, actor, session: UploadSession, offset: int, stream, length: int) -> AppendResult:
    """Append `length` bytes read from `stream` at `offset` (which must equal the bytes already
    received). If the connection drops, what arrived is kept and the client resumes from there.
    When the file is complete it is checked and stored (see `document_create_from_file`)."""
    path = session.temp_path
    if length < 0:
        raise UploadError(_("The request has no length."))
    try:
        fh = open(path, "ab", buffering=0)  # noqa: SIM115 (closed below; the lock lives as long as the handle)
    except FileNotFoundError:
        raise UploadError(
            _("This upload no longer exists. Please choose the file again."), status=404
        ) from None
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadBusy(_("This upload is already being continued in another window.")) from None
        received = fh.seek(0, os.SEEK_END)
        if offset != received:
            raise OffsetMismatch(
                _("The upload continues at byte %(expected)d, not %(given)d.")
                % {"expected": received, "given": offset}
            )
        if received + length > session.length:
            raise UploadError(_("More data was sent than the file size announced."))
        hasher = _running_hash_take(session.pk, received)
        arrived, hashed = _receive(stream, fh, length, hasher, session_id=session.pk)
        received += arrived
        if hashed:
            _running_hash_keep(session.pk, received, hasher)
        UploadSession.objects.filter(pk=session.pk).update(offset=received)
        session.offset = received
        if received < session.length:
            return AppendResult(offset=received)
        document = upload_session_finish(actor=actor, session=session)
        return AppendResult(offset=received, document=document)


def _receive(stream, fh, length: int, hasher, *, session_id) -> tuple[int, bool]:
    """Append up to `length` bytes from `stream` to the unbuffered file `fh`; return how many
    arrived and whether `hasher` has seen exactly them. If the client goes away mid-chunk, what
    arrived is kept.

    The pieces are hashed by a helper thread while the next piece is received and written (both
    release the GIL), through a short queue: at most `_HASH_QUEUE` pieces wait in memory. Every
    `_WRITEBACK_EVERY` bytes the kernel is asked to start writing the part file to disk
    (`POSIX_FADV_DONTNEED` starts writeback and drops the pages already written), so that the
    fsync when the file is stored has little left to do, and the page cache is recycled instead
    of growing by the size of the upload (on a VM, memory touched for the first time is slow)."""
    fd = fh.fileno()
    start = fh.seek(0, os.SEEK_END)
    written = 0
    kicked = start
    pieces: queue.SimpleQueue = queue.SimpleQueue()
    room = threading.BoundedSemaphore(_HASH_QUEUE)
    failed: list[BaseException] = []

    def hash_pieces() -> None:
        while (piece := pieces.get()) is not None:
            try:
                if not failed:
                    hasher.update(piece)
            except BaseException as exc:  # noqa: BLE001 (reported below; the file is hashed again)
                failed.append(exc)
            finally:
                room.release()

    worker = None
    if hasher is not None:
        worker = threading.Thread(target=hash_pieces, name=f"upload-hash-{session_id}", daemon=True)
        worker.start()
    try:
        while written < length:
            try:
                piece = stream.read(min(CHUNK, length - written))
            except OSError as exc:  # the client went away mid-chunk: keep what arrived
                logger.info("upload %s interrupted: %s", session_id, exc)
                break
            if not piece:
                break
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view) :]
            written += len(piece)
            if worker is not None:
                room.acquire()
                pieces.put(piece)
            if _FADVISE and start + written - kicked >= _WRITEBACK_EVERY:
                kicked = _writeback(fd, kicked, start + written)
    finally:
        if worker is not None:
            pieces.put(None)
            worker.join()
        if _FADVISE and written:
            _writeback(fd, kicked, start + written)
    if failed:
        logger.error(
            "upload %s: hashing while receiving failed (%r); hashed from disk later", session_id, failed[0]
        )
    return written, worker is not None and not failed


def _writeback(fd: int, kicked: int, end: int) -> int:
    """Start writing bytes kicked … end of the part file to disk, and drop from the page cache
    the pages of the stretches before, written meanwhile; return `end`. Only a hint: errors
    (a file system without it) are ignored."""
    since = max(0, kicked - 4 * _WRITEBACK_EVERY)
    with contextlib.suppress(OSError):
        os.posix_fadvise(fd, since, end - since, os.POSIX_FADV_DONTNEED)
    return end


def upload_session_finish(*, actor, session: UploadSession) -> Document:
    """The last byte has arrived: check the file and attach it (or refuse it and clean up)."""
    path = session.temp_path
    hasher = _running_hash_take(session.pk, session.length)
    try:
        document = document_create_from_file(
            actor=actor,
            application=session.application,
            document_type=session.document_type,
            path=path,
            file_name=session.file_name,
            replaces=session.replaces,
            known_sha256=hasher.hexdigest() if hasher is not None else None,
        )
    finally:
        path.unlink(missing_ok=True)
        UploadSession.objects.filter(pk=session.pk).delete()
    return document


def upload_session_terminate(*, actor, session: UploadSession) -> None:
    """tus termination: the user gave up the upload; forget its bytes."""
    _running_hash_take(session.pk, -1)
    session.temp_path.unlink(missing_ok=True)
    session.delete()


def upload_sessions_purge_expired(*, now=None) -> int:
    """Remove abandoned uploads (past their expiry) and stray temporary files; return how many."""
    now = now or timezone.now()
    count = 0
    for session in UploadSession.objects.filter(expires_at__lt=now):
        session.temp_path.unlink(missing_ok=True)
        session.delete()
        count += 1
    tmp = Path(settings.EVIZE_UPLOAD_TMP_DIR)
    if tmp.is_dir():
        known = {s.hex for s in UploadSession.objects.values_list("id", flat=True)}
        cutoff = (now - timedelta(hours=settings.EVIZE_UPLOAD_EXPIRY_HOURS)).timestamp()
        for part in tmp.glob("*.part"):
            with contextlib.suppress(FileNotFoundError):
                if part.stem not in known and part.stat().st_mtime < cutoff:
                    part.unlink()
                    count += 1
    return count


# --- checks and storing --------------------------------------------------------------------------


def _reject(
    *,
    actor,
    application: Application,
    document_type: DocumentType,
    file_name: str,
    size: int | None,
    error: DocumentRejected,
) -> None:
    audit_record(
        actor=actor,
        action="evize.document.rejected",
        target=application,
        data={
            "code": error.code,
            "reason": error.message,
            "document_type": document_type.code,
            "file_name": file_name,
            "size": size,
        },
    )


def _check_file(
    *, application: Application, document_type: DocumentType, path: Path, known_sha256: str | None = None
) -> tuple[str, int]:
    """Run every check on the finished file; return (sha256, page count)."""
    check_magic(path)
    sha256 = known_sha256 or file_sha256(path)
    duplicate = (
        Document.objects.filter(application=application, state=Document.State.CURRENT, blob_id=sha256)
        .select_related("document_type")
        .first()
    )
    if duplicate is not None:
        raise DocumentRejected(
            "duplicate",
            _("This file is already attached to this application: “%(name)s” (%(type)s).")
            % {"name": duplicate.file_name, "type": duplicate.document_type.name},
        )
    if clamd_configured():
        try:
            result = clamd_scan(path)
        except ScannerUnavailable as exc:
            logger.error("virus scanner unavailable: %s", exc)
            raise DocumentRejected(
                "scanner_unavailable",
                _("The virus scan is not available at the moment. Please try again in a few minutes."),
            ) from exc
        if not result.clean:
            raise DocumentRejected(
                "virus",
                _("The virus scan found a threat in this file (%(signature)s). It was not accepted.")
                % {"signature": result.signature},
            )
    info = check_pdf(path, max_pages=document_type.max_pages)
    return sha256, info.page_count


def document_create_from_file(
    *,
    actor,
    application: Application,
    document_type: DocumentType,
    path: Path,
    file_name: str,
    replaces: Document | None = None,
    known_sha256: str | None = None,
) -> Document:
    """Check the file at `path` and attach it to the slot `document_type` of `application`.

    The file is consumed: moved into the blob store, or deleted when it is refused. A refusal
    raises `DocumentRejected` (its message is for the user) after recording
    `evize.document.rejected`; nothing else is stored. In a slot that holds one file, or when
    `replaces` is given, the new document is a new version of the old one."""
    file_name = sanitize_file_name(file_name)
    size = path.stat().st_size if path.exists() else None
    try:
        sha256, page_count = _check_file(
            application=application, document_type=document_type, path=path, known_sha256=known_sha256
        )
    except DocumentRejected as error:
        path.unlink(missing_ok=True)
        _reject(
            actor=actor,
            application=application,
            document_type=document_type,
            file_name=file_name,
            size=size,
            error=error,
        )
        raise
    key = blob_put(path, sha256)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if not documents_editable(locked):
                raise DocumentRejected("locked", _locked_message())
            # Checked again under the lock: the same file may have been finished in another window.
            if Document.objects.filter(
                application=locked, state=Document.State.CURRENT, blob_id=sha256
            ).exists():
                raise DocumentRejected("duplicate", _("This file is already attached to this application."))
            blob, _created = Blob.objects.get_or_create(
                sha256=sha256, defaults={"size": size, "storage_key": key, "page_count": page_count}
            )
            previous = _version_to_replace(locked, document_type, replaces)
            if previous is not None:
                Document.objects.filter(pk=previous.pk).update(state=Document.State.REPLACED)
            document = Document.objects.create(
                application=locked,
                document_type=document_type,
                blob=blob,
                file_name=file_name,
                previous=previous,
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="evize.document.uploaded",
                target=document,
                data={
                    "application": locked.pk,
                    "document_type": document_type.code,
                    "file_name": file_name,
                    "sha256": sha256,
                    "size": size,
                    "pages": page_count,
                    "replaces": previous.pk if previous else None,
                },
            )
    except DocumentRejected as error:
        _reject(
            actor=actor,
            application=application,
            document_type=document_type,
            file_name=file_name,
            size=size,
            error=error,
        )
        raise
    return document


def _version_to_replace(application: Application, document_type: DocumentType, replaces: Document | None):
    if replaces is not None:
        current = Document.objects.filter(pk=replaces.pk, state=Document.State.CURRENT).first()
        if current is None:
            raise DocumentRejected(
                "replaced_gone", _("The file to be replaced has been deleted or replaced meanwhile.")
            )
        return current
    if document_type.allows_multiple:
        return None
    return (
        Document.objects.filter(
            application=application, document_type=document_type, state=Document.State.CURRENT
        )
        .order_by("-uploaded_at", "-pk")
        .first()
    )


def document_delete(*, actor, document: Document) -> Document:
    """Delete a file from its slot (only before signing). The row and its blob stay for the audit
    trail; the slot no longer shows it."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=document.application_id)
        if not documents_editable(application):
            raise DocumentRejected("locked", _locked_message())
        updated = Document.objects.filter(pk=document.pk, state=Document.State.CURRENT).update(
            state=Document.State.REMOVED, removed_by=actor, removed_at=timezone.now()
        )
        document.refresh_from_db()
        if updated:
            audit_record(
                actor=actor,
                action="evize.document.deleted",
                target=document,
                data={
                    "application": application.pk,
                    "document_type": document.document_type.code,
                    "file_name": document.file_name,
                    "sha256": document.blob_id,
                },
            )
    return document
