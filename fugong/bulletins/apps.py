from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "fugong.bulletins"
    label = "bulletins"
    verbose_name = _("Supervision bulletins and notices")
