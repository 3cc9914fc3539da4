"""Receiving a chunk: bytes written, hashed on the side, and what happens when either side fails."""

import hashlib
import io
import os

from evize.documents.services import _receive


class DroppingStream(io.BytesIO):
    """A request body whose client goes away after `keep` bytes."""

    def __init__(self, data: bytes, keep: int):
        super().__init__(data[:keep])
        self.keep = keep

    def read(self, size=-1):
        piece = super().read(size)
        if not piece:
            raise ConnectionResetError("client went away")
        return piece


def test_receive_appends_and_hashes_everything(tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 123)
    path = tmp_path / "x.part"
    path.write_bytes(b"head")
    hasher = hashlib.sha256(b"head")
    with open(path, "ab", buffering=0) as fh:
        written, hashed = _receive(io.BytesIO(data), fh, len(data), hasher, session_id="t")
    assert (written, hashed) == (len(data), True)
    assert path.read_bytes() == b"head" + data
    assert hasher.hexdigest() == hashlib.sha256(b"head" + data).hexdigest()


def test_dropped_connection_keeps_what_arrived_and_the_hash_matches_it(tmp_path):
    data = os.urandom(2 * 1024 * 1024)
    keep = 1024 * 1024 + 777
    path = tmp_path / "x.part"
    path.touch()
    hasher = hashlib.sha256()
    with open(path, "ab", buffering=0) as fh:
        written, hashed = _receive(DroppingStream(data, keep), fh, len(data), hasher, session_id="t")
    assert (written, hashed) == (keep, True)
    assert path.read_bytes() == data[:keep]
    assert hasher.hexdigest() == hashlib.sha256(data[:keep]).hexdigest()


def test_a_failing_hash_is_reported_not_kept(tmp_path):
    class BrokenHash:
        def update(self, piece):
            raise MemoryError

    data = os.urandom(1024 * 1024 + 5)
    path = tmp_path / "x.part"
    path.touch()
    with open(path, "ab", buffering=0) as fh:
        written, hashed = _receive(io.BytesIO(data), fh, len(data), BrokenHash(), session_id="t")
    assert (written, hashed) == (len(data), False)
    assert path.read_bytes() == data


def test_without_a_running_hash_the_bytes_are_still_written(tmp_path):
    data = os.urandom(5000)
    path = tmp_path / "x.part"
    path.touch()
    with open(path, "ab", buffering=0) as fh:
        assert _receive(io.BytesIO(data), fh, len(data), None, session_id="t") == (len(data), False)
    assert path.read_bytes() == data
