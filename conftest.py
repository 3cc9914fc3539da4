"""Shared pytest set-up.

Tests that need a tool (Chromium, SoftHSM2, pdfsig, Redis …) call `require_tool`: locally a missing
tool skips with a clear reason; in CI (CI=true) it is a failure, so nothing is silently untested.
"""

import pytest

from evize.core.testing import IN_CI, require, require_tool  # noqa: F401  (re-exported)


@pytest.fixture
def engineer(db):
    from evize.accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_client(client, db):
    """Return a function that logs a staff user in with a verified TOTP device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from evize.accounts.tests.factories import totp_device_for

    def login(user):
        device = totp_device_for(user)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` exercise PostgreSQL behaviour (row locks under real concurrency);
    on the embedded SQLite database they are deselected, not skipped: CI runs them in its
    PostgreSQL pass."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
