"""Talking to the signer: what will be signed, and the PIN. The PIN stays in this process."""

from __future__ import annotations

import getpass
import os
import sys
import threading
from collections.abc import Callable


def format_plan(plan: dict) -> str:
    lines = [
        "",
        "=" * 72,
        f"e-Vize başvurusu / application {plan.get('application')} · tur / round {plan.get('round')}",
        f"İmzalayan / signer: {plan.get('signer')}",
        "İmzalanacak dosyalar / files to be signed:",
    ]
    for index, item in enumerate(plan.get("documents", []), start=1):
        lines.append(f"  {index}. {item.get('file_name')}  ({item.get('size', 0):,} bytes)")
        lines.append(f"     SHA-256: {item.get('sha256')}")
    lines.append("=" * 72)
    return "\n".join(lines)


class Prompt:
    """Subclasses show the plan and ask the PIN (None: the signer declined)."""

    def ask_pin(self, plan: dict, *, needs_pin: bool, attempt: int = 1) -> str | None:
        raise NotImplementedError

    def ask_secret(self, label: str) -> str | None:
        raise NotImplementedError

    def notify(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


class TerminalPrompt(Prompt):
    """The terminal the agent runs in (getpass: the PIN is not echoed)."""

    _lock = threading.Lock()

    def ask_pin(self, plan: dict, *, needs_pin: bool, attempt: int = 1) -> str | None:
        with self._lock:
            print(format_plan(plan), flush=True)
            if attempt > 1:
                print(
                    "PIN yanlış / wrong PIN. Dikkat: birkaç yanlış denemeden sonra kart kilitlenir.",
                    flush=True,
                )
            if not needs_pin:
                answer = input("İmzalansın mı? / Sign these files? [e/h, y/n]: ").strip().lower()
                return "" if answer in ("e", "evet", "y", "yes") else None
            try:
                pin = getpass.getpass("PIN (boş bırakırsanız iptal / empty to cancel): ")
            except (EOFError, KeyboardInterrupt):
                return None
            return pin or None

    def ask_secret(self, label: str) -> str | None:
        with self._lock:
            try:
                return getpass.getpass(f"{label}: ")
            except (EOFError, KeyboardInterrupt):
                return None


class EnvironmentPrompt(Prompt):
    """Non-interactive: the PIN comes from an environment variable (automation and tests only:
    anyone who can read this process's environment can read the PIN)."""

    def __init__(self, variable: str, *, out=None):
        self.variable = variable
        self.out = out or sys.stdout

    def ask_pin(self, plan: dict, *, needs_pin: bool, attempt: int = 1) -> str | None:
        print(format_plan(plan), file=self.out, flush=True)
        return None if attempt > 1 else os.environ.get(self.variable, "")

    def ask_secret(self, label: str) -> str | None:
        return os.environ.get(self.variable, "")


class CallbackPrompt(Prompt):
    """For embedding and tests: `decide(plan) -> PIN or None`; every plan shown is recorded."""

    def __init__(self, decide: Callable[[dict], str | None], secret: str | None = None):
        self.decide = decide
        self.secret = secret
        self.plans: list[dict] = []
        self.messages: list[str] = []

    def ask_pin(self, plan: dict, *, needs_pin: bool, attempt: int = 1) -> str | None:
        self.plans.append(plan)
        return self.decide(plan) if attempt == 1 else None

    def ask_secret(self, label: str) -> str | None:
        return self.secret

    def notify(self, message: str) -> None:
        self.messages.append(message)
