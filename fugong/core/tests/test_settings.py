"""The settings keep their promises: deploy checks, SQLite pragmas, Chinese by default."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from fugong.core.crypto import new_key
from fugong.settings.published import (
    DEVELOPMENT_DATA_KEYS,
    DEVELOPMENT_LOOKUP_KEY,
    DEVELOPMENT_SECRET_KEY,
)

REPOSITORY = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deploy_check(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fugong.settings.production",
        "FUGONG_SECRET_KEY": "x" * 20 + "-production-secret-from-the-environment-0123456789",
        "FUGONG_ALLOWED_HOSTS": "fugong.example.cn",
        "FUGONG_DATA_DIR": str(tmp_path),
        "FUGONG_DATA_KEYS": f"k1:{new_key()}",
        "FUGONG_LOOKUP_KEY": new_key(),
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' fixture
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fugong.settings.production",
        "FUGONG_DATA_DIR": str(tmp_path),
    }
    environment.pop("FUGONG_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "FUGONG_SECRET_KEY" in result.stderr


def production_environment(tmp_path, **changes) -> dict[str, str]:
    environment = {
        "FUGONG_SECRET_KEY": "s" * 20 + "-production-secret-from-the-environment-0123456789",
        "FUGONG_ALLOWED_HOSTS": "fugong.example.cn",
        "FUGONG_DATA_DIR": str(tmp_path),
        "FUGONG_DATA_KEYS": f"k1:{new_key()}",
        "FUGONG_LOOKUP_KEY": new_key(),
    }
    environment.update(changes)
    return {key: value for key, value in environment.items() if value is not None}


def load_production_settings(monkeypatch, environment) -> dict:
    """Run fugong/settings/production.py in a namespace of its own, with ``environment``."""
    for name in (
        "FUGONG_SECRET_KEY",
        "FUGONG_ALLOWED_HOSTS",
        "FUGONG_DATA_KEYS",
        "FUGONG_LOOKUP_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_module("fugong.settings.production")


def test_production_settings_load_with_fresh_keys(monkeypatch, tmp_path):
    loaded = load_production_settings(monkeypatch, production_environment(tmp_path))
    assert loaded["DEBUG"] is False and loaded["ALLOWED_HOSTS"] == ["fugong.example.cn"]


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"FUGONG_SECRET_KEY": None}, "FUGONG_SECRET_KEY"),
        ({"FUGONG_SECRET_KEY": DEVELOPMENT_SECRET_KEY}, "FUGONG_SECRET_KEY"),
        ({"FUGONG_SECRET_KEY": "short-but-random-3f9a"}, "FUGONG_SECRET_KEY"),
        ({"FUGONG_DATA_KEYS": None}, "FUGONG_DATA_KEYS"),
        ({"FUGONG_DATA_KEYS": DEVELOPMENT_DATA_KEYS}, "FUGONG_DATA_KEYS"),
        # The published key under another id, after a fresh one, is still the published key.
        (
            {"FUGONG_DATA_KEYS": f"k2:{new_key()},k1:{DEVELOPMENT_DATA_KEYS.split(':')[1]}"},
            "FUGONG_DATA_KEYS",
        ),
        ({"FUGONG_LOOKUP_KEY": None}, "FUGONG_LOOKUP_KEY"),
        ({"FUGONG_LOOKUP_KEY": DEVELOPMENT_LOOKUP_KEY + "="}, "FUGONG_LOOKUP_KEY"),
        ({"FUGONG_ALLOWED_HOSTS": None}, "FUGONG_ALLOWED_HOSTS"),
        ({"FUGONG_ALLOWED_HOSTS": " , "}, "FUGONG_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_missing_weak_or_published_secrets(
    monkeypatch, tmp_path, changes, named
):
    with pytest.raises(ImproperlyConfigured) as refused:
        load_production_settings(monkeypatch, production_environment(tmp_path, **changes))
    assert named in str(refused.value)


def test_passwords_are_hashed_with_argon2_outside_the_tests():
    from fugong.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "axes.backends.AxesStandaloneBackend" in base.AUTHENTICATION_BACKENDS


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 30000


def test_wal_on_a_file_database(tmp_path):
    """The test database lives in memory, where WAL does not apply: check a file database."""
    code = (
        "import django; django.setup();"
        "from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fugong.settings.development",
        "FUGONG_DATA_DIR": str(tmp_path),
    }
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "wal"


def test_time_zone_and_languages():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ
    assert settings.LANGUAGE_CODE == "zh-hans"


@pytest.mark.django_db
def test_pages_are_chinese_whatever_the_browser_asks(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_english_is_selectable(client):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "Sign in" in response.content.decode()
