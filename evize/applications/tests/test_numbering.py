import threading

import pytest
from django.db import close_old_connections, connection, transaction

from evize.applications.services import registration_number_take


@pytest.mark.django_db
def test_numbers_are_sequential_per_year_and_formatted():
    assert registration_number_take(year=2026)[2] == "2026/00001"
    assert registration_number_take(year=2026)[2] == "2026/00002"
    assert registration_number_take(year=2027)[2] == "2027/00001"


@pytest.mark.django_db
def test_a_rolled_back_save_gives_its_number_back():
    registration_number_take(year=2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        registration_number_take(year=2026)
        raise RuntimeError("pre-check failed after the number was taken")
    assert registration_number_take(year=2026)[2] == "2026/00002"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_get_gapless_unique_numbers():
    assert connection.vendor == "postgresql"
    registration_number_take(year=2030)  # create the year's counter row first
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                with transaction.atomic():
                    results.append(registration_number_take(year=2030)[2])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [f"2030/{n:05d}" for n in range(2, 42)]
