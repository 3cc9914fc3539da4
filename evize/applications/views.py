"""Pages of the application form (guide steps 4-19), the application page and their htmx parts.

Views parse and render; services write; selectors decide who sees what (Http404 for anyone else).
Dialogs are server-rendered forms swapped into the page's <dialog>; a saved dialog re-renders its
section's table (out-of-band) and the pre-checks panel refreshes itself.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evize.accounts.permissions import ENGINEER, STAFF, role_required
from evize.registry.selectors import member_by_sicil

from . import selectors
from .forms import ApplicationFieldsForm, engineer_prefill
from .forms.withdraw import WithdrawForm
from .prechecks import FormFacts
from .sections import SECTIONS, SET, SINGLE, get_section
from .selectors import ApplicationLocked, get_application_for, is_editable, is_engineer_on
from .services import (
    SubmitRefused,
    application_copy,
    application_create,
    application_discard,
    application_field_save,
    application_submit,
    application_withdraw,
    can_withdraw,
    section_row_delete,
    section_save,
)
from .workflow import TransitionNotAllowed

SAVED_EVENT = "evize:saved"


def _htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def locked_goes_to_page(view):
    """A change to an application that can no longer be changed (saved in another tab, say)
    sends the user to its read-only page with the reason, instead of an error."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except ApplicationLocked as exc:
            messages.warning(request, str(getattr(exc, "message", ApplicationLocked.message)))
            url = reverse("applications:detail", args=[pk])
            return _htmx_redirect(url) if request.htmx else redirect(url)

    return wrapped


def _saved_response(request, application, *, body: str = "", sections=(), close: bool = True) -> HttpResponse:
    """The dialog's new content plus, out of band, the re-rendered section tables and the
    "draft saved" time; an event tells the page to close the dialog and refresh the pre-checks."""
    parts = [body]
    if sections:
        fresh = selectors.application_with_sections().get(pk=application.pk)
        for section in sections:
            parts.append(_section_html(request, fresh, section, oob=True))
    parts.append(
        render(
            request, "applications/_draft_status.html", {"application": application, "oob": True}
        ).content.decode()
    )
    response = HttpResponse("".join(parts))
    response["HX-Trigger"] = json.dumps({SAVED_EVENT: {"close": close}})
    return response


def _section_html(request, application, section, *, oob: bool = False) -> str:
    """One section of the form (its table and buttons), as on the form page."""
    context = {
        "section": section,
        "application": application,
        "editable": True,
        "oob": oob,
        "table": section.table(application),
        "fields": ApplicationFieldsForm(application=application) if section.key == "coefficients" else None,
        "existing_report_type": _existing_report_type() if section.key == "existing_materials" else None,
    }
    return render(request, "applications/_section.html", context).content.decode()


# --- starting -----------------------------------------------------------------------------------------


@require_POST
@role_required(ENGINEER)
def application_new(request):
    """Start a new draft (only members in good standing)."""
    try:
        application = application_create(actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot start a new application."))
        return redirect("core:dashboard")
    return redirect("applications:form", pk=application.pk)


@require_POST
@role_required(ENGINEER)
def application_copy_view(request):
    """A new draft pre-filled from one of the engineer's earlier applications."""
    source = get_application_for(request.user, request.POST.get("source"))
    try:
        application = application_copy(actor=request.user, source=source)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot start a new application."))
        return redirect("core:dashboard")
    messages.success(
        request,
        _("A new draft was filled in from %(source)s. Check every section before saving.")
        % {"source": source},
    )
    return redirect("applications:form", pk=application.pk)


# --- the form -------------------------------------------------------------------------------------------


def _precheck_context(application) -> dict:
    facts = FormFacts(application)
    findings = facts.run()
    errors = sum(1 for finding in findings if finding.is_error)
    return {
        "findings": findings,
        "error_count": errors,
        "warning_count": len(findings) - errors,
        "missing_documents": facts.missing_document_types,
    }


def _form_context(request, application) -> dict:
    return {
        "application": application,
        "sections": [(section, section.table(application)) for section in SECTIONS],
        "fields": ApplicationFieldsForm(application=application),
        **_precheck_context(application),
        "existing_report_type": _existing_report_type(),
        "editable": True,
    }


def _existing_report_type():
    from evize.catalog.models import DocumentType

    return DocumentType.objects.filter(code="mevcut-malzeme-raporu").first()


@require_GET
@role_required(ENGINEER)
def application_form(request, pk):
    """The application form: every section of steps 4-17 and 19, saved as a draft as it is filled."""
    application = get_application_for(request.user, pk, sections=True)
    if not is_engineer_on(request.user, application):
        return redirect("applications:detail", pk=application.pk)
    if not is_editable(application):
        return redirect("applications:detail", pk=application.pk)
    return render(request, "applications/form.html", _form_context(request, application))


@require_GET
@role_required(ENGINEER)
@locked_goes_to_page
def section_table(request, pk, key):
    application = get_application_for(request.user, pk, edit=True, sections=True)
    return HttpResponse(_section_html(request, application, get_section(key)))


def _initial_from_query(request, section) -> dict:
    """What was typed in the dialog, sent back to re-render it (dependent lists, prefills)."""
    initial: dict = {}
    for name, values in request.GET.lists():
        if name.startswith("_") or name in ("csrfmiddlewaretoken", "pick_sicil"):
            continue
        initial[name] = values if section.mode == SET else values[-1]
    return initial


def _dialog(request, application, section, form, row, post_url: str | None = None) -> HttpResponse:
    template = section.dialog_template
    post_url = post_url or request.path
    context = {
        "application": application,
        "section": section,
        "form": form,
        "row": row,
        "post_url": post_url,
        "search_url": reverse("applications:engineer_search", args=[application.pk])
        + (f"?row={row.pk}" if row is not None and getattr(row, "pk", None) else ""),
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@role_required(ENGINEER)
@locked_goes_to_page
def section_dialog(request, pk, key, row_pk=None):
    """The dialog of a section: a new row ("+ Yeni Kayıt Ekle"), or an existing one to edit."""
    application = get_application_for(request.user, pk, edit=True)
    section = get_section(key)
    row = section.row(application, row_pk)
    refresh_url = f"{request.path}?_refresh=1"
    kwargs = {"application": application, "refresh_url": refresh_url}
    if section.mode != SET:
        kwargs["instance"] = row
    if section.mode not in (SINGLE, SET) and row is None:
        if section.is_full(selectors.application_with_sections().get(pk=application.pk)):
            return render(request, "applications/dialogs/_full.html", {"section": section})

    if request.method == "GET":
        if request.GET.get("_refresh") or "pick_sicil" in request.GET:
            initial = _initial_from_query(request, section)
            pick = request.GET.get("pick_sicil")
            if pick:
                initial["sicil_no"] = pick
                member = member_by_sicil(pick)
                if member is not None:
                    initial.update(engineer_prefill(member, own=member.pk == request.user.member_id))
            form = section.form_class(initial=initial, **kwargs)
            if request.htmx and request.htmx.trigger_name in ("system", "ductility_level"):
                form.prefill_factors()
        else:
            form = section.form_class(**kwargs)
        return _dialog(request, application, section, form, row)

    form = section.form_class(request.POST, **kwargs)
    if not form.is_valid():
        return _dialog(request, application, section, form, row)
    section_save(actor=request.user, application=application, section=section, form=form)
    application.refresh_from_db(fields=["updated_at"])
    if request.POST.get("_another") and section.mode not in (SINGLE, SET):
        # "Yeni Ekle": saved; the dialog stays open with an empty form for the next row.
        fresh = selectors.application_with_sections().get(pk=application.pk)
        if section.is_full(fresh):
            body = render(request, "applications/dialogs/_full.html", {"section": section}).content.decode()
        else:
            new_url = reverse("applications:section_new", args=[application.pk, section.key])
            new_form = section.form_class(
                application=application, refresh_url=f"{new_url}?_refresh=1", instance=None
            )
            body = _dialog(request, application, section, new_form, None, post_url=new_url).content.decode()
        return _saved_response(request, application, body=body, sections=[section], close=False)
    return _saved_response(request, application, sections=[section])


@require_http_methods(["GET", "POST"])
@role_required(ENGINEER)
@locked_goes_to_page
def section_row_delete_view(request, pk, key, row_pk):
    application = get_application_for(request.user, pk, edit=True)
    section = get_section(key)
    row = section.row(application, row_pk)
    if row is None or not section.can_delete(row):
        raise PermissionDenied
    if request.method == "GET":
        return render(
            request,
            "applications/dialogs/_delete.html",
            {"application": application, "section": section, "row": row, "post_url": request.path},
        )
    section_row_delete(actor=request.user, application=application, section=section, row=row)
    application.refresh_from_db(fields=["updated_at"])
    return _saved_response(request, application, sections=[section])


@require_GET
@role_required(ENGINEER)
@locked_goes_to_page
def engineer_search(request, pk):
    """The registry-number type-ahead: active members in good standing (number and name only)."""
    application = get_application_for(request.user, pk, edit=True)
    row_pk = request.GET.get("row")
    if row_pk and row_pk.isdigit():
        dialog_url = reverse("applications:section_edit", args=[application.pk, "engineers", int(row_pk)])
    else:
        dialog_url = reverse("applications:section_new", args=[application.pk, "engineers"])
    query = request.GET.get("sicil_no", "")
    on_application = set(application.engineers.values_list("member_id", flat=True))
    candidates = [m for m in selectors.engineer_candidates(query) if m.pk not in on_application]
    return render(
        request,
        "applications/dialogs/_engineer_results.html",
        {"candidates": candidates, "query": query.strip(), "dialog_url": dialog_url},
    )


@require_POST
@role_required(ENGINEER)
@locked_goes_to_page
def field_save(request, pk, name):
    """Autosave of one single value (earthquake code, cost, fee type, note)."""
    application = get_application_for(request.user, pk, edit=True)
    form = ApplicationFieldsForm(request.POST, application=application, only=name)
    if name not in form.fields:
        raise PermissionDenied
    if not form.is_valid():
        return render(request, "applications/_field_status.html", {"errors": form.errors.get(name, [])})
    application_field_save(
        actor=request.user, application=application, field=name, value=form.cleaned_data[name]
    )
    body = render(request, "applications/_field_status.html", {"saved": True}).content.decode()
    return _saved_response(request, application, body=body, close=False)


@require_GET
@role_required(ENGINEER)
@locked_goes_to_page
def prechecks_panel(request, pk):
    application = get_application_for(request.user, pk, edit=True, sections=True)
    context = {"application": application, **_precheck_context(application)}
    return render(request, "applications/_prechecks.html", context)


# --- "Kaydet" → "Evet", "Vazgeç" ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(ENGINEER)
@locked_goes_to_page
def submit_dialog(request, pk):
    """ "Kaydet": are you sure? "Evet" runs the pre-checks, gives the number and moves the
    application on to signing."""
    application = get_application_for(request.user, pk, edit=True, sections=True)
    context = {"application": application, "post_url": request.path}
    if request.method == "GET":
        findings = FormFacts(application).run()
        return render(request, "applications/dialogs/_submit.html", {**context, "findings": findings})
    acknowledged = request.POST.get("acknowledge") == "1"
    try:
        moved = application_submit(
            actor=request.user, application=application, acknowledge_warnings=acknowledged
        )
    except SubmitRefused as exc:
        return render(
            request,
            "applications/dialogs/_submit.html",
            {**context, "findings": exc.findings, "refusal": exc.message, "acknowledged": acknowledged},
        )
    except TransitionNotAllowed as exc:
        return render(
            request, "applications/dialogs/_submit.html", {**context, "findings": [], "refusal": exc.message}
        )
    if moved.registration_number and moved.status == "awaiting_signature":
        messages.success(
            request,
            _("Your application was saved with registration number %(number)s. The next step is to sign it.")
            % {"number": moved.registration_number},
        )
    else:
        messages.success(
            request, _("Your corrections were saved. The next step is to sign the application again.")
        )
    url = reverse("core:dashboard")
    return _htmx_redirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
@role_required(ENGINEER)
@locked_goes_to_page
def discard_dialog(request, pk):
    """ "Vazgeç": discards the draft, only after a second, explicit confirmation."""
    application = get_application_for(request.user, pk, edit=True)
    if application.registration_number:
        raise ApplicationLocked(_("Only a draft that has not been saved yet can be discarded."))
    if application.created_by_id != request.user.pk:
        raise PermissionDenied
    step = "2" if (request.GET.get("adim") == "2" or request.method == "POST") else "1"
    context = {"application": application, "post_url": request.path, "step": step}
    if request.method == "GET":
        return render(request, "applications/dialogs/_discard.html", context)
    if request.POST.get("confirm") != "1":
        return render(request, "applications/dialogs/_discard.html", {**context, "needs_confirmation": True})
    label = str(application)
    application_discard(actor=request.user, application=application)
    messages.success(
        request, _("The draft %(draft)s and everything entered in it were discarded.") % {"draft": label}
    )
    url = reverse("core:dashboard")
    return _htmx_redirect(url) if request.htmx else redirect(url)


# --- the application page -------------------------------------------------------------------------------


@require_GET
@role_required(ENGINEER, *STAFF)
def application_detail(request, pk):
    """Everything about the application, read-only: every section, the documents and the timeline."""
    from evize.documents.selectors import current_documents

    application = get_application_for(request.user, pk, sections=True)
    engineer = is_engineer_on(request.user, application)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "sections": [(section, section.table(application)) for section in SECTIONS],
            "documents": list(current_documents(application)),
            "timeline": selectors.application_timeline(application),
            "rounds": list(application.rounds.all()),
            "can_edit": engineer and is_editable(application),
            "can_withdraw": can_withdraw(request.user, application),
            "next_action": selectors.next_action(application, request.user) if engineer else None,
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(ENGINEER)
def application_withdraw_view(request, pk):
    """ "Başvuruyu geri çek": the applicant cancels a saved application, after writing why and
    ticking a confirmation (a page of its own: the step cannot be undone)."""
    application = get_application_for(request.user, pk)
    if application.created_by_id != request.user.pk:
        raise PermissionDenied
    detail_url = reverse("applications:detail", args=[application.pk])
    if not can_withdraw(request.user, application):
        messages.warning(request, _("This application can no longer be withdrawn."))
        return redirect(detail_url)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                actor=request.user, application=application, reason_text=form.cleaned_data["reason"]
            )
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Application %(number)s has been withdrawn. Its engineers have been told by e-mail.")
                % {"number": application.registration_number},
            )
        return redirect(detail_url)
    return render(
        request,
        "applications/withdraw.html",
        {"application": application, "form": form, "cancel_url": detail_url},
    )
