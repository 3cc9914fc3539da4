"""Registered signer-agent protocols (see base.py). The e-Vize agent's is always available."""

from __future__ import annotations

from django.conf import settings

from .base import AgentProtocol

_PROTOCOLS: dict[str, AgentProtocol] = {}


def register(protocol: AgentProtocol) -> AgentProtocol:
    if not protocol.code:
        raise ValueError("a protocol needs a code")
    _PROTOCOLS[protocol.code] = protocol
    return protocol


def get_protocol(code: str | None = None) -> AgentProtocol:
    if not _PROTOCOLS:
        from .contrib.evize_agent.protocol import EvizeAgentProtocol

        register(EvizeAgentProtocol())
    code = code or getattr(settings, "EVIZE_SIGNER_PROTOCOL", "evize_agent")
    try:
        return _PROTOCOLS[code]
    except KeyError:
        raise LookupError(f"unknown signer agent protocol {code!r}") from None


def all_protocols() -> list[AgentProtocol]:
    get_protocol()
    return list(_PROTOCOLS.values())
