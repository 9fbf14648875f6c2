from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "khuyencong.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu (Excel/CSV)"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from khuyencong.core import permissions, todo
        from khuyencong.exchange import jobs
        from khuyencong.exchange import todo as exchange_todo

        permissions.register("exchange.use", jobs.may_exchange)
        todo.register("exchange.imports", exchange_todo.imports_to_look_at)
        # Each domain app keeps its import/export sheets in its own ``sheets`` module (or package), which
        # registers them on import, the way apps register models with the admin: exchange knows no domain.
        autodiscover_modules("sheets")
