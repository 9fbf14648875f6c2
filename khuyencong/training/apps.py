from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "khuyencong.training"
    verbose_name = _("Đào tạo, học viên và kết quả sau đào tạo")

    def ready(self) -> None:
        from khuyencong.core import pickers
        from khuyencong.training import pickers as sources

        pickers.register("persons", sources.search)
