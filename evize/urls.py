from django.conf import settings
from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from django_otp.admin import OTPAdminSite

# The admin (chamber administrator's screens) requires a verified TOTP device.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "e-Vize"
admin.site.site_title = "e-Vize"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The admin's own login page is replaced by ours (password, then the two-factor step).
    path("yonetim/login/", RedirectView.as_view(url=reverse_lazy("accounts:login"), query_string=True)),
    path("yonetim/", admin.site.urls),
    path("hesap/", include("evize.accounts.urls")),
    path("basvuru/", include("evize.applications.urls")),
    path("belgeler/", include("evize.documents.urls")),
    path("imza/", include("evize.signatures.urls")),
    path("bildirimler/", include("evize.notifications.urls")),
    path("odeme/", include("evize.payments.urls")),
    path("ofis/inceleme/", include("evize.review.urls")),
    # Visas: public verification (dogrula/) and the visa office (vize/).
    path("", include("evize.visa.urls")),
    path("", include("evize.core.urls")),
]

# The sandbox bank (demo and tests only): plays the bank's side of the 3-D Secure protocol.
if settings.EVIZE_SANDBOX_BANK:
    urlpatterns.insert(-1, path("sandbox-banka/", include("evize.payments.sandbox.urls")))
