from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "khuyencong.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu (Excel/CSV)"

    def ready(self) -> None:
        # Registers add themselves to the registry on import.
        from khuyencong.core import permissions, todo
        from khuyencong.exchange import (
            jobs,
            registers,  # noqa: F401
        )
        from khuyencong.exchange import todo as exchange_todo

        permissions.register("exchange.use", jobs.may_exchange)
        todo.register("exchange.imports", exchange_todo.imports_to_look_at)
