"""Production settings. Every secret comes from the environment.

Required: ``FUGONG_SECRET_KEY``, ``FUGONG_ALLOWED_HOSTS`` (comma separated), ``FUGONG_DATA_KEYS``
and ``FUGONG_LOOKUP_KEY`` (see fugong.core.crypto; make keys with ``manage.py new_data_key``) and
normally
``DATABASE_URL``. With these set,
``DJANGO_SETTINGS_MODULE=fugong.settings.production python -m fugong.cli check --deploy`` is clean.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FUGONG_TRUSTED_PROXIES, STORAGES


def required_environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


DEBUG = False
SECRET_KEY = required_environment("FUGONG_SECRET_KEY")
FUGONG_DATA_KEYS = required_environment("FUGONG_DATA_KEYS")
FUGONG_LOOKUP_KEY = required_environment("FUGONG_LOOKUP_KEY")
ALLOWED_HOSTS = [host.strip() for host in required_environment("FUGONG_ALLOWED_HOSTS").split(",")]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("FUGONG_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

SECURE_SSL_REDIRECT = os.environ.get("FUGONG_SECURE_SSL_REDIRECT", "1") == "1"
# Behind a reverse proxy (FUGONG_BEHIND_PROXY, read in base) that terminates TLS and sets
# X-Forwarded-Proto (and X-Forwarded-For, see fugong.core.addresses). Without a proxy neither
# header is believed.
if FUGONG_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
