"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

# A server started without DJANGO_SETTINGS_MODULE runs the production settings, never DEBUG.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fugong.settings.production")
application = get_asgi_application()
