"""``fugong serve``: the production application server (gunicorn), in place of this process.

The command checks the settings (the production ones; the development or test settings only with
``--allow-development``, for a local trial), builds the server's command line and ``exec``s it:
the process systemd started becomes gunicorn's master, so its signals (TERM to stop, HUP to
reload) reach the server itself and no Python wrapper lingers.

gunicorn rather than granian: measured on this application's gate checks and dashboard, same
run, same worker count (bench/servers.py, bench/results/servers_sqlite.json); see that file and
docs/deployment.md. ``--server granian`` runs granian instead (the benchmark uses it).

The server's own access log is off: the application writes one JSON line per request
(fugong.core.requestlog), the same under runserver, gunicorn and granian.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_BIND = "127.0.0.1:8001"
PRODUCTION_SETTINGS = "fugong.settings.production"
DEVELOPMENT_SETTINGS = ("fugong.settings.development", "fugong.settings.test")
SERVERS = ("gunicorn", "granian")
DEFAULT_SERVER = "gunicorn"
# A request that takes longer is killed (gunicorn's worker timeout): the largest import or
# export finishes well within it; nginx's proxy_read_timeout in deploy/nginx/fugong.conf matches.
TIMEOUT_SECONDS = 120


def default_workers(cpus: int | None = None) -> int:
    """One sync worker per core, at least two (one slow export must not stop the gate)."""
    return max(2, cpus if cpus is not None else (os.cpu_count() or 1))


def split_bind(bind: str) -> tuple[str, int] | str:
    """``host:port`` (IPv6 as ``[::1]:8001``) as (host, port), or ``unix:/path`` as the path."""
    if bind.startswith("unix:"):
        path = bind[len("unix:") :]
        if not path:
            raise CommandError("--bind unix: needs a path, e.g. unix:/run/fugong/web.sock")
        return path
    host, separator, port = bind.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"--bind must be HOST:PORT or unix:/PATH, not {bind!r}")
    return host.strip("[]"), int(port)


def server_command(server: str, bind: str, workers: int, threads: int, bin_dir: Path) -> list[str]:
    """The argv that runs the WSGI application under ``server``."""
    where = split_bind(bind)
    if server == "gunicorn":
        return [
            str(bin_dir / "gunicorn"),
            "fugong.wsgi:application",
            f"--bind={bind}",
            f"--workers={workers}",
            f"--threads={threads}",  # 1: sync workers
            f"--timeout={TIMEOUT_SECONDS}",
            "--graceful-timeout=30",
            "--backlog=2048",
            # Restart each worker now and then: a slow leak in a library never grows for weeks.
            "--max-requests=20000",
            "--max-requests-jitter=2000",
            # No access log of gunicorn's (the application writes its own), errors to stderr
            # (the journal).
            "--error-logfile=-",
            "--log-level=info",
            # No control socket in the home directory: systemd signals the master instead.
            "--no-control-socket",
        ]
    command = [
        str(bin_dir / "granian"),
        "--interface=wsgi",
        f"--workers={workers}",
        f"--blocking-threads={threads}",
        "--backlog=2048",
        "--log-level=info",
        "--no-access-log",
        "--respawn-failed-workers",
    ]
    if isinstance(where, str):
        command.append(f"--uds={where}")
    else:
        command += [f"--host={where[0]}", f"--port={where[1]}"]
    return [*command, "fugong.wsgi:application"]


class Command(BaseCommand):
    help = (
        "Run the production application server (gunicorn) with these settings, replacing this "
        "process (for systemd: see docs/deployment.md)."
    )
    requires_system_checks: list[str] = []  # the server's workers load the application

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=DEFAULT_BIND,
            help=f"HOST:PORT or unix:/PATH to listen on (default {DEFAULT_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"worker processes (default: one per core, at least two: {default_workers()})",
        )
        parser.add_argument(
            "--threads", type=int, default=1, help="threads per worker (default 1: sync workers)"
        )
        parser.add_argument("--server", choices=SERVERS, default=DEFAULT_SERVER)
        parser.add_argument(
            "--allow-development",
            action="store_true",
            help="run with the development settings anyway (a local trial, never real data)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print the server's command line and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        module = str(
            getattr(settings, "SETTINGS_MODULE", None)
            or os.environ.get("DJANGO_SETTINGS_MODULE", "")
        )
        development = settings.DEBUG or module in DEVELOPMENT_SETTINGS
        if development and not options["allow_development"]:
            raise CommandError(
                f"refusing to serve with the development settings ({module}: DEBUG, published "
                f"keys). Set DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS} and its environment "
                "(docs/deployment.md), or pass --allow-development for a local trial."
            )
        workers = options["workers"] if options["workers"] is not None else default_workers()
        if workers < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        bin_dir = Path(sys.executable).parent
        argv = server_command(
            options["server"], options["bind"], workers, options["threads"], bin_dir
        )
        if not Path(argv[0]).exists():
            found = shutil.which(options["server"])
            if found is None:
                raise CommandError(f"{options['server']} is not installed (requirements.lock)")
            argv[0] = found
        if options["dry_run"]:
            self.stdout.write(" ".join(argv))
            return
        # The server's workers load the same settings module.
        os.environ["DJANGO_SETTINGS_MODULE"] = module or PRODUCTION_SETTINGS
        self.stderr.write(f"fugong serve: {' '.join(argv)}")
        self.stderr.flush()
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 (the server replaces this process, no shell)
