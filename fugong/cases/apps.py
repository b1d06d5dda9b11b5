from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fugong.cases"
    label = "cases"
    verbose_name = _("Outbreak response")
