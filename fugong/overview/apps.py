from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that bring several domains together (the home page each role lands on, the
    enterprise list and page): the layer above the domain apps they read, so that those apps
    never import one another to build a page."""

    name = "fugong.overview"
    label = "overview"
    verbose_name = _("Overview")
