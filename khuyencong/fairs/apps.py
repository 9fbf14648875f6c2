from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class FairsConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.fairs"
    verbose_name = _("Hội chợ, triển lãm và xúc tiến thương mại")
