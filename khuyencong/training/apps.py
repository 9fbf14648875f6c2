from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "khuyencong.training"
    verbose_name = _("Đào tạo, học viên và kết quả sau đào tạo")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.core import disclosure, permissions, todo
        from khuyencong.training import policy
        from khuyencong.training import todo as training_todo
        from khuyencong.training.services import disclosure_log

        # The personal-data access log is this app's: framework exports log through core.disclosure.
        disclosure.register_logger(disclosure_log)
        permissions.register("personal_data.full_ids", policy.sees_full_ids)
        permissions.register("training.list", policy.may_read)
        permissions.register("training.create", policy.may_edit)
        todo.register("training.follow_ups", training_todo.follow_ups_due)

        from khuyencong.core import pickers
        from khuyencong.training import pickers as sources

        pickers.register("persons", sources.search)
