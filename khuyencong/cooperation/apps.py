from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class CooperationConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.cooperation"
    verbose_name = _("Hợp tác quốc tế")

    def ready(self) -> None:
        super().ready()
        # Whoever sees an activity sees its participants (training.policy.scope_persons).
        from khuyencong.training.policy import register_participation_path

        register_participation_path("cooperation_participations__activity__organising_unit_id")
