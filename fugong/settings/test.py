"""Settings for the test suite: the development settings with a fast password hasher."""

import os

from .development import *  # noqa: F403

# Argon2 is deliberately slow; the tests create thousands of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A file, not an in-memory database: SQLite's shared in-memory cache ignores the busy timeout,
# so tests with concurrent writers would fail there for reasons production never sees.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# The access log (one JSON line per request) stays quiet in the tests; the tests of
# fugong.core.requestlog turn it on where they read it.
LOGGING["loggers"]["fugong.access"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405

# Jobs run at once, in the test's own process and transaction (the enqueue waits for the commit:
# tests use django_capture_on_commit_callbacks(execute=True)); tests of the real worker start
# `fugong db_worker` on the database backend themselves.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
