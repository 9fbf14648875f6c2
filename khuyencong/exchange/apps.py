from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "khuyencong.exchange"
    label = "exchange"
    verbose_name = "Trao đổi dữ liệu (Excel/CSV)"

    def ready(self) -> None:
        # Registers add themselves to the registry on import.
        from khuyencong.exchange import registers  # noqa: F401
