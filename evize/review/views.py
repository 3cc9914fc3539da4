"""The visa office's screens: the queue, the review workspace, and the engineer's answers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evize.accounts.models import User
from evize.accounts.permissions import CHAMBER_ADMIN, CLERK, CONTROL_ENGINEER, ENGINEER, STAFF, role_required
from evize.applications.models import Application, Status
from evize.applications.sections import SECTIONS
from evize.applications.selectors import application_with_sections, is_engineer_on
from evize.catalog.models import District, WorkType
from evize.documents.downloads import blob_response
from evize.documents.selectors import current_documents
from evize.documents.spool import spooled_upload
from evize.signatures.selectors import signing_rounds

from . import selectors, services
from .forms import AnswerForm, AssignForm, NoteForm
from .models import ChecklistCheck, Notation, Note, StandardComment
from .services import ReviewError

OFFICE = (CLERK, CONTROL_ENGINEER, CHAMBER_ADMIN)
ASSIGNERS = (CLERK, CHAMBER_ADMIN)
QUEUE_LIMIT = 200


def _office_application(user, pk) -> Application:
    """An application at the office that `user` may open: a control engineer only theirs."""
    application = Application.objects.filter(pk=pk).first()
    if application is None:
        raise Http404
    if user.role == CONTROL_ENGINEER and not services.is_reviewer(user, application):
        raise Http404
    return application


@require_GET
@role_required(*OFFICE)
def queue(request):
    g = request.GET
    filters = selectors.QueueFilters(
        status=g.get("status", ""),
        district=g.get("district", ""),
        work_type=g.get("work_type", ""),
        reviewer=g.get("reviewer", ""),
        overdue=g.get("overdue") == "1",
        q=g.get("q", "")[:100],
    )
    applications = list(selectors.review_queue(request.user, filters)[:QUEUE_LIMIT])
    can_assign = request.user.role in ASSIGNERS
    reviewers = (
        list(User.objects.filter(role=User.Role.CONTROL_ENGINEER, is_active=True).order_by("first_name"))
        if request.user.role != CONTROL_ENGINEER
        else []
    )
    return render(
        request,
        "review/queue.html",
        {
            "rows": selectors.queue_rows(applications, overdue_only=filters.overdue),
            "filters": filters,
            "statuses": [s for s in Status if s in selectors.QUEUE_STATUSES],
            "districts": list(District.objects.order_by("name_tr")),
            "work_types": list(WorkType.objects.order_by("name_tr")),
            "reviewers": reviewers,
            "can_assign": can_assign,
            "limit": QUEUE_LIMIT,
            "notation_limit": services.notation_limit(),
        },
    )


@require_POST
@role_required(*ASSIGNERS)
def assign(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a control engineer."))
    else:
        try:
            services.review_assign(
                actor=request.user, application=application, reviewer=form.cleaned_data["reviewer"]
            )
            messages.success(request, _("Application %(number)s assigned.") % {"number": application})
        except ReviewError as exc:
            messages.error(request, exc.message)
    return redirect(
        request.POST.get("next") if request.POST.get("next", "").startswith("/") else "review:queue"
    )


def _workspace_context(request, application: Application, note_form=None, edit_note=None) -> dict:
    app = application_with_sections().get(pk=application.pk)
    is_reviewer = services.is_reviewer(request.user, app)
    in_review = app.status == Status.IN_REVIEW
    items = services.checklist_items(app)
    round_ = services.current_round(app)
    checked = set(
        ChecklistCheck.objects.filter(application=app, round=round_).values_list("item_id", flat=True)
    )
    notes = selectors.notes_of(app)
    limit = services.notation_limit()
    next_number = app.notation_count + 1
    documents = list(current_documents(app).select_related("document_type"))
    comparison = selectors.round_comparison(app, documents)
    initial = {}
    comment_id = request.GET.get("comment", "")
    if comment_id.isdigit():
        comment = StandardComment.objects.filter(pk=int(comment_id), is_active=True).first()
        if comment:
            initial = {"category": comment.category, "text": comment.text}
    rounds = signing_rounds(app)
    return {
        "application": app,
        "sections": [(section, section.table(app)) for section in SECTIONS],
        "changed_sections": [s for s in SECTIONS if s.key in comparison.sections],
        "documents": [
            (d, d.pk in comparison.new_document_ids, comparison.previous_documents.get(d.pk))
            for d in documents
        ],
        "signing_round": rounds[0] if rounds else None,
        "assignment": services.active_assignment(app),
        "is_reviewer": is_reviewer,
        "can_edit": is_reviewer and in_review,
        "checklist": [(item, item.pk in checked) for item in items],
        "checklist_complete": all(item.pk in checked for item in items),
        "notes": notes,
        "open_notes": [n for n in notes if n.status != Note.State.RESOLVED],
        "unsent_notes": [n for n in notes if n.notation_id is None],
        "notations": selectors.notations_of(app),
        "note_form": note_form or NoteForm(application=app, initial=initial),
        "edit_note": edit_note,
        "comments": list(StandardComment.objects.filter(is_active=True)),
        "notation_limit": limit,
        "next_notation": next_number,
        "next_cancels": next_number >= limit,
        "previous_round": comparison.previous,
        "changes": comparison.changes,
        "section_titles": {section.key: section.title for section in SECTIONS},
        "assign_form": AssignForm() if request.user.role in ASSIGNERS else None,
        "annotated_upload": services.pending_annotated_upload(app),
        "clock": selectors.review_clock(app),
    }


@require_GET
@role_required(*OFFICE)
def workspace(request, pk):
    application = _office_application(request.user, pk)
    edit_note = None
    note_form = None
    edit_id = request.GET.get("edit", "")
    if edit_id.isdigit():
        edit_note = Note.objects.filter(
            pk=int(edit_id), application=application, notation__isnull=True
        ).first()
        if edit_note is not None:
            note_form = NoteForm(application=application, initial=NoteForm.initial_for(edit_note))
    return render(
        request, "review/workspace.html", _workspace_context(request, application, note_form, edit_note)
    )


def _back(application) -> object:
    return redirect("review:workspace", pk=application.pk)


@require_POST
@role_required(CONTROL_ENGINEER)
def note_save(request, pk, note_pk=None):
    application = _office_application(request.user, pk)
    note = get_object_or_404(Note, pk=note_pk, application=application) if note_pk else None
    form = NoteForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        fields = dict(
            category=data["category"],
            text=data["text"],
            document=data["document"],
            page=data["page"],
            rect=data["rect"],
        )
        try:
            if note is None:
                services.note_add(actor=request.user, application=application, **fields)
                messages.success(request, _("Note added."))
            else:
                services.note_update(actor=request.user, note=note, **fields)
                messages.success(request, _("Note saved."))
            return _back(application)
        except ReviewError as exc:
            form.add_error(None, exc.message)
    context = _workspace_context(request, application, form, note)
    return render(request, "review/workspace.html", context, status=422)


def _note_action(request, pk, note_pk, action, done: str):
    application = _office_application(request.user, pk)
    note = get_object_or_404(Note, pk=note_pk, application=application)
    try:
        action(actor=request.user, note=note)
        messages.success(request, done)
    except ReviewError as exc:
        messages.error(request, exc.message)
    return _back(application)


@require_POST
@role_required(CONTROL_ENGINEER)
def note_delete(request, pk, note_pk):
    return _note_action(request, pk, note_pk, services.note_delete, _("Note deleted."))


@require_POST
@role_required(CONTROL_ENGINEER)
def note_resolve(request, pk, note_pk):
    return _note_action(request, pk, note_pk, services.note_resolve, _("Note marked resolved."))


@require_POST
@role_required(CONTROL_ENGINEER)
def checklist(request, pk):
    application = _office_application(request.user, pk)
    wanted = {int(v) for v in request.POST.getlist("item") if v.isdigit()}
    try:
        services.checklist_save(actor=request.user, application=application, checked_ids=wanted)
        messages.success(request, _("Checklist saved."))
    except ReviewError as exc:
        messages.error(request, exc.message)
    return _back(application)


@require_POST
@role_required(CONTROL_ENGINEER)
def notation_send(request, pk):
    application = _office_application(request.user, pk)
    limit = services.notation_limit()
    try:
        notation = services.notation_send(
            actor=request.user, application=application, confirm_cancel=request.POST.get("confirm") == "1"
        )
    except ReviewError as exc:
        messages.error(request, exc.message)
        return _back(application)
    if notation.cancelled:
        messages.warning(
            request,
            _("Notation %(n)s of %(limit)s sent: the application is cancelled.")
            % {"n": notation.number, "limit": limit},
        )
    else:
        messages.success(
            request,
            _("Notes sent to the engineers (notation %(n)s of %(limit)s).")
            % {"n": notation.number, "limit": limit},
        )
    return _back(application)


@require_POST
@role_required(CONTROL_ENGINEER)
def approve(request, pk):
    application = _office_application(request.user, pk)
    try:
        services.review_approve(actor=request.user, application=application)
        messages.success(request, _("Approved. The engineers have been sent the visa fee payment link."))
    except ReviewError as exc:
        messages.error(request, exc.message)
    return _back(application)


@require_GET
@role_required(CONTROL_ENGINEER)
def markup(request, pk, document_pk):
    """A page of a document in PDF.js: drag a rectangle or click a pin, then write the note."""
    application = _office_application(request.user, pk)
    if not services.is_reviewer(request.user, application) or application.status != Status.IN_REVIEW:
        raise Http404
    document = get_object_or_404(current_documents(application), pk=document_pk)
    page = request.GET.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    form = NoteForm(application=application, initial={"document": document.pk, "page": page})
    return render(
        request,
        "review/markup.html",
        {"application": application, "document": document, "form": form, "page": page},
    )


@require_POST
@role_required(CONTROL_ENGINEER)
def annotated_upload(request, pk):
    """The annotated project made in a desktop PDF tool, sent with the next notes instead of the
    one the system makes."""
    application = _office_application(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        messages.error(request, _("Choose the annotated PDF file."))
        return redirect(f"{reverse('review:workspace', args=[application.pk])}#annotated")
    try:
        with spooled_upload(upload) as path:
            saved = services.annotated_upload_add(
                actor=request.user, application=application, path=path, file_name=upload.name
            )
        messages.success(
            request,
            _("Annotated project uploaded (%(count)s annotations); it will be sent with the notes.")
            % {"count": saved.annotation_count},
        )
    except ReviewError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('review:workspace', args=[application.pk])}#annotated")


@require_POST
@role_required(CONTROL_ENGINEER)
def annotated_remove(request, pk):
    application = _office_application(request.user, pk)
    try:
        services.annotated_upload_remove(actor=request.user, application=application)
        messages.success(request, _("The uploaded annotated project was removed."))
    except ReviewError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('review:workspace', args=[application.pk])}#annotated")


def _compared_documents(request, pk, document_pk):
    """The current document `document_pk` of an application the user may review, and the version
    of the previous round it replaced (Http404 when there is none)."""
    from evize.documents.models import Document

    application = _office_application(request.user, pk)
    documents = list(current_documents(application).select_related("document_type", "blob"))
    document = next((d for d in documents if d.pk == document_pk), None)
    if document is None:
        raise Http404
    previous_id = selectors.round_comparison(application, documents).previous_documents.get(document.pk)
    previous = (
        Document.objects.select_related("blob").filter(pk=previous_id, application=application).first()
        if previous_id
        else None
    )
    if previous is None:
        raise Http404
    return application, document, previous


@require_GET
@role_required(*OFFICE)
def compare(request, pk, document_pk):
    """Page by page: the replaced drawing set beside its previous round, changed regions boxed."""
    from .compare import CompareUnavailable, compare_pages

    application, document, previous = _compared_documents(request, pk, document_pk)
    try:
        pages = compare_pages(previous.blob, document.blob)
        error = None
    except CompareUnavailable:
        pages, error = [], _("The files could not be compared (the PDF renderer is not available).")
    return render(
        request,
        "review/compare.html",
        {
            "application": application,
            "document": document,
            "previous": previous,
            "pages": pages,
            "changed_count": sum(1 for p in pages if p.changed),
            "error": error,
        },
    )


@require_GET
@role_required(*OFFICE)
def compare_image(request, pk, document_pk, page, side):
    from django.http import HttpResponse

    from .compare import CompareUnavailable, page_png

    if side not in ("old", "new") or page < 1:
        raise Http404
    _application, document, previous = _compared_documents(request, pk, document_pk)
    try:
        png = page_png(previous.blob, document.blob, page, side)
    except CompareUnavailable:
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@role_required(*OFFICE)
def dashboard(request):
    return render(request, "review/dashboard.html", selectors.office_dashboard())


# --- files of a notation (office and the application's engineers) ----------------------------------------


@require_GET
@role_required(ENGINEER, *STAFF)
def notation_file(request, pk, kind):
    notation = get_object_or_404(
        Notation.objects.select_related("application", "notes_blob", "annotated_blob"), pk=pk
    )
    application = notation.application
    user = request.user
    if not (user.is_office_staff or is_engineer_on(user, application)):
        raise Http404
    if user.role == CONTROL_ENGINEER and not application.review_assignments.filter(reviewer=user).exists():
        raise Http404
    if kind not in ("notes", "annotated"):
        raise Http404
    blob = notation.notes_blob if kind == "notes" else notation.annotated_blob
    if blob is None:
        raise Http404
    stem = notation.file_stem()
    name = f"notlar-{stem}.pdf" if kind == "notes" else f"notlanmis-proje-{stem}.pdf"
    return blob_response(request, blob, name, inline=False)


@require_POST
@role_required(ENGINEER)
def note_answer(request, note_pk):
    note = get_object_or_404(Note.objects.select_related("application"), pk=note_pk)
    if not is_engineer_on(request.user, note.application):
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your answer."))
    else:
        try:
            services.note_answer(actor=request.user, note=note, text=form.cleaned_data["answer"])
            messages.success(request, _("Your answer has been saved."))
        except ReviewError as exc:
            messages.error(request, exc.message)
    return redirect(f"{_engineer_page(request, note.application_id)}#notlama")


def _engineer_page(request, pk) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target.split("#", 1)[0]
    return reverse("applications:detail", args=[pk])
