"""Production settings. Every secret comes from the environment.

Required: ``FUGONG_SECRET_KEY`` (50 characters or more), ``FUGONG_ALLOWED_HOSTS`` (comma
separated), ``FUGONG_DATA_KEYS`` and ``FUGONG_LOOKUP_KEY`` (see fugong.core.crypto; make keys with
``python -c "from fugong.core.crypto import new_key; print(new_key())"``) and normally
``DATABASE_URL``. The settings refuse to load without them, with a secret too short, or with a
secret or key published in the repository for development (fugong.settings.published). With
these set, ``DJANGO_SETTINGS_MODULE=fugong.settings.production fugong check --deploy`` is clean.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FUGONG_TRUSTED_PROXIES, STORAGES
from .published import DEVELOPMENT_DATA_KEYS, DEVELOPMENT_LOOKUP_KEY, DEVELOPMENT_SECRET_KEY

MIN_SECRET_KEY_LENGTH = 50  # what Django's deploy check asks for


def required_environment(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


def _published_key_material() -> set[str]:
    keys = {DEVELOPMENT_LOOKUP_KEY.rstrip("=")}
    keys |= {
        entry.split(":", 1)[-1].strip().rstrip("=") for entry in DEVELOPMENT_DATA_KEYS.split(",")
    }
    return keys


def refuse_published_keys(name: str, value: str) -> str:
    """``value`` (a key list or a key), unless it holds a key published for development."""
    entries = [entry.split(":", 1)[-1].strip().rstrip("=") for entry in value.split(",")]
    if set(entries) & _published_key_material():
        raise ImproperlyConfigured(
            f"{name} holds a development key published in the repository; make new keys "
            'with: python -c "from fugong.core.crypto import new_key; print(new_key())"'
        )
    return value


DEBUG = False
# Two-factor sign-in for the command post and the roles that see full numbers (see base).
FUGONG_REQUIRE_TWO_FACTOR = True
SECRET_KEY = required_environment("FUGONG_SECRET_KEY")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
    raise ImproperlyConfigured(
        f"FUGONG_SECRET_KEY must be a random secret of {MIN_SECRET_KEY_LENGTH} characters or "
        "more, not the development one; make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
FUGONG_DATA_KEYS = refuse_published_keys(
    "FUGONG_DATA_KEYS", required_environment("FUGONG_DATA_KEYS")
)
FUGONG_LOOKUP_KEY = refuse_published_keys(
    "FUGONG_LOOKUP_KEY", required_environment("FUGONG_LOOKUP_KEY")
)
ALLOWED_HOSTS = [
    host.strip() for host in required_environment("FUGONG_ALLOWED_HOSTS").split(",") if host.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("FUGONG_ALLOWED_HOSTS must name at least one host.")
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
