"""Settings for the test suite: the normal settings, with a throw-away data folder."""

import os
import tempfile

os.environ.setdefault("EVIZE_DATA_DIR", tempfile.mkdtemp(prefix="evize-test-"))
os.environ.setdefault("EVIZE_INSECURE_HTTP", "true")
os.environ.setdefault("EVIZE_FAST_PASSWORD_HASHER", "true")

from .settings import *  # noqa: E402,F403

# Throttling is exercised by its own tests; other tests log in freely.
AXES_FAILURE_LIMIT = 5
# Sign-up limit off: many tests sign up from 127.0.0.1; its own test turns it on.
EVIZE_SIGNUP_RATE_LIMIT = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

# Tests run tasks in process; the broker test starts a real worker on Redis itself.
CELERY_TASK_ALWAYS_EAGER = True
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"evize-test-{os.getpid()}"  # noqa: F405

# Deliver through Django's e-mail backend (pytest-django's in-memory outbox unless a test runs a
# real SMTP server), so tests see what would reach the recipient.
EVIZE_EMAIL_DELIVERY = "smtp"

# SQLite: a file (not shared memory) for the test database, so the live server's threads and the
# test's own connection do not lock each other out during browser tests.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}  # noqa: F405
