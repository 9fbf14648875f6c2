from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "khuyencong.accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from khuyencong.accounts.models import User
        from khuyencong.accounts.policy import forget_visible_communes, may_review_duplicates
        from khuyencong.core import permissions

        permissions.register("core.review_duplicates", may_review_duplicates)

        m2m_changed.connect(forget_visible_communes, sender=User.communes.through,
                            dispatch_uid="accounts.forget_visible_communes")
