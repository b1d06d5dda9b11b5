from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "fugong.workforce"
    label = "workforce"
    verbose_name = _("Workforce")

    def ready(self) -> None:
        # A rule change in the screening app (a layer below) re-screens the workers through
        # this function; see fugong.screening.rescreening.
        from fugong.screening import rescreening

        from .clearance import rescreen_count, rescreen_for_rules

        rescreening.register(rescreen_for_rules, counter=rescreen_count)
