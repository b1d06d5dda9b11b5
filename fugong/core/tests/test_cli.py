"""The ``fugong`` command: development settings only in a source checkout, or on request."""

import os
import subprocess
import sys
from pathlib import Path

from fugong import cli

REPOSITORY = Path(__file__).resolve().parents[3]


def test_the_repository_is_a_source_checkout_and_site_packages_is_not(tmp_path):
    assert cli.in_source_checkout(REPOSITORY / "fugong")
    installed = tmp_path / "site-packages" / "fugong"
    installed.mkdir(parents=True)
    assert not cli.in_source_checkout(installed)
    (installed.parent / "manage.py").write_text("")  # one of the two is not enough
    assert not cli.in_source_checkout(installed)


def test_development_settings_are_the_default_in_a_checkout_and_say_so():
    module, message = cli.default_settings({}, checkout=True)
    assert module == "fugong.settings.development"
    assert "\n" not in message and "development settings" in message


def test_outside_a_checkout_they_are_refused_unless_asked_for():
    module, message = cli.default_settings({}, checkout=False)
    assert module is None
    for needed in (
        "DJANGO_SETTINGS_MODULE=fugong.settings.production",
        "FUGONG_SECRET_KEY",
        "FUGONG_ALLOWED_HOSTS",
        "FUGONG_DATA_KEYS",
        "FUGONG_LOOKUP_KEY",
        "FUGONG_ALLOW_DEVELOPMENT_SETTINGS=1",
    ):
        assert needed in message
    assert (
        cli.default_settings({"FUGONG_ALLOW_DEVELOPMENT_SETTINGS": "0"}, checkout=False)[0] is None
    )
    module, message = cli.default_settings(
        {"FUGONG_ALLOW_DEVELOPMENT_SETTINGS": "1"}, checkout=False
    )
    assert module == "fugong.settings.development" and "WARNING" in message


def run_fugong_as_if_installed(tmp_path, **environment) -> subprocess.CompletedProcess:
    """``fugong check`` with the package seen as installed into site-packages."""
    code = (
        "import sys; from pathlib import Path; from fugong import cli;"
        f"cli.PACKAGE_DIR = Path({str(tmp_path / 'site-packages' / 'fugong')!r});"
        "sys.exit(cli.main(['fugong', 'check']))"
    )
    env = {**os.environ, "FUGONG_DATA_DIR": str(tmp_path / "data"), **environment}
    for name in ("DJANGO_SETTINGS_MODULE", "FUGONG_ALLOW_DEVELOPMENT_SETTINGS", "DATABASE_URL"):
        if name not in environment:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_an_installed_fugong_refuses_to_start_on_the_development_settings(tmp_path):
    result = run_fugong_as_if_installed(tmp_path)
    assert result.returncode == 2
    assert "refusing to start" in result.stderr
    assert "DJANGO_SETTINGS_MODULE=fugong.settings.production" in result.stderr
    assert "System check" not in result.stdout + result.stderr  # Django never ran


def test_an_installed_fugong_runs_on_the_development_settings_when_asked_loudly(tmp_path):
    result = run_fugong_as_if_installed(tmp_path, FUGONG_ALLOW_DEVELOPMENT_SETTINGS="1")
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stderr and "no issues" in result.stdout


def test_manage_py_in_the_checkout_prints_one_line_about_the_development_settings(tmp_path):
    env = {**os.environ, "FUGONG_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == cli.IN_CHECKOUT
