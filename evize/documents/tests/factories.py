import factory

from evize.catalog.models import DocumentType


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    """A document slot of the tests' own (the reference list is loaded by the catalog's migration)."""

    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-belge-{n}")
    name_tr = factory.Sequence(lambda n: f"Test belgesi {n}")
    name_en = factory.Sequence(lambda n: f"Test document {n}")
    is_active = True
    sort_order = factory.Sequence(lambda n: 900 + n)
    allows_multiple = False
    max_pages = None

    class Params:
        multiple = factory.Trait(allows_multiple=True)
