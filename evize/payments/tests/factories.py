"""Test data for fees and payments. Applications are put straight into the status a test needs
(test set-up only: the application code changes status only through workflow.transition)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from evize.applications.models import Application, Status
from evize.applications.tests.factories import ApplicationFactory
from evize.payments.models import Tariff, TariffRate


def application_in(status: str, **kwargs) -> Application:
    application = ApplicationFactory(submitted=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


def awaiting_registration_fee(**kwargs) -> Application:
    return application_in(Status.AWAITING_REGISTRATION_FEE, **kwargs)


def make_tariff(
    *,
    registration_fee: Decimal = Decimal("1250.00"),
    visa_minimum: Decimal = Decimal("1000.00"),
    valid_from: datetime.date | None = None,
    rates: list[dict] | None = None,
    replace: bool = True,
) -> Tariff:
    """A tariff in force today; `replace` removes the others (e.g. the one the data migration adds)."""
    if replace:
        TariffRate.objects.all().delete()
        Tariff.objects.filter(fees__isnull=True).delete()
    tariff = Tariff.objects.create(
        name="Test tarifesi",
        valid_from=valid_from or timezone.localdate() - datetime.timedelta(days=1),
        registration_fee=registration_fee,
        visa_minimum=visa_minimum,
    )
    for rate in rates if rates is not None else [{"rate_per_mille": Decimal("3")}]:
        TariffRate.objects.create(tariff=tariff, **rate)
    return tariff
