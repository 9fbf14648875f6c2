from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class AuditConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.audit"
    verbose_name = _("Nhật ký kiểm tra")

    def ready(self) -> None:
        super().ready()
        from khuyencong.audit import selectors
        from khuyencong.core import permissions

        permissions.register("audit.view", selectors.may_audit)
