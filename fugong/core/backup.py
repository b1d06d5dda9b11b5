"""Backing up an installation and restoring it onto an empty one.

An archive (``.tar.gz``) holds:

- ``database.sqlite3`` — SQLite's own online backup (``sqlite3.Connection.backup``: a consistent
  copy while the system runs) — or ``database.dump`` — ``pg_dump`` in its custom format, taken in
  the same snapshot as the counts;
- ``media/…`` — every uploaded file (attachments, photos, evidence);
- ``manifest.json`` — the format, when and from what it was made, the row count of every table,
  and the SHA-256 of the database file and of every uploaded file.

``backup_verify`` reads the whole archive and checks every checksum before anything is changed, so
a corrupt or truncated archive is refused with nothing touched. ``backup_restore`` restores onto an
installation without any user (refused otherwise unless forced), then checks that every table has
the manifest's count. Core knows no domain app: tables are found through Django's app registry.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ApplicationError, ConflictError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Manifest:
    """What an archive says of itself."""

    created_at: str
    vendor: str
    database_file: str
    database_sha256: str
    counts: dict[str, int]
    files: dict[str, str]  # media path → SHA-256

    def as_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, **self.__dict__}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _tables() -> list[tuple[str, str]]:
    """(label, table) of every concrete, managed model, in a stable order."""
    return sorted(
        (model._meta.label, model._meta.db_table)
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    )


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for label, table in _tables():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[label] = int(cursor.fetchone()[0])
    return counts


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> dict[str, Path]:
    root = _media_root()
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _postgres_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore from the default database's settings (the
    password through the environment, never the command line)."""
    config = connections["default"].settings_dict
    arguments = ["--dbname", config["NAME"]]
    if config.get("HOST"):
        arguments += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        arguments += ["--port", str(config["PORT"])]
    if config.get("USER"):
        arguments += ["--username", str(config["USER"])]
    environment = {**os.environ}
    if config.get("PASSWORD"):
        environment["PGPASSWORD"] = str(config["PASSWORD"])
    return arguments, environment


def _tool(name: str) -> str:
    """The full path of PostgreSQL's client tool ``name`` (Debian: postgresql-client)."""
    found = shutil.which(name)
    if found is None:
        raise ApplicationError(
            _("%(tool)s is not installed: install PostgreSQL's client tools.") % {"tool": name},
            code="backup_tool_missing",
        )
    return found


# ----- backup ------------------------------------------------------------------------------------


def backup_write(destination: Path) -> Manifest:
    """Write an archive of the database and the uploaded files to ``destination`` (written
    beside it and renamed when complete, so a half-written archive never has the final name)."""
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise ApplicationError(_("Backups support SQLite and PostgreSQL only."))
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        if vendor == "sqlite":
            database_file = _sqlite_backup(folder / SQLITE_FILE)
            counts = _sqlite_counts(database_file)
        else:
            database_file, counts = _postgres_backup(folder / POSTGRES_FILE)
        files = {name: _sha256(path) for name, path in _media_files().items()}
        manifest = Manifest(
            created_at=timezone.now().isoformat(),
            vendor=vendor,
            database_file=database_file.name,
            database_sha256=_sha256(database_file),
            counts=counts,
            files=files,
        )
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest.as_dict(), ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(database_file, arcname=database_file.name)
            for name, path in _media_files().items():
                if name in files:
                    archive.add(path, arcname=f"media/{name}")
        partial.replace(destination)
    return manifest


def _sqlite_backup(target: Path) -> Path:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # SQLite's online backup: one consistent copy, writers keep going
    finally:
        copy.close()
    return target


def _sqlite_counts(path: Path) -> dict[str, int]:
    copy = sqlite3.connect(path)
    try:
        counts = {}
        for label, table in _tables():
            row = copy.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608
            counts[label] = int(row[0])
        return counts
    finally:
        copy.close()


def _postgres_backup(target: Path) -> tuple[Path, dict[str, int]]:
    """pg_dump in the snapshot the counts were taken in, so that the two agree exactly."""
    arguments, environment = _postgres_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts(cursor)
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--file",
                str(target),
                *arguments,
            ],
            check=True,
            env=environment,
            capture_output=True,
        )
    return target, counts


# ----- verify ------------------------------------------------------------------------------------


def _broken() -> ApplicationError:
    return ApplicationError(
        _("This backup archive is damaged or incomplete; nothing was changed."),
        code="backup_damaged",
    )


@contextmanager
def _opened(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            yield archive
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise _broken() from error


def backup_verify(path: Path) -> Manifest:
    """Read the whole archive: its manifest, and every member against its checksum."""
    with _opened(path) as archive:
        try:
            members = {member.name: member for member in archive.getmembers()}
            for member in members.values():
                parts = PurePosixPath(member.name).parts
                if not member.isfile() or member.name.startswith("/") or ".." in parts:
                    raise _broken()
            raw = archive.extractfile(members[MANIFEST])
            data = json.loads(raw.read()) if raw else None
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise _broken()
            manifest = Manifest(**{key: data[key] for key in Manifest.__dataclass_fields__})
            expected = {manifest.database_file: manifest.database_sha256}
            expected |= {f"media/{name}": digest for name, digest in manifest.files.items()}
            if set(expected) != set(members) - {MANIFEST}:
                raise _broken()
            for name, digest in expected.items():
                handle = archive.extractfile(members[name])
                found = hashlib.sha256()
                while handle is not None and (chunk := handle.read(CHUNK)):
                    found.update(chunk)
                if found.hexdigest() != digest:
                    raise _broken()
        except (KeyError, TypeError, ValueError, tarfile.TarError, EOFError, OSError) as error:
            raise _broken() from error
    return manifest


# ----- restore -----------------------------------------------------------------------------------


def installation_is_empty() -> bool:
    """An installation nobody has an account on yet: what a fresh ``migrate`` leaves."""
    return not get_user_model()._default_manager.exists()


def backup_restore(path: Path, *, force: bool = False) -> Manifest:
    """Restore ``path`` onto this installation: verified first (a damaged archive changes
    nothing), onto an empty installation unless ``force``; the counts are checked afterwards."""
    manifest = backup_verify(path)
    if manifest.vendor != connection.vendor:
        raise ApplicationError(
            _("This backup is of a %(made)s database; this installation runs on %(here)s.")
            % {"made": manifest.vendor, "here": connection.vendor},
            code="backup_other_database",
        )
    if not force and not installation_is_empty():
        raise ConflictError(
            _("This installation already has data: restore onto an empty one, or force it."),
            code="backup_not_empty",
        )
    with tempfile.TemporaryDirectory() as work, _opened(path) as archive:
        folder = Path(work)
        archive.extractall(folder, filter="data")
        if manifest.vendor == "sqlite":
            _sqlite_restore(folder / manifest.database_file)
        else:
            _postgres_restore(folder / manifest.database_file)
        media = _media_root()
        for name in manifest.files:
            target = media / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / "media" / name, target)
    with connection.cursor() as cursor:
        restored = _counts(cursor)
    if restored != manifest.counts:
        differing = sorted(
            label for label in manifest.counts if restored.get(label) != manifest.counts[label]
        )
        raise ApplicationError(
            _("The restored database does not hold what the backup counted: %(tables)s.")
            % {"tables": ", ".join(differing)},
            code="backup_counts_differ",
        )
    return manifest


def _sqlite_restore(source_path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(source_path)
    try:
        source.backup(connection.connection)  # every page replaced, schema included
    finally:
        source.close()


def _partitioned_tables() -> list[str]:
    """The database's partitioned tables (on PostgreSQL), schema-qualified and quoted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'p' AND NOT c.relispartition AND n.nspname = current_schema()"
        )
        return [name for (name,) in cursor.fetchall()]


def _postgres_restore(dump: Path) -> None:
    arguments, environment = _postgres_environment()
    # pg_restore --clean cannot drop the constraints a partition inherits from its partitioned
    # table ("cannot drop inherited constraint"; the gate's checks are partitioned by month).
    # So the script pg_restore writes is run by psql in one transaction that first drops the
    # partitioned tables, with their partitions: all or nothing, as --single-transaction was.
    preamble = "".join(f"DROP TABLE IF EXISTS {name} CASCADE;\n" for name in _partitioned_tables())
    connections.close_all()  # the restore drops and recreates the tables: no lock may be held
    script = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--file", "-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    psql = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set",
            "ON_ERROR_STOP=1",
            *arguments,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert script.stdout is not None and psql.stdin is not None  # both piped, for mypy
    try:
        psql.stdin.write(preamble.encode())
        shutil.copyfileobj(script.stdout, psql.stdin)
    except BrokenPipeError:  # psql stopped on an error: its status says so below
        pass
    finally:
        psql.stdin.close()
    script_error = script.stderr.read() if script.stderr is not None else b""
    psql_error = psql.stderr.read() if psql.stderr is not None else b""
    for process, error in ((script, script_error), (psql, psql_error)):
        if process.wait() != 0:
            raise subprocess.CalledProcessError(process.returncode, process.args, stderr=error)


def describe(manifest: Manifest) -> str:
    rows = sum(manifest.counts.values())
    made = datetime.fromisoformat(manifest.created_at)
    return (
        f"{manifest.vendor} backup of {made:%Y-%m-%d %H:%M:%S %z}: {rows} rows in "
        f"{len(manifest.counts)} tables, {len(manifest.files)} uploaded files"
    )
