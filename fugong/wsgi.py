"""WSGI entry point for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

# A server started without DJANGO_SETTINGS_MODULE runs the production settings, never DEBUG.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fugong.settings.production")
application = get_wsgi_application()
