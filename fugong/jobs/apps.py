from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "fugong.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # The domain apps (above this one) register their job kinds in a ``jobs`` module
        # (``fugong.workforce.jobs``...): import every installed app's, as the admin does for
        # ``admin`` modules, so that the web process and the worker know the same kinds.
        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("jobs")
        for module in getattr(settings, "FUGONG_JOB_MODULES", ()):
            __import__(module)
