import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from evize.accounts.models import User
from evize.registry.tests.factories import MemberFactory

PASSWORD = "Test-parola-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """An engineer bound to a registry member by default; traits give the staff roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    username = factory.LazyAttribute(lambda u: u.member.sicil_no if u.member else f"staff{u.pk or ''}")
    email = factory.LazyAttribute(lambda u: u.member.email if u.member else "")
    first_name = factory.LazyAttribute(lambda u: u.member.first_name if u.member else "")
    last_name = factory.LazyAttribute(lambda u: u.member.last_name if u.member else "")
    role = User.Role.ENGINEER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        clerk = factory.Trait(
            role=User.Role.CLERK,
            member=None,
            username=factory.Sequence(lambda n: f"katip{n}"),
            email=factory.Sequence(lambda n: f"katip{n}@imo.example"),
        )
        control_engineer = factory.Trait(
            role=User.Role.CONTROL_ENGINEER,
            member=None,
            username=factory.Sequence(lambda n: f"kontrol{n}"),
            email=factory.Sequence(lambda n: f"kontrol{n}@imo.example"),
        )
        visa_officer = factory.Trait(
            role=User.Role.VISA_OFFICER,
            member=None,
            username=factory.Sequence(lambda n: f"yetkili{n}"),
            email=factory.Sequence(lambda n: f"yetkili{n}@imo.example"),
        )
        chamber_admin = factory.Trait(
            role=User.Role.CHAMBER_ADMIN,
            member=None,
            is_staff=True,
            is_superuser=True,
            username=factory.Sequence(lambda n: f"yonetici{n}"),
            email=factory.Sequence(lambda n: f"yonetici{n}@imo.example"),
        )

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def totp_device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)
