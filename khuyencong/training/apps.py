from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class TrainingConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.training"
    verbose_name = _("Đào tạo, học viên và kết quả sau đào tạo")

    def ready(self) -> None:
        super().ready()
        from khuyencong.core import disclosure
        from khuyencong.training.services import disclosure_log

        # The personal-data access log is this app's: framework exports log through core.disclosure.
        disclosure.register_logger(disclosure_log)
