from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("e-vize/", views.evize_entry, name="evize_entry"),
    path("panel/", views.engineer_dashboard, name="dashboard"),
    path("ofis/", views.staff_home, name="staff_home"),
    path("saglik/", views.health, name="health"),
]
