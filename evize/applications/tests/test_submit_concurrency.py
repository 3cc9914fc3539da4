"""Saving under real concurrency (PostgreSQL, threads): numbers stay gapless and unique per year, and
a double "Evet" on one application gives one number."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from evize.applications.models import Application, RegistrationCounter, Status
from evize.applications.services import SubmitRefused, application_submit
from evize.applications.tests.helpers import complete_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
YEAR = timezone.localdate().year


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    results, errors = [], []

    def worker(app):
        try:
            barrier.wait()
            results.append(application_submit(actor=app.created_by, application=app).registration_number)
        except SubmitRefused as refused:
            errors.append(refused)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker, args=(app,)) for app in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_saves_of_different_applications_get_gapless_unique_numbers():
    assert connection.vendor == "postgresql"
    apps = [complete_application() for _ in range(8)]
    results, errors = run_together(apps)
    assert errors == []
    assert sorted(results) == [f"{YEAR}/{n:05d}" for n in range(1, 9)]
    assert RegistrationCounter.objects.get(year=YEAR).last == 8
    assert Application.objects.filter(status=Status.AWAITING_SIGNATURE).count() == 8


def test_a_double_yes_on_one_application_takes_one_number():
    app = complete_application()
    results, errors = run_together([Application.objects.get(pk=app.pk) for _ in range(4)])
    assert results == [f"{YEAR}/00001"]
    assert len(errors) == 3 and all(isinstance(e, SubmitRefused) for e in errors)
    assert RegistrationCounter.objects.get(year=YEAR).last == 1
    assert app.rounds.count() == 1
