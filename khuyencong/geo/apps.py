from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "khuyencong.geo"
    verbose_name = _("Đơn vị hành chính")

    def ready(self) -> None:
        from khuyencong.core import pickers
        from khuyencong.geo import pickers as sources

        pickers.register("units", sources.search)
