from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "khuyencong.products"
    verbose_name = _("Sản phẩm CNNT tiêu biểu")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.core import permissions, todo
        from khuyencong.products import policy
        from khuyencong.products import todo as product_todo

        permissions.register("products.list", policy.may_view)
        permissions.register("products.round_create", policy.may_create_round)
        permissions.register("products.product_create", policy.may_register_product)
        todo.register("products.to_score", product_todo.dossiers_to_score)
        todo.register("products.missing_sheets", product_todo.missing_score_sheets)
        todo.register("products.rounds_to_start", product_todo.rounds_to_start)
        todo.register("products.open_rounds", product_todo.open_rounds)
        todo.register("products.certificates_expiring", product_todo.certificates_expiring)
        todo.register("products.minutes", product_todo.minutes_to_finish)
        todo.register("products.documents_missing", product_todo.documents_missing)

        from khuyencong.core import pickers
        from khuyencong.products import pickers as sources

        pickers.register("products", sources.search)
