"""The signing flow through the services: prepare on the server, sign with the key, embed,
validate, lock; and every refusal, each with nothing changed."""

from __future__ import annotations

import datetime

import pytest

from evize.applications.models import Status
from evize.audit.models import AuditEvent
from evize.notifications.models import OutboxMessage
from evize.signatures import services
from evize.signatures.models import FileSignature, RoundFile, SignatureRequest, SigningRound, SigningSession
from evize.signatures.validation import Refused

from .helpers import chain_of, file_bytes, nss_db, pdfsig, pyhanko_reports, sign_round

pytestmark = pytest.mark.django_db


def actions(application) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="applications.application", object_id=str(application.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_engineer_signs_every_file_then_the_round_locks(
    waiting, engineers, certificate_for, pki, tmp_path
):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    files = list(signing_round.files.order_by("position"))
    assert [f.kind for f in files] == ["document", "document", "form"]
    assert {r.member_id for r in signing_round.requests.all()} == {u.member_id for u in engineers}
    # Both engineers were asked to sign by e-mail (outbox rows, with the link to the signing page).
    requests = OutboxMessage.objects.filter(kind="application.sign_request")
    assert sorted(requests.values_list("to_email", flat=True)) == sorted(u.member.email for u in engineers)
    assert all(f"/imza/basvuru/{application.pk}/" in m.body_text for m in requests)

    first = certificate_for(engineers[0])
    _session, plan, outcome = sign_round(engineers[0], first, application)
    assert outcome.state == "completed"
    assert [item.file_name for item in plan.items] == [f.file_name for f in files]
    assert all(len(item.to_be_signed) < 2048 for item in plan.items)
    assert SignatureRequest.objects.get(signing_round=signing_round, member=engineers[0].member).is_signed
    signing_round.refresh_from_db()
    assert signing_round.state == SigningRound.State.OPEN
    application.refresh_from_db()
    assert application.status == Status.AWAITING_SIGNATURE

    second = certificate_for(engineers[1])
    sign_round(engineers[1], second, application)
    signing_round.refresh_from_db()
    application.refresh_from_db()
    assert signing_round.state == SigningRound.State.LOCKED
    assert application.status == Status.AWAITING_REGISTRATION_FEE
    assert FileSignature.objects.filter(round_file__signing_round=signing_round).count() == 6
    for action in (
        "evize.signature.round_opened",
        "evize.signature.session_started",
        "evize.signature.prepared",
        "evize.signature.signed",
        "evize.signature.round_locked",
        "evize.application.signed",
    ):
        assert action in actions(application)

    db = nss_db(tmp_path, pki.root.pem)
    for round_file in RoundFile.objects.filter(signing_round=signing_round):
        data = file_bytes(round_file)
        assert data.startswith(file_bytes_original(round_file))
        reports = pyhanko_reports(data)
        assert [r["national_id"] for r in reports] == [u.member.national_id for u in engineers]
        assert all(r["ok"] and r["intact"] and r["valid"] and r["trusted"] for r in reports), reports
        assert {r["level"] for r in reports} == {"B-LT"}
        assert reports[0]["modification_level"] in ("LTA_UPDATES", "FORM_FILLING")
        path = tmp_path / f"signed-{round_file.pk}.pdf"
        path.write_bytes(data)
        verdict = pdfsig(path, db)
        assert verdict.count("Signature is Valid.") == 2, verdict
        assert verdict.count("Certificate is Trusted.") == 2, verdict


def file_bytes_original(round_file) -> bytes:
    from evize.documents.blobstore import blob_iter

    blob = round_file.base_blob
    return b"".join(blob_iter(blob.storage_key, 0, blob.size))


def _nothing_signed(signing_round) -> None:
    assert not FileSignature.objects.filter(round_file__signing_round=signing_round).exists()
    assert set(RoundFile.objects.filter(signing_round=signing_round).values_list("revision", flat=True)) == {
        0
    }
    assert not signing_round.requests.filter(state=SignatureRequest.State.SIGNED).exists()


@pytest.mark.parametrize(
    ("variant", "code"),
    [
        ("wrong_id", "wrong_national_id"),
        ("expired", "expired"),
        ("revoked", "revoked"),
        ("no_non_repudiation", "no_non_repudiation"),
        ("untrusted", "untrusted"),
    ],
)
def test_certificates_that_cannot_sign_are_refused(variant, code, waiting, engineers, certificate_for, pki):
    from evize.registry.tests.factories import make_tckn
    from evize.signatures.pki import hierarchy

    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    user = engineers[0]
    now = datetime.datetime.now(tz=datetime.UTC)
    if variant == "wrong_id":
        issued = certificate_for(user, national_id=make_tckn(987654))
    elif variant == "expired":
        issued = certificate_for(
            user, not_before=now - datetime.timedelta(days=400), not_after=now - datetime.timedelta(days=1)
        )
    elif variant == "revoked":
        issued = certificate_for(user)
        pki.intermediate.revoke(issued.certificate)
    elif variant == "no_non_repudiation":
        issued = certificate_for(user, non_repudiation=False)
    else:
        stranger = hierarchy(name="Yabancı")
        issued = stranger.intermediate.issue_signer(
            given_name="A", surname="B", national_id=user.member.national_id
        )
    session, token = services.signing_session_start(actor=user, application=application)
    with pytest.raises(Refused) as refused:
        services.signing_session_certificate(
            token=token, certificate_der=issued.der, chain_der=chain_of(issued)
        )
    assert refused.value.code == code
    assert str(refused.value.message)
    session.refresh_from_db()
    assert session.state == SigningSession.State.REFUSED
    assert session.refusal["code"] == code
    assert not session.prepared.exists()
    _nothing_signed(signing_round)
    event = AuditEvent.objects.filter(action="evize.signature.refused").latest("id")
    assert event.data["reason"] == code


def test_a_signature_over_different_bytes_is_refused(waiting, engineers, certificate_for):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    issued = certificate_for(engineers[0])
    with pytest.raises(Refused) as refused:
        sign_round(engineers[0], issued, application, tamper=lambda data: data[:-1] + bytes([data[-1] ^ 1]))
    assert refused.value.code == "bad_signature"
    _nothing_signed(signing_round)


def test_a_replayed_session_is_refused_and_changes_nothing(waiting, engineers, certificate_for):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    issued = certificate_for(engineers[0])
    session, token = services.signing_session_start(actor=engineers[0], application=application)
    plan = services.signing_session_certificate(
        token=token, certificate_der=issued.der, chain_der=chain_of(issued)
    )
    with pytest.raises(Refused) as again:
        services.signing_session_certificate(
            token=token, certificate_der=issued.der, chain_der=chain_of(issued)
        )
    assert again.value.code == "session_used"
    from evize.signatures.testing.scenario import sign_with

    signatures = {item.ref: sign_with(issued, item.to_be_signed) for item in plan.items}
    services.signing_session_signatures(token=token, signatures=signatures)
    count = FileSignature.objects.count()
    with pytest.raises(Refused) as replay:
        services.signing_session_signatures(token=token, signatures=signatures)
    assert replay.value.code == "session_used"
    assert FileSignature.objects.count() == count
    session.refresh_from_db()
    assert session.state == SigningSession.State.COMPLETED
    assert signing_round.requests.filter(state=SignatureRequest.State.SIGNED).count() == 1


def test_an_expired_session_is_refused(waiting, engineers, certificate_for, settings):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    issued = certificate_for(engineers[0])
    session, token = services.signing_session_start(actor=engineers[0], application=application)
    SigningSession.objects.filter(pk=session.pk).update(
        expires_at=session.created_at - datetime.timedelta(seconds=1)
    )
    with pytest.raises(Refused) as refused:
        services.signing_session_certificate(
            token=token, certificate_der=issued.der, chain_der=chain_of(issued)
        )
    assert refused.value.code == "session_expired"
    session.refresh_from_db()
    assert session.state == SigningSession.State.REFUSED
    _nothing_signed(signing_round)


def test_an_unknown_token_is_refused(db):
    with pytest.raises(Refused) as refused:
        services.signing_session_signatures(token="x" * 43, signatures={})
    assert refused.value.code == "session_unknown"


def test_two_engineers_finishing_at_once_one_is_asked_to_sign_again(waiting, engineers, certificate_for):
    """Both prepared on the same file version; the second to finish would overwrite history, so it
    is refused (nothing of it stored) and can simply sign again on top of the first."""
    from evize.signatures.testing.scenario import sign_with

    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    started = []
    for user in engineers:
        issued = certificate_for(user)
        _session, token = services.signing_session_start(actor=user, application=application)
        plan = services.signing_session_certificate(
            token=token, certificate_der=issued.der, chain_der=chain_of(issued)
        )
        started.append((token, {item.ref: sign_with(issued, item.to_be_signed) for item in plan.items}))
    services.signing_session_signatures(token=started[0][0], signatures=started[0][1])
    with pytest.raises(Refused) as refused:
        services.signing_session_signatures(token=started[1][0], signatures=started[1][1])
    assert refused.value.code == "conflict"
    assert FileSignature.objects.filter(request__member=engineers[1].member).count() == 0
    sign_round(engineers[1], certificate_for(engineers[1]), application)
    signing_round.refresh_from_db()
    assert signing_round.is_locked


def test_an_ecdsa_token_signs_too(waiting, engineers, certificate_for):
    application, round_ = waiting
    signing_round = services.signing_round_open(actor=engineers[0], round=round_)
    _session, _plan, outcome = sign_round(engineers[0], certificate_for(engineers[0], kind="ec"), application)
    assert outcome.state == "completed"
    for round_file in signing_round.files.all():
        (report,) = pyhanko_reports(file_bytes(round_file))
        assert report["ok"], report
