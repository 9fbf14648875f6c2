from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    name = "khuyencong.establishments"
    verbose_name = _("Cơ sở công nghiệp nông thôn")

    def ready(self) -> None:
        from khuyencong.core import pickers
        from khuyencong.establishments import pickers as sources

        pickers.register("establishments", sources.search)
