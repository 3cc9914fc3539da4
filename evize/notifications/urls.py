from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("okundu/", views.notifications_mark_all_read, name="mark_all_read"),
    path("<int:pk>/", views.notification_detail, name="detail"),
    path("<int:pk>/okundu/", views.notification_mark_read, name="mark_read"),
    path("<int:pk>/icerik/", views.message_body, name="body"),
    path("ek/<uuid:public_id>/", views.attachment_download, name="attachment"),
    path("indir/<str:token>/", views.signed_download, name="signed_download"),
    path("posta-kutusu/", views.mailbox, name="mailbox"),
    path("posta-kutusu/<int:pk>/", views.mailbox_detail, name="mailbox_detail"),
    path("giden/", views.outbox, name="outbox"),
    path("giden/<int:pk>/yeniden-gonder/", views.outbox_resend, name="resend"),
    path("onizleme/", views.preview_index, name="preview_index"),
    path("onizleme/<str:code>/<str:language>/", views.preview, name="preview"),
    path("onizleme/<str:code>/<str:language>/icerik/", views.preview_body, name="preview_body"),
]
