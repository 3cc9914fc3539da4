"""A task travels through a real Redis broker to a real Celery worker process."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from evize.core.testing import require

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[3]


def test_task_runs_through_real_redis_broker(tmp_path):
    redis_url = os.environ.get("REDIS_URL", "")
    require(bool(redis_url), "REDIS_URL is not set: no Redis broker to test against")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        require(False, f"Redis at {redis_url} does not answer: {exc}")

    from celery import Celery

    queue = f"evize-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "DJANGO_SETTINGS_MODULE": "evize.settings",
        "EVIZE_DATA_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "evize",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # A client app of its own: the test process keeps running tasks eagerly elsewhere.
    client = Celery("evize-test-client", broker=redis_url, backend=redis_url)
    try:
        token = uuid.uuid4().hex
        result = client.send_task("evize.core.echo", args=[token], queue=queue)
        # disable_sync_subtasks: an earlier eager task in this process may leave Celery thinking it runs
        # inside a task; this test is a plain client waiting for a worker.
        answer = result.get(timeout=60, disable_sync_subtasks=False)
        assert answer["value"] == token
        assert worker.poll() is None, "worker exited early"
    finally:
        client.close()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
