"""The sandbox bank's test cards: the card number decides what the bank does. Any future expiry
date and any three-digit security code are accepted; the 3-D Secure SMS code is always shown on
the code page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SMS_CODE = "123456"
MAX_CODE_TRIES = 3


@dataclass(frozen=True)
class TestCard:
    number: str
    outcome: str
    label: Promise

    @property
    def grouped(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


APPROVED = "approved"
DECLINED = "declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
AUTHENTICATION_FAILED = "authentication_failed"
NO_ANSWER = "no_answer"

CARDS = (
    TestCard("4111111111111111", APPROVED, _("Payment approved")),
    TestCard("4000000000000002", DECLINED, _("Declined by the bank")),
    TestCard("4000000000009995", INSUFFICIENT_FUNDS, _("Declined: insufficient funds")),
    TestCard("4000000000003063", AUTHENTICATION_FAILED, _("3-D Secure verification fails")),
    TestCard(
        "4000000000000119",
        NO_ANSWER,
        _("The bank takes the payment but never answers the shop (settled by reconciliation)"),
    ),
)
BY_NUMBER = {card.number: card for card in CARDS}


def card_for(number: str) -> TestCard | None:
    return BY_NUMBER.get("".join(ch for ch in number if ch.isdigit()))
