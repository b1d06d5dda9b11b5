from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fugong.cases"
    label = "cases"
    verbose_name = _("Outbreak response")

    def ready(self) -> None:
        # The gate kiosk shows a worker's daily health declaration without importing cases.
        from fugong.gate import declarations

        from .selectors_followups import worker_declaration_status

        declarations.register(worker_declaration_status)
