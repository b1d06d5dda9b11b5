"""Settings for ``make run`` on a laptop: debug on, a fixed development secret."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "development-only-secret-not-for-production-6f1c0b7e2d9a4e8b"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

# Fixed development keys so that `make run` needs nothing; never use them for real data.
FUGONG_DATA_KEYS = os.environ.get(
    "FUGONG_DATA_KEYS", "dev1:ZGV2ZWxvcG1lbnQtb25seS1kYXRhLWtleS0wMDAwMDA"
)
FUGONG_LOOKUP_KEY = os.environ.get(
    "FUGONG_LOOKUP_KEY", "ZGV2ZWxvcG1lbnQtb25seS1sb29rdXAta2V5LTAwMDA"
)
