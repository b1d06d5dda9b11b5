"""Backup and restore: the demo park backed up, the database emptied, restored — and every figure
of the daily report, every uploaded file and every encrypted number found equal. On SQLite and, in
CI, on PostgreSQL (the same test, with pg_dump and pg_restore)."""

import gzip
import io
import tarfile
from dataclasses import asdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fugong.core.backup import backup_restore, backup_write
from fugong.core.errors import ApplicationError, ConflictError
from fugong.core.testing import database_counts, media_files

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    """What must survive: the daily report of the last three days, every stored file's bytes,
    every worker's and visitor's decrypted numbers."""
    from fugong.accounts.models import User
    from fugong.core.crypto import decrypt
    from fugong.gate.models import Visitor
    from fugong.reports.selectors import daily_figures
    from fugong.workforce.models import Worker

    command = User.objects.get(username="command")
    today = timezone.localdate()
    report = {
        str(day): asdict(daily_figures(actor=command, day=day))
        for day in (today - timedelta(days=offset) for offset in range(3))
    }
    from django.core.files.storage import default_storage

    files = {name: default_storage.open(name).read() for name in media_files()}
    numbers = {
        ("worker", pk): (decrypt(document), decrypt(phone) if phone else "")
        for pk, document, phone in Worker.objects.values_list(
            "pk", "document_cipher", "phone_cipher"
        )
    }
    numbers |= {
        ("visitor", pk): (decrypt(document),)
        for pk, document in Visitor.objects.values_list("pk", "document_cipher")
    }
    return {"report": report, "files": files, "numbers": numbers, "rows": database_counts()}


@pytest.fixture
def demo_archive(tmp_path, settings):
    from fugong.guide.models import GuideItem, GuideVersion
    from fugong.guide.seed import seed_guide

    seed_guide(GuideVersion, GuideItem)
    call_command("load_demo", stdout=StringIO())
    before = snapshot()
    archive = tmp_path / "fugong.tar.gz"
    output = StringIO()
    call_command("backup", str(archive), stdout=output)
    assert "uploaded files" in output.getvalue()
    return archive, before


def empty_the_installation(settings):
    import shutil

    call_command("flush", "--no-input", verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_backup_and_restore_the_demo_park(demo_archive, tmp_path, settings):
    archive, before = demo_archive
    # an archive is never overwritten
    with pytest.raises(CommandError):
        call_command("backup", str(archive))
    # restoring onto an installation with data needs --force
    with pytest.raises(ConflictError):
        backup_restore(archive)
    # damaged archives change nothing: truncated, a member changed after the manifest, not a tar
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ApplicationError) as refused:
        backup_restore(truncated, force=True)
    assert refused.value.code == "backup_damaged"
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data + b"x"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(ApplicationError):
        backup_restore(tampered, force=True)
    not_an_archive = tmp_path / "plain.tar.gz"
    not_an_archive.write_bytes(gzip.compress(b"hello"))
    with pytest.raises(CommandError):
        call_command("restore", str(not_an_archive), "--force")
    assert database_counts() == before["rows"]

    # given an empty installation
    empty_the_installation(settings)
    assert media_files() == []
    # when the archive is restored
    output = StringIO()
    call_command("restore", str(archive), stdout=output)
    # then the report of every day, every file and every number are as they were
    after = snapshot()
    assert after["rows"] == before["rows"]
    assert after["numbers"] == before["numbers"] and len(before["numbers"]) > 15_000
    assert after["files"] == before["files"] and before["files"]
    assert after["report"] == before["report"]
    assert "Restored" in output.getvalue()
    # and restoring again over it, forced, gives the same
    backup_restore(archive, force=True)
    assert snapshot()["rows"] == before["rows"]


def test_backup_write_is_atomic_on_the_name(tmp_path, db):
    target = tmp_path / "empty.tar.gz"
    backup_write(target)
    assert target.exists() and not (tmp_path / "empty.tar.gz.partial").exists()
