from django.urls import path

from . import views

app_name = "payments_sandbox"

urlpatterns = [
    path("fim/est3Dgate", views.gate, name="gate"),
    path("fim/api", views.api_endpoint, name="api"),
    path("kart/<str:token>/", views.card, name="card"),
    path("3d/<str:token>/", views.code, name="code"),
]
