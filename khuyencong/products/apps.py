from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "khuyencong.products"
    verbose_name = _("Sản phẩm CNNT tiêu biểu")

    def ready(self) -> None:
        from khuyencong.core import pickers
        from khuyencong.products import pickers as sources

        pickers.register("products", sources.search)
