from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "evize.applications"
    verbose_name = _("Applications")

    def ready(self):
        # Every section of the form goes into the "Başvuru Formu" PDF (signed by the engineers).
        from evize.documents.formpdf import register_form_section_provider

        from .formpdf import form_sections

        register_form_section_provider(form_sections)
