from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pano/", views.dashboard, name="dashboard"),
    path("basvuru/<int:pk>/", views.workspace, name="workspace"),
    path("basvuru/<int:pk>/ata/", views.assign, name="assign"),
    path("basvuru/<int:pk>/not/", views.note_save, name="note_add"),
    path("basvuru/<int:pk>/not/<int:note_pk>/", views.note_save, name="note_update"),
    path("basvuru/<int:pk>/not/<int:note_pk>/sil/", views.note_delete, name="note_delete"),
    path("basvuru/<int:pk>/not/<int:note_pk>/cozuldu/", views.note_resolve, name="note_resolve"),
    path("basvuru/<int:pk>/belge/<int:document_pk>/isaretle/", views.markup, name="markup"),
    path("basvuru/<int:pk>/belge/<int:document_pk>/karsilastir/", views.compare, name="compare"),
    path(
        "basvuru/<int:pk>/belge/<int:document_pk>/karsilastir/<int:page>/<str:side>.png",
        views.compare_image,
        name="compare_image",
    ),
    path("basvuru/<int:pk>/kontrol-listesi/", views.checklist, name="checklist"),
    path("basvuru/<int:pk>/notlari-gonder/", views.notation_send, name="notation_send"),
    path("basvuru/<int:pk>/onayla/", views.approve, name="approve"),
    path("basvuru/<int:pk>/notlanmis-proje/", views.annotated_upload, name="annotated_upload"),
    path("basvuru/<int:pk>/notlanmis-proje/sil/", views.annotated_remove, name="annotated_remove"),
    path("notlama/<int:pk>/<str:kind>.pdf", views.notation_file, name="notation_file"),
    path("not/<int:note_pk>/yanit/", views.note_answer, name="note_answer"),
]
