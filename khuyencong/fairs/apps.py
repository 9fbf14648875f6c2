from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "khuyencong.fairs"
    verbose_name = _("Hội chợ, triển lãm và xúc tiến thương mại")
