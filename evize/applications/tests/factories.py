import factory

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Application, ApplicationEngineer, Status


class ApplicationFactory(factory.django.DjangoModelFactory):
    """Traits per lifecycle state put the row straight into that status (test set-up only; the
    application code changes status only through workflow.transition)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)
    registration_number = None

    class Params:
        submitted = factory.Trait(
            status=Status.AWAITING_SIGNATURE,
            registration_number=factory.Sequence(lambda n: f"2026/{n + 1:05d}"),
        )
        in_review = factory.Trait(
            status=Status.IN_REVIEW,
            registration_number=factory.Sequence(lambda n: f"2026/{n + 50001:05d}"),
        )

    @factory.post_generation
    def applicant(obj, create, extracted, **kwargs):
        if create and obj.created_by.member_id:
            member = obj.created_by.member
            ApplicationEngineer.objects.create(
                application=obj,
                member=member,
                is_applicant=True,
                email=member.email,
                national_id=member.national_id,
                phone=member.phone or "+90 533 000 00 00",
            )
