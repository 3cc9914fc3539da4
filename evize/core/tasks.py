import socket

from celery import shared_task


@shared_task(name="evize.core.echo")
def echo(value: str) -> dict:
    """Round-trip task used to prove the broker path (tests, `manage.py check_worker`)."""
    return {"value": value, "worker": socket.gethostname()}
