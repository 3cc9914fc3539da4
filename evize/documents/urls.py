from django.urls import path

from . import tus, views

app_name = "documents"

urlpatterns = [
    path("basvuru/<int:pk>/", views.application_documents, name="application"),
    path("basvuru/<int:pk>/slot/<int:type_pk>/", views.slot_fragment, name="slot"),
    path("basvuru/<int:pk>/basvuru-formu.pdf", views.application_form, name="application_form"),
    path("basvuru/<int:pk>/yukleme/", tus.upload_create, name="upload_create"),
    path("yukleme/<uuid:upload_id>/", tus.upload_resource, name="upload"),
    path("belge/<int:pk>/indir/", views.document_download, name="download"),
    path("belge/<int:pk>/dosya/", views.document_inline, name="inline"),
    path("belge/<int:pk>/goruntule/", views.document_viewer, name="viewer"),
    path("belge/<int:pk>/sil/", views.document_delete_view, name="delete"),
]
