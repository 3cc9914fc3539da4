"""Public verification of visas (no login; rate-limited; HTML or JSON) and the office's pages."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from evize.accounts.permissions import CHAMBER_ADMIN, ENGINEER, STAFF, VISA_OFFICER, role_required
from evize.core.ratelimit import too_many
from evize.documents.downloads import blob_response
from evize.documents.spool import spooled_upload

from . import conf, selectors, services
from .forms import RevokeForm, VerifyForm
from .models import Visa, VisaSigning

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


def _wants_json(request) -> bool:
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _rate_limited(request) -> bool:
    return too_many(request, "visa-verify", limit=conf.verify_rate_limit(), window=60)


def _too_many(request) -> HttpResponse:
    message = _("Too many verification requests. Please wait a minute and try again.")
    if _wants_json(request):
        response = JsonResponse({"error": "rate_limited", "message": message}, status=429)
    else:
        response = render(request, "visa/verify.html", {"form": VerifyForm(), "error": message}, status=429)
    response["Retry-After"] = "60"
    return response


@csrf_exempt  # a read-only check, also used by municipalities' systems; nothing changes
@require_http_methods(["GET", "POST"])
def verify(request):
    if request.method == "GET" and not request.GET.get("number"):
        return render(request, "visa/verify.html", {"form": VerifyForm()})
    if _rate_limited(request):
        return _too_many(request)
    form = VerifyForm(request.POST or request.GET, request.FILES or None)
    if not form.is_valid():
        if _wants_json(request):
            errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
            return JsonResponse({"error": "invalid", "message": " ".join(errors)}, status=400)
        return render(request, "visa/verify.html", {"form": form}, status=400)
    upload = form.cleaned_data.get("file")
    if upload is None:
        visa = selectors.visa_by_number(form.cleaned_data["number"])
        if visa is None:
            return _not_found(request, form.cleaned_data["number"])
        suffix = "?format=json" if _wants_json(request) else ""
        return redirect(services.verify_path(visa) + suffix)
    if upload.size > MAX_UPLOAD_BYTES:
        message = _("The file is too large to check here.")
        if _wants_json(request):
            return JsonResponse({"error": "too_large", "message": message}, status=413)
        return render(request, "visa/verify.html", {"form": form, "error": message}, status=413)
    with spooled_upload(upload) as path:
        result = selectors.verify_file(path)
    if _wants_json(request):
        return JsonResponse(result)
    return render(request, "visa/verify_file.html", {"result": result, "file_name": upload.name})


def _not_found(request, number: str) -> HttpResponse:
    message = _("No visa with the number %(number)s was found.") % {"number": number}
    if _wants_json(request):
        return JsonResponse({"error": "not_found", "message": message}, status=404)
    return render(request, "visa/verify.html", {"form": VerifyForm(), "error": message}, status=404)


@require_http_methods(["GET"])
def verify_number(request, slug: str):
    if _rate_limited(request):
        return _too_many(request)
    visa = selectors.visa_by_slug(slug)
    if visa is None:
        return _not_found(request, slug)
    summary = selectors.public_summary(visa)
    if _wants_json(request):
        return JsonResponse(summary)
    return render(request, "visa/verify_number.html", {"visa": visa, "summary": summary})


# --- the engineers' download ---------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@role_required(ENGINEER, *STAFF)
def visa_file_download(request, pk: int):
    """A visa'd file, for the application's engineers and the office (404 for anyone else);
    streamed from the blob store, byte ranges supported."""
    visa_file = selectors.visa_file_for_user(request.user, pk)
    return blob_response(request, visa_file.blob, visa_file.file_name, inline=False)


# --- the office -------------------------------------------------------------------------------------


@role_required(VISA_OFFICER, CHAMBER_ADMIN)
def office_list(request):
    # A visa whose on-commit start was lost (the process died after the visa fee's commit) is
    # queued here at the latest (idempotent; also run periodically by evize.visa.sweep_pending).
    services.visa_pending_sweep(actor=None)
    return render(
        request,
        "visa/office_list.html",
        {
            "pending": selectors.office_visas(state=Visa.State.PENDING),
            "issued": selectors.office_visas().exclude(state=Visa.State.PENDING)[:100],
        },
    )


@role_required(VISA_OFFICER, CHAMBER_ADMIN)
def office_detail(request, pk: int):
    visa = get_object_or_404(Visa.objects.select_related("application", "issued_by", "revoked_by"), pk=pk)
    return render(
        request,
        "visa/office_detail.html",
        {"visa": visa, "summary": selectors.public_summary(visa), "form": RevokeForm()},
    )


@require_POST
@role_required(VISA_OFFICER, CHAMBER_ADMIN)
def office_revoke(request, pk: int):
    visa = get_object_or_404(Visa, pk=pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "visa/office_detail.html",
            {"visa": visa, "summary": selectors.public_summary(visa), "form": form},
            status=400,
        )
    try:
        services.visa_revoke(actor=request.user, visa=visa, reason=form.cleaned_data["reason"])
    except services.VisaError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Visa %(number)s has been revoked.") % {"number": visa.number})
    return redirect("visa:office_detail", pk=visa.pk)


@require_POST
@role_required(VISA_OFFICER)
def office_sign(request):
    """ "Sign": one signing session for the chosen pending visas (one PIN for the batch); the page
    hands the one-time token to the officer's signer agent."""
    from evize.signatures import conf as signatures_conf
    from evize.signatures.registry import get_protocol

    ids = [int(v) for v in request.POST.getlist("visa") if v.isdigit()]
    visas = list(Visa.objects.filter(pk__in=ids, state=Visa.State.PENDING).order_by("year", "seq"))
    try:
        signing, token = services.visa_signing_start(actor=request.user, visas=visas)
    except services.VisaError as exc:
        messages.error(request, exc.message)
        return redirect("visa:office_list")
    launch = get_protocol("evize_agent").launch(
        token=token,
        server_url=request.build_absolute_uri("/vize").rstrip("/"),
        agent_url=signatures_conf.agent_url(),
        session_id=str(signing.pk),
    )
    return render(
        request,
        "visa/office_sign.html",
        {"signing": signing, "visas": visas, "launch": json.dumps(launch), "polling": True},
    )


@never_cache
@role_required(VISA_OFFICER)
def office_sign_status(request, signing_id):
    signing = get_object_or_404(VisaSigning, pk=signing_id, officer=request.user)
    response = render(
        request,
        "visa/_signing.html",
        {"signing": signing, "polling": not signing.is_finished},
    )
    if signing.state == VisaSigning.State.COMPLETED:
        response["HX-Redirect"] = reverse("visa:office_list")
    return response
