from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class EstablishmentsConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.establishments"
    verbose_name = _("Cơ sở công nghiệp nông thôn")

    def ready(self) -> None:
        super().ready()
        from khuyencong.accounts.policy import Action, role_allows
        from khuyencong.core import permissions, todo
        from khuyencong.establishments import todo as establishment_todo

        permissions.register("establishments.list", lambda user: role_allows(user, Action.VIEW))
        permissions.register("establishments.create", lambda user: role_allows(user, Action.CREATE))
        todo.register_figures(establishment_todo.registry_figures)
