from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("yeni/", views.application_new, name="new"),
    path("kopyala/", views.application_copy_view, name="copy"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/form/", views.application_form, name="form"),
    path("<int:pk>/bolum/<str:key>/", views.section_table, name="section"),
    path("<int:pk>/bolum/<str:key>/yeni/", views.section_dialog, name="section_new"),
    path("<int:pk>/bolum/<str:key>/duzenle/", views.section_dialog, name="section_single"),
    path("<int:pk>/bolum/<str:key>/<int:row_pk>/", views.section_dialog, name="section_edit"),
    path("<int:pk>/bolum/<str:key>/<int:row_pk>/sil/", views.section_row_delete_view, name="section_delete"),
    path("<int:pk>/muhendis-ara/", views.engineer_search, name="engineer_search"),
    path("<int:pk>/alan/<str:name>/", views.field_save, name="field_save"),
    path("<int:pk>/on-kontrol/", views.prechecks_panel, name="prechecks"),
    path("<int:pk>/kaydet/", views.submit_dialog, name="submit"),
    path("<int:pk>/vazgec/", views.discard_dialog, name="discard"),
    path("<int:pk>/geri-cek/", views.application_withdraw_view, name="withdraw"),
]
