from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class CooperationConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.cooperation"
    verbose_name = _("Hợp tác quốc tế")
