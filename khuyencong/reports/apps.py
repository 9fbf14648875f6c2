from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class ReportsConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.reports"
    verbose_name = _("Báo cáo định kỳ")

    def ready(self) -> None:
        super().ready()
        from khuyencong.core import permissions, todo
        from khuyencong.indicators.access import may_report
        from khuyencong.reports import home_figures

        permissions.register("reports.view", may_report)
        todo.register_figures(home_figures.key_figures)
