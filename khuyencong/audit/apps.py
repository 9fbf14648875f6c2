from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "khuyencong.audit"
    verbose_name = _("Nhật ký kiểm tra")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.audit import selectors
        from khuyencong.audit import todo as audit_todo
        from khuyencong.core import permissions, todo

        permissions.register("audit.view", selectors.may_audit)
        todo.register("audit.recent_access", audit_todo.recent_access)
