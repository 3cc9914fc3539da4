"""evize-signer: run the e-Vize signer agent on this computer.

evize-signer --server https://evize.example.org --pkcs11-lib /usr/lib/libakisp11.so
evize-signer --server https://evize.example.org --pkcs12 demo-1847.p12
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from .agent import AgentServer, SigningAgent, origin_of
from .prompt import EnvironmentPrompt, TerminalPrompt
from .tokens import Pkcs11Token, Pkcs12Token

DEFAULT_PORT = 47215
KNOWN_LIBRARIES = {
    "win32": ["akisp11.dll", "eTPKCS11.dll"],
    "darwin": ["/usr/local/lib/libakisp11.dylib", "/usr/local/lib/libeTPKCS11.dylib"],
    "linux": ["/usr/lib/libakisp11.so", "/usr/lib/libeTPKCS11.so"],
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="evize-signer",
        description="e-Vize signer agent: signs e-Vize applications with your e-signature token. "
        "It listens on 127.0.0.1 only and asks your PIN itself.",
    )
    p.add_argument("--server", required=True, help="the e-Vize address, e.g. https://evize.example.org")
    p.add_argument("--origin", help="the web origin allowed to call the agent (default: that of --server)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"local port (default {DEFAULT_PORT})")
    key = p.add_mutually_exclusive_group(required=True)
    key.add_argument(
        "--pkcs11-lib",
        help="the token's PKCS#11 library (AKİS: akisp11, SafeNet: eTPKCS11); e.g. "
        + ", ".join(KNOWN_LIBRARIES.get(sys.platform, KNOWN_LIBRARIES["linux"])),
    )
    key.add_argument("--pkcs12", help="a PKCS#12 (.p12/.pfx) certificate file (demo or software certificate)")
    p.add_argument("--token-label", help="use the token with this label (default: the first one)")
    p.add_argument(
        "--cert-label", help="use the certificate with this label (default: the non-repudiation one)"
    )
    p.add_argument(
        "--pin-env",
        metavar="VARIABLE",
        help="read the PIN from this environment variable instead of asking (automation/tests only)",
    )
    p.add_argument("--verbose", action="store_true")
    p.add_argument("--version", action="version", version=f"evize-signer {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    server = args.server.rstrip("/")
    if not server.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        print("--server must be an https:// address (plain http only on this computer)", file=sys.stderr)
        return 2
    token = (
        Pkcs11Token(args.pkcs11_lib, token_label=args.token_label, cert_label=args.cert_label)
        if args.pkcs11_lib
        else Pkcs12Token(args.pkcs12)
    )
    prompt = EnvironmentPrompt(args.pin_env) if args.pin_env else TerminalPrompt()
    agent = SigningAgent(server_url=server, token_backend=token, prompt=prompt)
    origin = origin_of(args.origin or server)
    try:
        service = AgentServer(agent, allowed_origin=origin, port=args.port)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(
        f"e-Vize imza aracı / signer agent {__version__}: {service.url} (izinli / allowed: {origin})",
        flush=True,
    )
    print(f"Anahtar / key: {token.description}. Ctrl+C ile durdurun / stop with Ctrl+C.", flush=True)
    try:
        service.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        service.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
