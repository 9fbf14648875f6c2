from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    name = "khuyencong.establishments"
    verbose_name = _("Cơ sở công nghiệp nông thôn")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) for menus, buttons and views.
        from khuyencong.accounts.policy import Action, role_allows
        from khuyencong.core import permissions, todo
        from khuyencong.establishments import todo as establishment_todo

        permissions.register("establishments.list", lambda user: role_allows(user, Action.VIEW))
        permissions.register("establishments.create", lambda user: role_allows(user, Action.CREATE))
        todo.register_figures(establishment_todo.registry_figures)
        todo.register("establishments.to_verify", establishment_todo.changes_to_verify)
        todo.register("establishments.own_details", establishment_todo.own_details_missing)
        todo.register("establishments.representatives", establishment_todo.representatives_to_confirm)

        from khuyencong.core import pickers
        from khuyencong.establishments import pickers as sources

        pickers.register("establishments", sources.search)
