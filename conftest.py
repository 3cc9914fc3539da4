"""Shared pytest set-up.

Tests that need a tool (Chromium, SoftHSM2, pdfsig, Redis …) call `require_tool`: locally a missing
tool skips with a clear reason; in CI (CI=true) it is a failure, so nothing is silently untested.
"""

import pytest

from evize.core.testing import IN_CI, require, require_tool  # noqa: F401  (re-exported)

# Data migrations whose rows transactional tests lose when the database is flushed after them.
DATA_MIGRATIONS = (
    ("evize.catalog.migrations.0002_load_reference_data", "load_reference_data"),
    ("evize.payments.migrations.0002_default_tariff", "add_tariff"),
)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test (browser journeys, thread tests) flushes the database when it ends,
    reference lists included. Load them again, through the same functions the migrations run,
    before the next transactional test that finds them missing."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    from evize.catalog.models import District

    if District.objects.exists():
        return
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


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
