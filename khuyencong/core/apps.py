from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khuyencong.core"
    verbose_name = _("Lõi hệ thống")

    def ready(self) -> None:
        from khuyencong.core import collation

        collation.register()

        from khuyencong.core import review, todo

        todo.register("core.held_duplicates", review.todo_source)
