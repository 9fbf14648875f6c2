from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "khuyencong.fairs"
    verbose_name = _("Hội chợ, triển lãm và xúc tiến thương mại")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.accounts.policy import Action
        from khuyencong.core import permissions
        from khuyencong.fairs import policy

        permissions.register("fairs.list", policy.may_read)
        permissions.register("fairs.create", lambda user: policy.may_manage_events(user, Action.CREATE))
