from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "khuyencong.schemes"
    verbose_name = _("Chương trình, kế hoạch và đề án khuyến công")

    def ready(self) -> None:
        from khuyencong.core import pickers
        from khuyencong.schemes import pickers as sources

        pickers.register("schemes", sources.search)
