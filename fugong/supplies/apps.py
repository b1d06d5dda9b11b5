from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    name = "fugong.supplies"
    label = "supplies"
    verbose_name = _("Prevention supplies")
