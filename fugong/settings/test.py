"""Settings for the test suite: the development settings with a fast password hasher."""

from .development import *  # noqa: F403

# Argon2 is deliberately slow; the tests create thousands of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
