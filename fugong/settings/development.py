"""Settings for ``make run`` on a laptop: debug on, a fixed development secret."""

import os

from .base import *  # noqa: F403
from .published import DEVELOPMENT_DATA_KEYS, DEVELOPMENT_LOOKUP_KEY, DEVELOPMENT_SECRET_KEY

DEBUG = True
SECRET_KEY = DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

# Fixed development keys so that `make run` needs nothing; never use them for real data.
FUGONG_DATA_KEYS = os.environ.get("FUGONG_DATA_KEYS", DEVELOPMENT_DATA_KEYS)
FUGONG_LOOKUP_KEY = os.environ.get("FUGONG_LOOKUP_KEY", DEVELOPMENT_LOOKUP_KEY)

# Two-factor sign-in is optional here (the tests turn it on where they test it): see base.
FUGONG_REQUIRE_TWO_FACTOR = False
