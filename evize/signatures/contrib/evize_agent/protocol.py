"""The e-Vize signer agent's protocol (version 1): JSON, binary values in base64.

    browser → agent   POST {agent}/sign          {"v": 1, "token": "...", "server": "https://…"}
    agent → server    POST /imza/ajan/sertifika  {"v": 1, "certificate": b64, "chain": [b64], "agent": "…"}
                      ← {"v": 1, "session": …, "application": "2026/00042", "round": 1, "signer": …,
                         "expires_at": …, "documents": [{"ref", "file_name", "sha256", "size",
                         "to_be_signed", "digest_algorithm"}]}
    agent → server    POST /imza/ajan/imzalar    {"v": 1, "signatures": [{"ref", "signature": b64}]}
                      ← {"v": 1, "state": "completed" | "refused", "message": …, "code": …}

The one-time token travels in the `Authorization: Bearer` header of the agent's requests.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ...base import (
    AgentProtocol,
    CertificateSubmission,
    ProtocolError,
    SigningOutcome,
    SigningPlan,
)

VERSION = 1
MAX_CHAIN = 8
MAX_SIGNATURE_BYTES = 16 * 1024


def _b64decode(value: Any, what: str, *, limit: int = 64 * 1024) -> bytes:
    if not isinstance(value, str) or not value or len(value) > limit * 2:
        raise ProtocolError(f"{what}: base64 text expected")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(f"{what}: invalid base64") from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _check_version(payload: Any) -> dict:
    if not isinstance(payload, dict):
        raise ProtocolError("a JSON object is expected")
    if payload.get("v", VERSION) != VERSION:
        raise ProtocolError(f"unsupported protocol version {payload.get('v')!r}")
    return payload


class EvizeAgentProtocol(AgentProtocol):
    code = "evize_agent"
    name = "e-Vize İmza Aracı"

    def launch(self, *, token: str, server_url: str, agent_url: str, session_id: str) -> dict[str, Any]:
        return {
            "v": VERSION,
            "agent_url": agent_url,
            "token": token,
            "server": server_url,
            "session": session_id,
        }

    def parse_certificate(self, payload: Any) -> CertificateSubmission:
        payload = _check_version(payload)
        chain = payload.get("chain") or []
        if not isinstance(chain, list) or len(chain) > MAX_CHAIN:
            raise ProtocolError("chain: a short list expected")
        return CertificateSubmission(
            certificate_der=_b64decode(payload.get("certificate"), "certificate"),
            chain_der=tuple(_b64decode(item, "chain") for item in chain),
            agent=str(payload.get("agent") or "")[:100],
        )

    def render_plan(self, plan: SigningPlan) -> dict[str, Any]:
        return {
            "v": VERSION,
            "session": plan.session_id,
            "application": plan.application_number,
            "round": plan.round_number,
            "signer": plan.signer_name,
            "expires_at": plan.expires_at,
            "documents": [
                {
                    "ref": item.ref,
                    "file_name": item.file_name,
                    "sha256": item.sha256,
                    "size": item.size,
                    "to_be_signed": _b64(item.to_be_signed),
                    "digest_algorithm": item.digest_algorithm,
                }
                for item in plan.items
            ],
        }

    def parse_signatures(self, payload: Any) -> dict[str, bytes]:
        payload = _check_version(payload)
        items = payload.get("signatures")
        if not isinstance(items, list) or not items:
            raise ProtocolError("signatures: a list expected")
        result: dict[str, bytes] = {}
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("ref"), str):
                raise ProtocolError("signatures: objects with ref and signature expected")
            result[item["ref"]] = _b64decode(item.get("signature"), "signature", limit=MAX_SIGNATURE_BYTES)
        return result

    def render_outcome(self, outcome: SigningOutcome) -> dict[str, Any]:
        return {"v": VERSION, "state": outcome.state, "message": outcome.message, "code": outcome.code}
