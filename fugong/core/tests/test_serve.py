"""``fugong serve``: the production settings only (unless asked), then exec the server."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from fugong.core.management.commands import serve


def test_refuses_the_development_settings():
    with pytest.raises(CommandError, match="refusing to serve with the development settings"):
        call_command("serve", "--dry-run")


def test_runs_them_when_asked_for_a_trial():
    out = StringIO()
    call_command("serve", "--dry-run", "--allow-development", "--workers=3", stdout=out)
    argv = out.getvalue().split()
    assert argv[0].endswith("gunicorn") and "fugong.wsgi:application" in argv
    assert "--bind=127.0.0.1:8001" in argv and "--workers=3" in argv
    # The application writes the access log; gunicorn writes only errors.
    assert not any(arg.startswith("--access-logfile") for arg in argv)


def test_production_settings_exec_the_server(settings, monkeypatch):
    settings.SETTINGS_MODULE = "fugong.settings.production"
    settings.DEBUG = False
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)
    with mock.patch.object(serve.os, "execv") as execv:
        call_command("serve", "--bind=127.0.0.1:9123", stderr=StringIO())
    (path, argv), _ = execv.call_args
    assert path == argv[0] and argv[0].endswith("gunicorn")
    assert "--bind=127.0.0.1:9123" in argv
    assert f"--workers={serve.default_workers()}" in argv
    assert serve.os.environ["DJANGO_SETTINGS_MODULE"] == "fugong.settings.production"


def test_granian_on_a_unix_socket():
    argv = serve.server_command("granian", "unix:/run/fugong/web.sock", 2, 1, serve.Path("/v"))
    assert argv[0] == "/v/granian" and "--uds=/run/fugong/web.sock" in argv
    assert "--no-access-log" in argv and argv[-1] == "fugong.wsgi:application"
    argv = serve.server_command("granian", "[::1]:8001", 2, 1, serve.Path("/v"))
    assert "--host=::1" in argv and "--port=8001" in argv


@pytest.mark.parametrize("bind", ["8001", "localhost:", ":8001", "host:99999", "unix:"])
def test_bad_binds_are_refused(bind):
    with pytest.raises(CommandError):
        serve.split_bind(bind)


def test_default_workers_follow_the_cores():
    assert serve.default_workers(1) == 2
    assert serve.default_workers(8) == 8
