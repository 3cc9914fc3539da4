"""The contract between e-Vize and a signer agent (the program on the signer's PC that talks to
the e-token). A protocol turns the agent's requests into plain values for the services and the
services' answers into the agent's format. The server side of the flow is always the same:

    browser "İmzala" → session (one-time token) → agent sends the certificate → server prepares
    every PDF and answers what to sign → agent signs with the token → server embeds, validates, locks

Add an agent by subclassing `AgentProtocol` in `contrib/<name>/` and registering it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


class ProtocolError(ValueError):
    """The agent's request is malformed (a programming or version error, not the signer's)."""


@dataclass(frozen=True)
class CertificateSubmission:
    certificate_der: bytes
    chain_der: tuple[bytes, ...] = ()
    agent: str = ""  # the agent's name/version, for the audit trail


@dataclass(frozen=True)
class PlanItem:
    ref: str  # opaque reference of the prepared file in this session
    file_name: str
    sha256: str  # of the file as it is before this signature
    size: int
    to_be_signed: bytes  # DER of the CMS signed attributes
    digest_algorithm: str = "sha256"


@dataclass(frozen=True)
class SigningPlan:
    session_id: str
    application_number: str
    round_number: int
    signer_name: str
    expires_at: str
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class SigningOutcome:
    state: str  # "completed" or "refused"
    message: str
    code: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class AgentProtocol(ABC):
    code: str = ""
    name: str = ""

    @abstractmethod
    def launch(self, *, token: str, server_url: str, agent_url: str, session_id: str) -> dict[str, Any]:
        """What the browser hands to the agent to start (never more than the one-time token)."""

    @abstractmethod
    def parse_certificate(self, payload: Any) -> CertificateSubmission: ...

    @abstractmethod
    def render_plan(self, plan: SigningPlan) -> dict[str, Any]: ...

    @abstractmethod
    def parse_signatures(self, payload: Any) -> dict[str, bytes]:
        """Signature values keyed by `PlanItem.ref`."""

    @abstractmethod
    def render_outcome(self, outcome: SigningOutcome) -> dict[str, Any]: ...
