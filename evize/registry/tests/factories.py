import datetime
import random

import factory
from django.utils import timezone

from evize.registry.models import Member


def make_tckn(seed: int | None = None) -> str:
    """A valid T.C. Kimlik No (checksum digits computed) for tests and demo data."""
    rng = random.Random(seed)
    d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(8)]
    d10 = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    d.append(d10)
    d.append(sum(d) % 10)
    return "".join(map(str, d))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    sicil_no = factory.Sequence(lambda n: f"{1000 + n}")
    first_name = factory.Iterator(["Ayşe", "Mehmet", "Gülşen", "Hüseyin", "Özlem", "Çağrı"])
    last_name = factory.Iterator(["Yılmaz", "Şahin", "Öztürk", "Çelik", "Erdoğan", "Güneş"])
    national_id = factory.Sequence(lambda n: make_tckn(n))
    email = factory.Sequence(lambda n: f"muhendis{n}@example.org")
    phone = "+90 392 000 00 00"
    status = Member.Status.ACTIVE
    dues_paid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))

    class Params:
        suspended = factory.Trait(status=Member.Status.SUSPENDED)
        dues_unpaid = factory.Trait(
            dues_paid_until=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
        )
        with_office = factory.Trait(
            office_tax_no="VD-123456",
            office_name="Yapı Statik Mühendislik Ltd.",
            office_registration_no="B-0042",
        )
