"""Browser tests: Playwright (Python) driving Debian's Chromium against the live test server."""

import os
from pathlib import Path

import pytest

from evize.core.testing import require_tool

CHROMIUM = os.environ.get("EVIZE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the test
# itself (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM, "browser tests need Debian's Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="tr-TR", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def shot():
    """Save a screenshot under test-results/screenshots/NAME.png (looked at by people, not asserted)."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def private_storage(settings, tmp_path):
    """Private files (uploads, signed rounds, visas) in a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.EVIZE_UPLOAD_TMP_DIR = tmp_path / "uploads"
    return settings


@pytest.fixture(scope="module")
def pki_server():
    """CA, CRL, OCSP and TSA on loopback (the signature tests' real PKI)."""
    from evize.signatures.testing.responders import PkiServer

    with PkiServer(name="e-Vize Tarayıcı") as server:
        yield server


@pytest.fixture
def signing_settings(private_storage, tmp_path, pki_server):
    settings = private_storage
    settings.EVIZE_SIGNATURE_TRUST_ANCHORS = [str(pki_server.pki.write_anchor(tmp_path / "root.pem"))]
    settings.EVIZE_TSA_URL = pki_server.tsa_url
    settings.EVIZE_SIGNATURE_REVOCATION_MODE = "hard-fail"
    return settings


@pytest.fixture
def mailbox(settings, live_server):
    """A real SMTP server on 127.0.0.1 (aiosmtpd); the app delivers to it over SMTP and its links
    point at the live test server."""
    from evize.notifications.tests.conftest import SmtpServer, _free_port

    from .helpers import Mailbox

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
    settings.EVIZE_BASE_URL = live_server.url
    yield Mailbox(server=server, base_url=live_server.url)
    server.stop()


class SignerAgents:
    """Signer agents "on the signers' computers": each signer's key on the SoftHSM2 token, one agent
    per signer (the engineer's talks to e-Vize, the visa officer's to e-Vize/vize). `use` points the
    site at one agent, as if that signer's computer were the one in front of the browser."""

    def __init__(self, settings, live_server, pki_server):
        from evize.signatures.testing.softhsm import shared_token

        self.settings = settings
        self.live_server = live_server
        self.pki = pki_server.pki
        self.hsm = shared_token()
        self.running: dict[str, object] = {}
        self.prompts: dict[str, object] = {}

    def start(self, name: str, issued, *, server_path: str = ""):
        from evize_signer.agent import AgentServer, SigningAgent
        from evize_signer.prompt import CallbackPrompt
        from evize_signer.tokens import Pkcs11Token

        from evize.signatures.testing.softhsm import next_key_id

        label = f"yolculuk-{name}-{next_key_id()}"
        self.hsm.import_key(issued, label=label, key_id=next_key_id())
        prompt = CallbackPrompt(lambda plan: self.hsm.pin)
        agent = SigningAgent(
            server_url=self.live_server.url + server_path,
            token_backend=Pkcs11Token(self.hsm.module, token_label=self.hsm.label, cert_label=label),
            prompt=prompt,
        )
        self.running[name] = AgentServer(agent, allowed_origin=self.live_server.url, port=0).start()
        self.prompts[name] = prompt
        return prompt

    def use(self, name: str) -> None:
        url = self.running[name].url
        self.settings.EVIZE_SIGNER_AGENT_URL = url
        policy = {**self.settings.CONTENT_SECURITY_POLICY}
        policy["DIRECTIVES"] = {**policy["DIRECTIVES"], "connect-src": ["'self'", url]}
        self.settings.CONTENT_SECURITY_POLICY = policy

    def stop(self) -> None:
        for service in self.running.values():
            service.stop()


@pytest.fixture
def signer_agents(live_server, signing_settings, pki_server):
    require_tool("softhsm2-util", "real PKCS#11 signing needs SoftHSM2")
    require_tool("pkcs11-tool", "keys are loaded with OpenSC's pkcs11-tool")
    from evize.signatures.testing.softhsm import softhsm_module

    require_tool(softhsm_module(), "the SoftHSM2 PKCS#11 module")
    agents = SignerAgents(signing_settings, live_server, pki_server)
    yield agents
    agents.stop()
