from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("khuyencong.accounts.urls")),
    path("", include("khuyencong.core.urls")),
    path("co-so/", include("khuyencong.establishments.urls")),
    path("de-an/", include("khuyencong.schemes.urls")),
    path("dao-tao/", include("khuyencong.training.urls")),
    path("hop-tac/", include("khuyencong.cooperation.urls")),
    path("san-pham/", include("khuyencong.products.urls")),
    path("hoi-cho/", include("khuyencong.fairs.urls")),
    path("bao-cao/", include("khuyencong.reports.urls")),
    path("nhat-ky/", include("khuyencong.audit.urls")),
    path("trao-doi/", include("khuyencong.exchange.urls")),
    path("thong-bao/", include("khuyencong.notifications.urls")),
]

# The application's own error pages (Vietnamese, with the header and a way back), also in the demo.
handler403 = "khuyencong.core.views.permission_denied"
handler404 = "khuyencong.core.views.page_not_found"
handler500 = "khuyencong.core.views.server_error"
