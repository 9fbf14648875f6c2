from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "khuyencong.cooperation"
    verbose_name = _("Hợp tác quốc tế")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.cooperation import policy
        from khuyencong.core import permissions

        permissions.register("cooperation.list", policy.may_read)
        permissions.register("cooperation.create", policy.may_edit)
        permissions.register("cooperation.partners", policy.may_read)
        # Whoever sees an activity sees its participants (training.policy.scope_persons).
        from khuyencong.training.policy import register_participation_path

        register_participation_path("cooperation_participations__activity__organising_unit_id")
