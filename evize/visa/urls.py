from django.urls import path

from . import agent_views, views

app_name = "visa"

urlpatterns = [
    # Public, no login: anyone (e.g. a municipality) checks a visa.
    path("dogrula/", views.verify, name="verify"),
    path("dogrula/<slug:slug>/", views.verify_number, name="verify_number"),
    # A visa'd file, for the application's engineers and the office.
    path("vize/dosya/<int:pk>/", views.visa_file_download, name="file_download"),
    # The visa office.
    path("vize/", views.office_list, name="office_list"),
    path("vize/<int:pk>/", views.office_detail, name="office_detail"),
    path("vize/<int:pk>/iptal/", views.office_revoke, name="office_revoke"),
    path("vize/imzala/", views.office_sign, name="office_sign"),
    path("vize/imza/<uuid:signing_id>/", views.office_sign_status, name="office_sign_status"),
    # The officer's signer agent (started with --server <e-Vize>/vize; token in Authorization).
    path("vize/imza/ajan/sertifika", agent_views.agent_certificate, name="agent_certificate"),
    path("vize/imza/ajan/imzalar", agent_views.agent_signatures, name="agent_signatures"),
    path("vize/imza/ajan/iptal", agent_views.agent_cancel, name="agent_cancel"),
]
