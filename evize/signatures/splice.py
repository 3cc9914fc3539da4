"""A PDF file seen as an immutable base file followed by a small, writable tail.

Signing appends incremental updates to a PDF; earlier bytes never change. So a signed document is
kept as its original file (a content-addressed blob, never copied) plus the increments appended by
each signature. `SplicedFile` presents "base + tail" as one seekable, readable and writable stream
to pyHanko: reads cross the boundary transparently, writes are allowed only in the tail (an attempt
to write into the base raises), so preparing a 1 GB drawing for signing reads it once (to hash
it) and writes only a few kilobytes.
"""

from __future__ import annotations

import io
import os
from typing import BinaryIO


class BaseWriteError(OSError):
    """Something tried to modify the immutable base file."""


class SplicedFile(io.RawIOBase):
    def __init__(self, base: BinaryIO, tail: bytes = b"", *, base_size: int | None = None):
        super().__init__()
        self._base = base
        if base_size is None:
            base.seek(0, os.SEEK_END)
            base_size = base.tell()
        self.base_size = base_size
        self.tail = bytearray(tail)
        self._pos = 0

    # --- io protocol ---------------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def size(self) -> int:
        return self.base_size + len(self.tail)

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self.size + offset
        else:  # pragma: no cover
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError("negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        wanted = len(view)
        done = 0
        while done < wanted and self._pos < self.size:
            if self._pos < self.base_size:
                self._base.seek(self._pos)
                limit = min(wanted - done, self.base_size - self._pos)
                n = self._base.readinto(view[done : done + limit])
                if not n:
                    raise OSError("base file is shorter than expected")
            else:
                start = self._pos - self.base_size
                n = min(wanted - done, len(self.tail) - start)
                view[done : done + n] = self.tail[start : start + n]
            done += n
            self._pos += n
        return done

    def write(self, data) -> int:
        data = memoryview(data).cast("B")
        if self._pos < self.base_size:
            raise BaseWriteError(
                f"refusing to write at {self._pos}: the first {self.base_size} bytes are immutable"
            )
        start = self._pos - self.base_size
        if start > len(self.tail):
            self.tail.extend(b"\0" * (start - len(self.tail)))
        self.tail[start : start + len(data)] = data
        self._pos += len(data)
        return len(data)

    def truncate(self, size: int | None = None) -> int:  # pragma: no cover - pyHanko never truncates
        raise BaseWriteError("a spliced file cannot be truncated")

    def close(self) -> None:
        # The base stream belongs to the caller; only this view is closed.
        super().close()
