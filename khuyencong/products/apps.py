from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class ProductsConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.products"
    verbose_name = _("Sản phẩm CNNT tiêu biểu")
