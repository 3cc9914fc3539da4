"""Reading signatures: the rounds of an application with their files, signers and reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404

from evize.applications.models import Application
from evize.documents.selectors import application_for_user, is_engineer_of

from .models import FileSignature, RoundFile, SignatureRequest, SigningRound, SigningSession


def signing_rounds(application: Application) -> list[SigningRound]:
    """Every signing round of the application, newest first, with files, signatures and signers
    (a constant number of queries)."""
    return list(
        SigningRound.objects.filter(application=application)
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=RoundFile.objects.select_related("base_blob").prefetch_related(
                    Prefetch("signatures", queryset=FileSignature.objects.select_related("request__member"))
                ),
            ),
            Prefetch("requests", queryset=SignatureRequest.objects.select_related("member", "engineer")),
        )
        .order_by("-round__number")
    )


@dataclass
class SigningPage:
    application: Application
    rounds: list[SigningRound]
    current: SigningRound | None
    my_request: SignatureRequest | None
    is_engineer: bool
    signed_files: set[int] = field(default_factory=set)

    @property
    def can_sign(self) -> bool:
        return (
            self.current is not None
            and self.current.state == SigningRound.State.OPEN
            and self.my_request is not None
            and not self.my_request.is_signed
        )


def signing_page(user, application: Application) -> SigningPage:
    rounds = signing_rounds(application)
    current = rounds[0] if rounds else None
    my_request = None
    signed_files: set[int] = set()
    member_id = getattr(user, "member_id", None)
    if current is not None and member_id:
        my_request = next((r for r in current.requests.all() if r.member_id == member_id), None)
        if my_request is not None:
            signed_files = {
                f.pk for f in current.files.all() for s in f.signatures.all() if s.request_id == my_request.pk
            }
    return SigningPage(
        application=application,
        rounds=rounds,
        current=current,
        my_request=my_request,
        is_engineer=is_engineer_of(user, application),
        signed_files=signed_files,
    )


def round_file_for_user(user, pk) -> RoundFile:
    try:
        round_file = RoundFile.objects.select_related(
            "signing_round__application", "signing_round__round", "base_blob"
        ).get(pk=pk)
    except (RoundFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    application_for_user(user, round_file.signing_round.application_id)
    return round_file


def session_for_user(user, session_id) -> SigningSession:
    try:
        return SigningSession.objects.select_related("request__signing_round__application").get(
            pk=session_id, user=user
        )
    except (SigningSession.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
