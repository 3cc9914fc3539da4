"""The Turkish catalogs are complete: no untranslated and no fuzzy entry in any app."""

import subprocess
from pathlib import Path

import pytest

from evize.core.testing import require_tool

ROOT = Path(__file__).resolve().parents[3]
TR_CATALOGS = sorted(ROOT.glob("evize/*/locale/tr/LC_MESSAGES/django.po"))


def test_every_app_with_templates_or_strings_has_a_turkish_catalog():
    apps_with_catalogs = {p.parts[-5] for p in TR_CATALOGS}
    assert {"core", "accounts", "registry", "catalog", "audit"} <= apps_with_catalogs


@pytest.mark.parametrize("po", TR_CATALOGS, ids=lambda p: p.parts[-5])
def test_turkish_catalog_is_complete(po):
    msgfmt = require_tool("msgfmt", "gettext's msgfmt checks the catalogs")
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    assert "untranslated" not in stats and "fuzzy" not in stats, f"{po}: {stats}"
