"""Fixtures: a real SMTP server on loopback (aiosmtpd) that collects what arrives."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from .helpers import BASE_URL

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """`make test` compiles the catalogs; a bare `pytest` run compiles this app's if they are stale."""
    msgfmt = shutil.which("msgfmt")
    changed = False
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if msgfmt and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            subprocess.run([msgfmt, "--check", "-o", str(mo), str(po)], check=True)  # noqa: S603
            changed = True
    if changed:
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real.check_for_language.cache_clear()


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    @property
    def attachments(self) -> dict[str, tuple[str, bytes]]:
        return {
            part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
            for part in self.message.iter_attachments()
        }


class Collector:
    """aiosmtpd handler: keeps every message; refuses recipients whose address contains "bounce"."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "bounce" in address:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Collector()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> list[str]:
        return [r.message["Message-ID"] for r in self.received]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server on 127.0.0.1, and settings that deliver to it over SMTP."""
    server = SmtpServer(_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.EVIZE_EMAIL_DELIVERY = "smtp"
    settings.EVIZE_BASE_URL = BASE_URL
    yield server
    server.stop()


@pytest.fixture
def outbox_mode(settings):
    """The embedded default: no SMTP, e-mails kept in the local mailbox."""
    settings.EVIZE_EMAIL_DELIVERY = "outbox"
    settings.EVIZE_BASE_URL = BASE_URL
    return settings
