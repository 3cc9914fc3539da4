from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("giris/", views.LoginView.as_view(), name="login"),
    path("cikis/", views.LogoutView.as_view(), name="logout"),
    path("kayit/", views.signup, name="signup"),
    path("kayit/gonderildi/", views.signup_done, name="signup_done"),
    path("etkinlestir/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("iki-adim/", views.otp_verify_view, name="otp_verify"),
    path("iki-adim/kurulum/", views.otp_setup_view, name="otp_setup"),
    path("parola-sifirla/", views.PasswordResetView.as_view(), name="password_reset"),
    path("parola-sifirla/gonderildi/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("parola-sifirla/tamam/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "parola-sifirla/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("parola-degistir/", views.PasswordChangeView.as_view(), name="password_change"),
    path("parola-degistir/tamam/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
