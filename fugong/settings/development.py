"""Settings for ``make run`` on a laptop: debug on, a fixed development secret."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "development-only-secret-not-for-production-6f1c0b7e2d9a4e8b"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
