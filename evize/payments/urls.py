from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    # Engineers: the fee page linked from the e-mails (no query string), paying, the result.
    path("basvuru/<int:pk>/<str:kind>/", views.fee_page, name="fee"),
    path("basvuru/<int:pk>/<str:kind>/ode/", views.fee_pay, name="pay"),
    path("yonlendir/<uuid:public_id>/", views.payment_redirect, name="redirect"),
    path("sonuc/<uuid:public_id>/", views.payment_result, name="result"),
    path("makbuz/<int:pk>/", views.receipt_download, name="receipt"),
    # The bank posts the result back here (okUrl / failUrl).
    path("banka/<str:provider>/basarili/", views.bank_callback, {"endpoint": "ok"}, name="callback_ok"),
    path("banka/<str:provider>/basarisiz/", views.bank_callback, {"endpoint": "fail"}, name="callback_fail"),
    # The office.
    path("yonetim/", views.staff_list, name="staff_list"),
    path("yonetim/disa-aktar.<str:fmt>", views.staff_export, name="staff_export"),
    path("yonetim/bankaya-sor/", views.staff_reconcile, name="staff_reconcile"),
    path("yonetim/odeme/<int:pk>/", views.staff_attempt, name="staff_attempt"),
    path("yonetim/ucret/<int:pk>/", views.staff_fee, name="staff_fee"),
]
