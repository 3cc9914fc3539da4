"""A starting tariff so that fees can be computed right after installation (and in the demo).

The amounts are placeholders for the chamber to replace in the admin (Fees and payments →
Tariffs) with the ones its board has decided; fees already opened keep their amounts."""

import datetime
from decimal import Decimal as D

from django.db import migrations

# (fee type code or None for any, rate ‰ of the construction cost, TL per m², smallest fee)
RATES = [
    (None, D("3"), D("0"), D("2500.00")),
    ("tip-proje", D("1.5"), D("0"), D("1500.00")),
    ("tadilat-revizyon", D("2"), D("0"), D("1500.00")),
    ("guclendirme", D("2.5"), D("0"), D("2000.00")),
    ("yasallastirma", D("0"), D("20.00"), D("2000.00")),
    ("kamu", D("2"), D("0"), D("1500.00")),
]


def add_tariff(apps, schema_editor):
    Tariff = apps.get_model("payments", "Tariff")
    TariffRate = apps.get_model("payments", "TariffRate")
    FeeType = apps.get_model("catalog", "FeeType")
    if Tariff.objects.exists():
        return
    tariff = Tariff.objects.create(
        name="2026 tarifesi (örnek)",
        valid_from=datetime.date(2026, 1, 1),
        registration_fee=D("1250.00"),
        visa_minimum=D("1500.00"),
        note="Kurulumla gelen örnek tarife: oda yönetimi tutarları güncellemelidir.",
    )
    fee_types = {fee_type.code: fee_type for fee_type in FeeType.objects.all()}
    for code, rate, per_m2, minimum in RATES:
        if code is not None and code not in fee_types:
            continue
        TariffRate.objects.create(
            tariff=tariff,
            fee_type=fee_types.get(code) if code else None,
            rate_per_mille=rate,
            amount_per_m2=per_m2,
            minimum=minimum,
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial"), ("catalog", "0002_load_reference_data")]

    operations = [migrations.RunPython(add_tariff, migrations.RunPython.noop)]
