"""Upload benchmark: a generated large PDF through the real resumable-upload endpoint (tus) of a
running e-Vize server, compared with a plain file copy of the same file measured in the same run.

    .venv/bin/python bench/upload.py [--size-mb 1024] [--chunk-mb 8] [--rounds 3]
                                     [--server gunicorn|runserver] [--trace]

It starts the app on a free loopback port with a throw-away data folder — by default under gunicorn
(the production WSGI server: one gthread worker process, `evize.wsgi:application`, database
connections kept between requests as `.env.example` configures production), or with
`--server runserver` under Django's development server — creates an engineer, applications and a
document slot, generates a valid PDF of the requested size (one page, padded with a large unused
stream object), uploads a small PDF once untimed (the first request of a fresh process pays for
imports and connections, as the untimed copy below pays for first-touched memory), then:

- copy: shutil.copyfile of the PDF into the same data folder (the in-run baseline), and the
  same copy until fsync returns (an accepted upload is on disk when its last PATCH returns);
- upload: POST (create) + PATCH in chunks over http.client, until the server has checked and
  stored the file (the last PATCH returns when the document exists);
- memory: the resident set size of the server (its process and worker processes, summed) sampled
  every 10 ms; growth = peak − RSS after the warm-up upload, just before the first round;
- SHA-256 alone: hashing the file in one thread (what the store must do over every byte for
  its content address and the duplicate check), as a ceiling no upload can beat.

Both are repeated (--rounds, default 3; dirty pages are flushed with sync before each
measurement so that neither pays for the other's writes) and the medians are compared. An untimed
copy comes first: on a freshly booted VM the first large writes are several times slower (memory
touched for the first time), which once made the baseline slow and the ratio look met.

Goals: upload throughput ≥ 0.5 × copy throughput, server memory growth ≤ 64 MB.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MiB = 1024 * 1024
CSRF = "b" * 32

SETUP = """
import json
from django.conf import settings
from django.test import Client
from evize.applications.tests.factories import ApplicationFactory
from evize.catalog.models import DocumentType
application = ApplicationFactory()
for _ in range(ROUNDS):  # warm-up + one application per round: the same file twice in one is refused
    ApplicationFactory(created_by=application.created_by)
slot, _ = DocumentType.objects.get_or_create(
    code="bench-pafta",
    defaults={"name_tr": "Proje paftaları (bench)", "allows_multiple": True, "sort_order": 999},
)
client = Client()
client.force_login(application.created_by)
applications = list(application.created_by.applications_created.order_by("pk").values_list("pk", flat=True))
print("BENCH" + json.dumps({"applications": applications, "slot": slot.pk,
      "session": client.cookies[settings.SESSION_COOKIE_NAME].value, "cookie": settings.SESSION_COOKIE_NAME}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_pdf(path: Path, size: int) -> str:
    """A valid one-page A4 PDF of about `size` bytes; returns its SHA-256."""
    digest = hashlib.sha256()
    block = os.urandom(8 * MiB)
    content = b"BT /F1 24 Tf 72 760 Td (e-Vize bench) Tj ET"
    filler = max(0, size - 800)

    with open(path, "wb") as out:

        def write(data: bytes) -> None:
            out.write(data)
            digest.update(data)

        offsets = []
        write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R >>",
        ]
        position = 0
        for number, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        offsets.append(out.tell())
        write(b"4 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n")
        offsets.append(out.tell())
        write(b"5 0 obj\n<< /Length %d >>\nstream\n" % filler)
        while position < filler:
            piece = block[: min(len(block), filler - position)]
            write(piece)
            position += len(piece)
        write(b"\nendstream\nendobj\n")
        xref = out.tell()
        table = f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n" + "".join(
            f"{offset:010d} 00000 n \n" for offset in offsets
        )
        write(table.encode())
        write(f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return digest.hexdigest()


class RssSampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self.running = True

    def current(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def cpu_times(self) -> tuple[float, float]:
        times = [self.process.cpu_times()]
        for child in self.process.children(recursive=True):
            try:
                times.append(child.cpu_times())
            except psutil.Error:
                pass
        return sum(t.user for t in times), sum(t.system for t in times)

    def run(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, self.current())
            except psutil.Error:
                return
            time.sleep(0.01)


def wait_for_server(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/saglik/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def upload_once(
    port: int, headers: dict, application: int, slot: int, source: Path, size: int, chunk: int, trace: bool
) -> tuple[float, str | None]:
    metadata = "filename {},document_type {}".format(
        base64.b64encode(b"bench.pdf").decode(), base64.b64encode(str(slot).encode()).decode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request(
        "POST",
        f"/belgeler/basvuru/{application}/yukleme/",
        headers={**headers, "Upload-Length": str(size), "Upload-Metadata": metadata},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 201:
        raise SystemExit(f"creating the upload failed: {response.status}")
    location = response.getheader("Location")
    offset = 0
    document_id = None
    # Each chunk is read straight into one reused buffer after its request head and sent with one
    # sendall (as http.client does with a bytes body, without allocating 8 MiB per chunk): the
    # client shares this machine's CPUs with the server, so it should cost as little as possible.
    buffer = bytearray(chunk + 64 * 1024)
    view = memoryview(buffer)
    started = time.perf_counter()
    with open(source, "rb", buffering=0) as fh:
        while offset < size:
            count = min(chunk, size - offset)
            head = "".join(
                f"{name}: {value}\r\n"
                for name, value in {
                    **headers,
                    "Host": f"127.0.0.1:{port}",
                    "Upload-Offset": str(offset),
                    "Content-Type": "application/offset+octet-stream",
                    "Content-Length": str(count),
                    "Connection": "close",
                }.items()
            )
            head = f"PATCH {location} HTTP/1.1\r\n{head}\r\n".encode()
            view[: len(head)] = head
            if fh.readinto(view[len(head) : len(head) + count]) != count:
                raise SystemExit("the source file ended early")
            with socket.create_connection(("127.0.0.1", port), timeout=600) as sock:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.sendall(view[: len(head) + count])
                response = http.client.HTTPResponse(sock)
                response.begin()
                payload = response.read()
            if response.status != 204:
                raise SystemExit(f"PATCH at {offset} failed: {response.status} {payload[:300]!r}")
            offset = int(response.getheader("Upload-Offset"))
            if trace:
                print(
                    f"  chunk to {offset / MiB:.0f} MiB at {time.perf_counter() - started:.2f} s", flush=True
                )
            document_id = response.getheader("Evize-Document-Id") or document_id
    return time.perf_counter() - started, document_id


def stored_sha256(port: int, headers: dict, document_id: str | None) -> str:
    """The ETag of a download is the stored file's SHA-256."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("HEAD", f"/belgeler/belge/{document_id}/dosya/", headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return (response.getheader("ETag") or "").strip('"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the generated PDF (MiB)")
    parser.add_argument("--chunk-mb", type=int, default=8, help="size of each upload chunk (MiB)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="copies and uploads measured (medians compared)"
    )
    parser.add_argument(
        "--server",
        choices=["gunicorn", "runserver"],
        default="gunicorn",
        help="gunicorn (production WSGI server, default) or Django's development server",
    )
    parser.add_argument("--trace", action="store_true", help="print the time of every chunk")
    args = parser.parse_args()
    size = args.size_mb * MiB
    chunk = args.chunk_mb * MiB
    rounds = max(1, args.rounds)

    data_root = ROOT / "data"
    workdir = Path(tempfile.mkdtemp(prefix="evize-bench-", dir=data_root if data_root.is_dir() else None))
    env = {
        **os.environ,
        "EVIZE_DATA_DIR": str(workdir / "data"),
        "EVIZE_INSECURE_HTTP": "true",
        "EVIZE_FAST_PASSWORD_HASHER": "true",
        "EVIZE_UPLOAD_MAX_BYTES": str(max(size * 2, 2 * 1024**3)),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = None
    log = open(workdir / "server.log", "wb")  # noqa: SIM115
    try:
        print(f"preparing a data folder in {workdir} …", flush=True)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        out = subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", f"ROUNDS = {rounds}\n" + SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        info = json.loads(next(line for line in out.splitlines() if line.startswith("BENCH"))[5:])

        print(f"generating a {args.size_mb} MiB PDF …", flush=True)
        source = workdir / "bench.pdf"
        sha = make_pdf(source, size)
        size = source.stat().st_size

        port = free_port()
        if args.server == "gunicorn":
            # As in production (.env.example): database connections kept between requests.
            env["EVIZE_DB_CONN_MAX_AGE"] = env.get("EVIZE_DB_CONN_MAX_AGE") or "60"
            command = [
                PYTHON,
                "-m",
                "gunicorn",
                "evize.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",  # one process: the running SHA-256 of an upload lives in its worker
                "--worker-class=gthread",
                "--threads=4",
                "--timeout=600",
            ]
        else:
            command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_server(port)
        headers = {
            "Tus-Resumable": "1.0.0",
            "Cookie": f"{info['cookie']}={info['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
        }
        warmup = workdir / "warmup.pdf"
        warmup_sha = make_pdf(warmup, 4 * MiB)
        _seconds, document_id = upload_once(
            port, headers, info["applications"][0], info["slot"], warmup, warmup.stat().st_size, chunk, False
        )
        if stored_sha256(port, headers, document_id) != warmup_sha:
            raise SystemExit("the warm-up upload was not stored correctly")
        warmup.unlink()
        sampler = RssSampler(server.pid)
        baseline = sampler.current()
        sampler.peak = baseline
        sampler.start()

        copies: list[float] = []
        durable_copies: list[float] = []
        uploads: list[float] = []
        client_cpu: list[float] = []
        server_cpu: list[tuple[float, float]] = []
        copy_target = workdir / "data" / "copy.pdf"
        # Untimed warm-up copy: on a freshly started machine the first writes of a large file pay for
        # memory touched for the first time, which would make the baseline slow and the ratio flattering.
        shutil.copyfile(source, copy_target)
        copy_target.unlink()
        for number, application in enumerate(info["applications"][1 : rounds + 1], start=1):
            # Baseline: a plain file copy of the same file, on the same file system.
            os.sync()
            started = time.perf_counter()
            shutil.copyfile(source, copy_target)
            copies.append(time.perf_counter() - started)
            with open(copy_target, "rb+") as fh:  # the upload ends with its blob on disk: so does this
                os.fsync(fh.fileno())
            durable_copies.append(time.perf_counter() - started)
            copy_target.unlink()
            os.sync()
            cpu_before = sampler.cpu_times()
            client_before = time.process_time()
            seconds, document_id = upload_once(
                port, headers, application, info["slot"], source, size, chunk, args.trace
            )
            uploads.append(seconds)
            client_cpu.append(time.process_time() - client_before)
            cpu_after = sampler.cpu_times()
            server_cpu.append((cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]))
            stored = stored_sha256(port, headers, document_id)
            if stored != sha:
                raise SystemExit(f"stored SHA-256 {stored} differs from {sha}")
            user, system = server_cpu[-1]
            print(
                f"round {number}: copy {copies[-1]:.2f} s, copy+fsync {durable_copies[-1]:.2f} s, "
                f"upload {seconds:.2f} s (server CPU {user:.2f} s user + {system:.2f} s system, "
                f"client CPU {client_cpu[-1]:.2f} s)",
                flush=True,
            )
        sampler.running = False
        sampler.join()
        # A bound no server can beat: the SHA-256 the store must compute over every byte (content
        # address, duplicate check), here in one Python thread over the file in the page cache.
        hash_seconds = []
        for _ in range(rounds):
            started = time.perf_counter()
            with open(source, "rb") as fh:
                hashlib.file_digest(fh, "sha256")
            hash_seconds.append(time.perf_counter() - started)

        copy_seconds = statistics.median(copies)
        best_copy_rate = size / min(copies) / MiB
        durable_seconds = statistics.median(durable_copies)
        upload_seconds = statistics.median(uploads)
        copy_rate = size / copy_seconds / MiB
        durable_rate = size / durable_seconds / MiB
        upload_rate = size / upload_seconds / MiB
        ratio = upload_rate / copy_rate
        growth = (sampler.peak - baseline) / MiB
        print(
            f"file:            {size / MiB:.0f} MiB PDF, SHA-256 {sha[:16]}… (stored file matches each time)"
        )
        print(
            f"plain copy:      {copy_seconds:6.2f} s  {copy_rate:8.1f} MiB/s   (median of {rounds}; "
            f"best {best_copy_rate:.1f} MiB/s)"
        )
        print(
            f"copy + fsync:    {durable_seconds:6.2f} s  {durable_rate:8.1f} MiB/s   "
            "(the same copy until it is on disk, as an accepted upload is)"
        )
        print(
            f"upload (tus):    {upload_seconds:6.2f} s  {upload_rate:8.1f} MiB/s   (median of {rounds}; "
            f"{args.chunk_mb} MiB chunks, {args.server}, incl. checks and storing)"
        )
        print(
            f"ratio:           {ratio:.2f} × copy speed   (goal ≥ 0.50)  {'OK' if ratio >= 0.5 else 'MISSED'}"
            f"; {upload_rate / durable_rate:.2f} × copy+fsync speed"
            f"; {upload_rate / best_copy_rate:.2f} × the best copy"
        )
        sha_seconds = statistics.median(hash_seconds)
        sha_rate = size / sha_seconds / MiB
        print(
            f"SHA-256 alone:   {sha_seconds:6.2f} s  {sha_rate:8.1f} MiB/s   (reading and hashing the file, "
            f"no network, no writing: {sha_rate / copy_rate:.2f} × copy speed, a ceiling for the ratio)"
        )
        print(
            f"server memory:   baseline {baseline / MiB:.1f} MiB, peak {sampler.peak / MiB:.1f} MiB, "
            f"growth {growth:.1f} MiB   (goal ≤ 64)  {'OK' if growth <= 64 else 'MISSED'}"
        )
        return 0 if ratio >= 0.5 and growth <= 64 else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
