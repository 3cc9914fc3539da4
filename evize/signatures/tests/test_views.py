"""The signing page, its fragments, downloads, and the agent's JSON endpoints over HTTP."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from django.test import Client
from django.urls import reverse

from evize.accounts.tests.factories import UserFactory
from evize.applications.models import Round, Status
from evize.applications.workflow import transition
from evize.notifications.models import OutboxMessage
from evize.signatures import services
from evize.signatures.models import RoundFile, SigningRound, SigningSession
from evize.signatures.testing.scenario import sign_with

from .helpers import file_bytes, sign_round

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_engineer_sees_the_round_and_the_sign_button(waiting, engineers):
    application, _round = waiting
    response = client_for(engineers[0]).get(reverse("signatures:application", args=[application.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "İmzala" in page
    assert "Zemin kat planı.pdf" in page and "Başvuru Formu" in page
    # Opening the page froze the round (idempotent) and asked both engineers to sign.
    assert SigningRound.objects.filter(application=application).count() == 1
    client_for(engineers[0]).get(reverse("signatures:application", args=[application.pk]))
    assert SigningRound.objects.filter(application=application).count() == 1
    assert OutboxMessage.objects.filter(kind="application.sign_request").count() == 2


def test_others_cannot_see_it_and_staff_only_read(waiting, staff_client):
    application, _round = waiting
    url = reverse("signatures:application", args=[application.pk])
    assert client_for(UserFactory()).get(url).status_code == 404
    clerk = UserFactory(clerk=True)
    response = staff_client(clerk).get(url)
    assert response.status_code == 200
    assert "sign-button" not in response.content.decode()


def test_start_hands_a_one_time_token_to_the_page(waiting, engineers):
    application, _round = waiting
    client = client_for(engineers[0])
    response = client.post(reverse("signatures:start", args=[application.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    page = response.content.decode()
    session = SigningSession.objects.get()
    assert f'id="session-{session.pk}"' in page
    import html
    import re

    launch = json.loads(html.unescape(re.search(r'data-launch="([^"]+)"', page).group(1)))
    assert launch["agent_url"] == "http://127.0.0.1:47215"
    assert services._token_hash(launch["token"]) == session.token_hash
    assert launch["token"] not in (session.token_hash,)
    status = client.get(reverse("signatures:session", args=[session.pk]))
    assert status.status_code == 200 and "HX-Refresh" not in status
    # Someone else's session is not visible.
    assert client_for(engineers[1]).get(reverse("signatures:session", args=[session.pk])).status_code == 404


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_agent_endpoints(waiting, engineers, certificate_for):
    application, _round = waiting
    user = engineers[0]
    issued = certificate_for(user)
    client_for(user).get(reverse("signatures:application", args=[application.pk]))
    session, token = services.signing_session_start(actor=user, application=application)
    agent = Client(enforce_csrf_checks=True)
    url = reverse("signatures:agent_certificate")
    assert agent.post(url, data="{nope", content_type="application/json", **bearer(token)).status_code == 400
    unknown = agent.post(
        url,
        data=json.dumps({"v": 1, "certificate": "AA=="}),
        content_type="application/json",
        **bearer("y" * 43),
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "session_unknown"
    chain = [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in issued.chain()[:-1]
    ]
    payload = {"v": 1, "certificate": base64.b64encode(issued.der).decode(), "chain": chain, "agent": "test"}
    response = agent.post(url, data=json.dumps(payload), content_type="application/json", **bearer(token))
    assert response.status_code == 200
    plan = response.json()
    assert plan["application"] == application.registration_number
    assert len(plan["documents"]) == 3
    replay = agent.post(url, data=json.dumps(payload), content_type="application/json", **bearer(token))
    assert replay.status_code == 409 and replay.json()["code"] == "session_used"

    signatures = [
        {
            "ref": d["ref"],
            "signature": base64.b64encode(sign_with(issued, base64.b64decode(d["to_be_signed"]))).decode(),
        }
        for d in plan["documents"]
    ]
    done = agent.post(
        reverse("signatures:agent_signatures"),
        data=json.dumps({"v": 1, "signatures": signatures}),
        content_type="application/json",
        **bearer(token),
    )
    assert done.status_code == 200 and done.json()["state"] == "completed"
    session.refresh_from_db()
    assert session.state == SigningSession.State.COMPLETED
    assert session.bytes_to_agent > 0 and session.bytes_from_agent > 0
    status = client_for(user).get(reverse("signatures:session", args=[session.pk]))
    assert status["HX-Refresh"] == "true"


def test_downloads_and_a_refused_upload(waiting, engineers, certificate_for):
    application, round_ = waiting
    services.signing_round_open(actor=engineers[0], round=round_)
    sign_round(engineers[0], certificate_for(engineers[0]), application)
    round_file = RoundFile.objects.filter(signing_round__application=application).first()
    client = client_for(engineers[1])
    response = client.get(reverse("signatures:file", args=[round_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == file_bytes(round_file)
    assert response["Content-Disposition"].startswith("attachment")
    assert int(response["Content-Length"]) == len(file_bytes(round_file))
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("imzali.pdf", b"%PDF-1.7 not ours", content_type="application/pdf")
    response = client.post(reverse("signatures:upload", args=[round_file.pk]), {"file": bad}, follow=True)
    assert "was not accepted" in response.content.decode() or "kabul edilmedi" in response.content.decode()
    assert client_for(UserFactory()).get(reverse("signatures:file", args=[round_file.pk])).status_code == 404


def test_a_signed_application_says_so_and_notes_start_a_new_round(waiting, engineers, certificate_for):
    application, round_ = waiting
    services.signing_round_open(actor=engineers[0], round=round_)
    for user in engineers:
        sign_round(user, certificate_for(user), application)
    page = (
        client_for(engineers[0])
        .get(reverse("signatures:application", args=[application.pk]))
        .content.decode()
    )
    assert "sign-button" not in page
    assert "imzalanmıştır" in page or "has been signed by every engineer" in page

    # The office's notes, the engineer's corrections, "Kaydet": a new round asks for signatures again.
    office = UserFactory(clerk=True)
    for target in (Status.REGISTERED, Status.IN_REVIEW, Status.NOTES_SENT, Status.AWAITING_RESIGNATURE):
        transition(application, to=target, actor=office)
    second = Round.objects.create(application=application, number=2, created_by=engineers[0], snapshot={})
    page = (
        client_for(engineers[0])
        .get(reverse("signatures:application", args=[application.pk]))
        .content.decode()
    )
    assert "sign-button" in page
    assert SigningRound.objects.get(round=second).state == SigningRound.State.OPEN
    assert OutboxMessage.objects.filter(kind="application.resign_request").count() == 2
    for user in engineers:
        sign_round(user, certificate_for(user), application)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    assert SigningRound.objects.get(round=second).state == SigningRound.State.LOCKED
    assert SigningRound.objects.get(round=round_).state == SigningRound.State.LOCKED
