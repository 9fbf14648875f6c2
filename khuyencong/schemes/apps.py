from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchemesConfig(AppConfig):
    name = "khuyencong.schemes"
    verbose_name = _("Chương trình, kế hoạch và đề án khuyến công")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.core import permissions, todo
        from khuyencong.schemes import policy
        from khuyencong.schemes import todo as scheme_todo

        permissions.register("schemes.list", policy.may_view)
        permissions.register("schemes.create", policy.may_start_proposal)
        permissions.register("schemes.drive", policy.may_drive)
        todo.register("schemes.waiting", scheme_todo.waiting_for_step)
        todo.register("schemes.overdue", scheme_todo.overdue_schemes)
        todo.register("schemes.proposed", scheme_todo.own_proposals)

        from khuyencong.core import pickers
        from khuyencong.schemes import pickers as sources

        pickers.register("schemes", sources.search)
