from django.utils.translation import gettext_lazy as _

from khuyencong.core import appconfig


class SchemesConfig(appconfig.RegisteringConfig):
    # Named checks, to-do lists and pickers: declared in this app's policy, todo and pickers modules.
    name = "khuyencong.schemes"
    verbose_name = _("Chương trình, kế hoạch và đề án khuyến công")
