"""Test helpers: a missing tool skips locally with a clear reason, and fails in CI (CI=true)."""

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def require_tool(path_or_name: str, reason: str) -> str:
    found = path_or_name if os.path.exists(path_or_name) else shutil.which(path_or_name)
    require(bool(found), f"{reason} ({path_or_name} not found)")
    return found  # type: ignore[return-value]
