"""Pages: the user's notifications, downloads, and the office's mailbox, outbox and preview."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from evize.accounts.permissions import ENGINEER, STAFF, role_required

from . import selectors, services
from .links import LinkExpired, LinkInvalid, attachment_id_from_token
from .models import OutboxAttachment, OutboxMessage
from .permissions import body_hidden_from, is_recipient, may_read, may_read_body
from .preview import render_sample
from .registry import UnknownMessageKind, all_kinds, get_kind

ALL_ROLES = (ENGINEER, *STAFF)

# The HTML body of an e-mail is shown in a sandboxed frame, under its own strict policy: no
# scripts, no network, inline styles only (that is how e-mail HTML is written).
BODY_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)


def _html_body_response(html: str) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = BODY_CSP
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _message_or_404(pk: int) -> OutboxMessage:
    try:
        return selectors.outbox_message_get(pk=pk)
    except OutboxMessage.DoesNotExist:
        raise Http404 from None


def _page(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- the user's notifications ---------------------------------------------------------------------


@require_GET
@role_required(*ALL_ROLES)
def notification_list(request):
    page = _page(request, selectors.notifications_for_user(request.user), 25)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": selectors.notifications_unread_count(request.user)},
    )


@require_GET
@role_required(*ALL_ROLES)
def notification_detail(request, pk: int):
    message = _message_or_404(pk)
    if not is_recipient(request.user, message) or not message.show_in_app:
        raise Http404
    services.notification_mark_read(actor=request.user, message=message)
    return render(
        request,
        "notifications/detail.html",
        {"message": message, "attachments": list(message.attachments.all())},
    )


@require_POST
@role_required(*ALL_ROLES)
def notification_mark_read(request, pk: int):
    message = _message_or_404(pk)
    if not is_recipient(request.user, message):
        raise Http404
    services.notification_mark_read(actor=request.user, message=message)
    return redirect("notifications:list")


@require_POST
@role_required(*ALL_ROLES)
def notifications_mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@never_cache
@xframe_options_sameorigin
@require_GET
@role_required(*ALL_ROLES)
def message_body(request, pk: int):
    message = _message_or_404(pk)
    if not may_read_body(request.user, message):
        raise Http404
    return _html_body_response(message.body_html)


def _download(request, attachment: OutboxAttachment):
    if not may_read_body(request.user, attachment.message):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@role_required(*ALL_ROLES)
def attachment_download(request, public_id):
    try:
        attachment = selectors.attachment_get(public_id=public_id)
    except OutboxAttachment.DoesNotExist:
        raise Http404 from None
    return _download(request, attachment)


@require_GET
@role_required(*ALL_ROLES)
def signed_download(request, token: str):
    """The link in an e-mail for a file too large to attach: valid for a while, and only after
    login as the recipient (or office staff)."""
    try:
        public_id = attachment_id_from_token(token)
    except LinkExpired:
        return render(request, "notifications/link_expired.html", status=410)
    except LinkInvalid:
        raise Http404 from None
    try:
        attachment = selectors.attachment_get(public_id=public_id)
    except OutboxAttachment.DoesNotExist:
        raise Http404 from None
    return _download(request, attachment)


# --- the office: local mailbox, outbox, preview ---------------------------------------------------


def _filters(request) -> tuple[str, str]:
    status = request.GET.get("status", "")
    if status not in OutboxMessage.Status.values:
        status = ""
    return status, request.GET.get("q", "").strip()[:100]


@require_GET
@role_required(*STAFF)
def mailbox(request):
    status, query = _filters(request)
    page = _page(request, selectors.outbox_messages(status=status, query=query), 50)
    return render(
        request,
        "notifications/staff/mailbox.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": OutboxMessage.Status.choices,
            "delivery_mode": services.delivery_mode(),
        },
    )


@require_GET
@role_required(*STAFF)
def mailbox_detail(request, pk: int):
    message = _message_or_404(pk)
    if not may_read(request.user, message):
        raise Http404
    return render(
        request,
        "notifications/staff/mailbox_detail.html",
        {
            "message": message,
            "attachments": list(message.attachments.all()),
            "body_hidden": body_hidden_from(request.user, message),
            "from_email": settings.DEFAULT_FROM_EMAIL,
        },
    )


@require_GET
@role_required(*STAFF)
def outbox(request):
    status, query = _filters(request)
    page = _page(request, selectors.outbox_messages(status=status, query=query), 50)
    counts = selectors.outbox_status_counts()
    return render(
        request,
        "notifications/staff/outbox.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "status_tabs": [(value, label, counts[value]) for value, label in OutboxMessage.Status.choices],
            "total": sum(counts.values()),
            "delivery_mode": services.delivery_mode(),
        },
    )


@require_POST
@role_required(*STAFF)
def outbox_resend(request, pk: int):
    message = _message_or_404(pk)
    try:
        services.outbox_resend(actor=request.user, message=message)
    except services.OutboxError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The e-mail to %(to)s is queued to be sent again.") % {"to": message.to_email}
        )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect(reverse("notifications:outbox"))


def _kind_or_404(code: str, language: str):
    if language not in dict(settings.LANGUAGES):
        raise Http404
    try:
        return get_kind(code)
    except UnknownMessageKind:
        raise Http404 from None


@require_GET
@role_required(*STAFF)
def preview_index(request):
    return render(
        request,
        "notifications/staff/preview_index.html",
        {"kinds": all_kinds(), "languages": settings.LANGUAGES},
    )


@require_GET
@role_required(*STAFF)
def preview(request, code: str, language: str):
    kind = _kind_or_404(code, language)
    return render(
        request,
        "notifications/staff/preview.html",
        {
            "kind": kind,
            "language": language,
            "languages": settings.LANGUAGES,
            "rendered": render_sample(kind, language=language),
            "sample": sorted(kind.sample().items()),
        },
    )


@never_cache
@xframe_options_sameorigin
@require_GET
@role_required(*STAFF)
def preview_body(request, code: str, language: str):
    kind = _kind_or_404(code, language)
    return _html_body_response(render_sample(kind, language=language).html)
