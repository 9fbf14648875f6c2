"""Domain errors that views and the API turn into 4xx responses with a Vietnamese message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class StaleEditError(Exception):
    """Someone saved the record after the user opened it; saving now would silently lose their change."""

    message = _(
        "Bản ghi đã được người khác thay đổi kể từ khi bạn mở nó. "
        "Hãy tải lại trang để xem thay đổi mới nhất rồi nhập lại."
    )


class PermissionDeniedError(Exception):
    """The user's role or area does not allow this action."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or str(_("Bạn không có quyền thực hiện thao tác này.")))


class RateLimitedError(Exception):
    """Too many lookups of one kind in a short time (answered 429): guessing must stay slow and visible."""

    def __init__(self, message: str | None = None) -> None:
        default = _("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn; hãy thử lại sau ít phút.")
        super().__init__(message or str(default))
