from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("basvuru/<int:pk>/", views.application_signing, name="application"),
    path("basvuru/<int:pk>/baslat/", views.session_start, name="start"),
    path("oturum/<uuid:session_id>/", views.session_status, name="session"),
    path("dosya/<int:pk>/", views.file_download, name="file"),
    path("dosya/<int:pk>/yukle/", views.file_upload, name="upload"),
    # The signer agent (token in the Authorization header; no cookies, no CSRF).
    path("ajan/sertifika", views.agent_certificate, name="agent_certificate"),
    path("ajan/imzalar", views.agent_signatures, name="agent_signatures"),
    path("ajan/iptal", views.agent_cancel, name="agent_cancel"),
]
