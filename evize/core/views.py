from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from evize.accounts.permissions import ENGINEER, STAFF, role_required


@require_GET
def home(request):
    """Public page: what the service is and what an applicant needs (guide, steps 1-3)."""
    return render(request, "core/home.html")


@login_required
def evize_entry(request):
    """ "E-Vize işlemler": engineers go to their dashboard, office staff to the staff home."""
    if request.user.is_office_staff:
        return redirect("core:staff_home")
    return redirect("core:dashboard")


@role_required(ENGINEER)
def engineer_dashboard(request):
    """The engineer's applications (own and as second engineer) with their next step."""
    from evize.applications.selectors import dashboard_items

    member = request.user.member
    standing_problem = member.standing_problem() if member else None
    return render(
        request,
        "core/dashboard.html",
        {
            "member": member,
            "standing_problem": standing_problem,
            "applications": dashboard_items(request.user),
            "can_start": member is not None and standing_problem is None,
        },
    )


@role_required(*STAFF)
def staff_home(request):
    return render(request, "core/staff_home.html")


@require_GET
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
