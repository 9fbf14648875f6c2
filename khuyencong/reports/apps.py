from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "khuyencong.reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self) -> None:
        # Named policy checks (menus, buttons, views) and this app's to-do lists on the home page.
        from khuyencong.core import permissions, todo
        from khuyencong.indicators.access import may_report
        from khuyencong.reports import home_figures
        from khuyencong.reports import todo as report_todo

        permissions.register("reports.view", may_report)
        todo.register_figures(home_figures.key_figures)
        todo.register("reports.to_issue", report_todo.reports_to_issue)
