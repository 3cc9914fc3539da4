"""Every message kind renders in both languages, with and without its optional data."""

from __future__ import annotations

import pytest
from django.template.loader import get_template

from evize.notifications.preview import render_sample
from evize.notifications.registry import MessageKind, all_kinds, register
from evize.notifications.rendering import render_message

from .helpers import BASE_URL, links_in

EXPECTED = {
    "application.received",
    "application.sign_request",
    "application.resign_request",
    "fee.registration_due",
    "application.registered",
    "review.notes_sent",
    "application.correction_received",
    "fee.visa_due",
    "visa.delivered",
    "application.cancelled",
    "payment.receipt",
    "reminder.fee_unpaid",
    "reminder.signature_missing",
    "account.activation",
    "account.password_reset",
}


def test_the_journey_and_account_kinds_are_registered():
    assert {kind.code for kind in all_kinds()} >= EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.code)
def test_kind_renders_in_both_languages_with_required_data_only(settings, kind):
    settings.EVIZE_BASE_URL = BASE_URL
    for name in (kind.subject_template, kind.text_template, kind.html_template):
        get_template(name)
    sample = kind.sample()
    assert set(kind.required) <= set(sample)
    minimal = {key: sample[key] for key in kind.required}
    texts = {}
    for language in ("tr", "en"):
        for context in (minimal, sample):
            rendered = render_message(kind, context=context, language=language)
            assert rendered.subject.startswith("[e-Vize] ") and len(rendered.subject) > 12
            assert "\n" not in rendered.subject
            for key in kind.link_keys:
                if context.get(key):
                    url = BASE_URL + str(context[key]).removeprefix(BASE_URL)
                    assert url in rendered.text and f'href="{url}"' in rendered.html
            for link in links_in(rendered.text) + links_in(rendered.html):
                assert link.startswith(BASE_URL + "/"), link
            assert "{{" not in rendered.text + rendered.html
        texts[language] = render_sample(kind, language=language).text
    assert texts["tr"] != texts["en"]


def test_registry_refuses_duplicates_and_undeclared_links():
    existing = all_kinds()[0]
    with pytest.raises(ValueError, match="already registered"):
        register(MessageKind(code=existing.code, title="x"))
    with pytest.raises(ValueError, match="required or optional"):
        register(MessageKind(code="test.undeclared", title="x", link_keys=("url",)))
