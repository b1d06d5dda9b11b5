"""Store workers' names normalised (issue 13): ``王　芳`` becomes ``王芳``, ``ＳＭＩＴＨ`` ``SMITH``,
so that searches, which normalise the query the same way, find them (see fugong.core.text).

NFKC is not something the database can compute, so the names are read in chunks and only the
ones that change are written back, a thousand per statement.
"""

from django.db import migrations

from fugong.core.text import normalize_name


def normalise(model) -> None:
    changed = []
    for row in model.objects.only("pk", "full_name").iterator(chunk_size=2000):
        name = normalize_name(row.full_name)
        if name and name != row.full_name:
            row.full_name = name[:100]
            changed.append(row)
    model.objects.bulk_update(changed, ["full_name"], batch_size=1000)


def forwards(apps, schema_editor):
    normalise(apps.get_model("workforce", "Worker"))


class Migration(migrations.Migration):
    dependencies = [("workforce", "0004_worker_personal_data_removed_at")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
