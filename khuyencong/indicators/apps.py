from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "khuyencong.indicators"
    verbose_name = _("Chỉ tiêu và tổng hợp số liệu")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from khuyencong.indicators import sources

        # Each domain app defines its indicators in its own ``indicators`` module, which registers them on
        # import, the way apps register models with the admin: the engine knows no domain.
        autodiscover_modules("indicators")
        sources.seal()
