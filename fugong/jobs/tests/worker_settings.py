"""Settings of a real ``fugong db_worker`` started by a test: the test settings on the test's
database (``FUGONG_TEST_DATABASE``, its name) and storage (``FUGONG_TEST_MEDIA``), the database
task backend, and the test job kinds."""

import os

from fugong.settings.test import *  # noqa: F403

DATABASES["default"]["NAME"] = os.environ["FUGONG_TEST_DATABASE"]  # noqa: F405
DATABASES["default"].pop("TEST", None)  # noqa: F405
STORAGES["default"]["OPTIONS"] = {"location": os.environ["FUGONG_TEST_MEDIA"]}  # noqa: F405
MEDIA_ROOT = os.environ["FUGONG_TEST_MEDIA"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FUGONG_JOB_MODULES = os.environ.get("FUGONG_TEST_JOB_MODULES", "fugong.jobs.tests.kinds").split(",")
FUGONG_JOB_HEARTBEAT_SECONDS = 1
