"""On PostgreSQL, the gate checks and the attendance rows partitioned by month (see
``fugong.gate.partitions``); the existing rows are moved with their ids, in the migration's
transaction. Other databases keep their tables: only the abnormal event's link to its check
loses its database constraint, everywhere, as a partitioned table cannot be referenced by id."""

import django.db.models.deletion
from django.db import migrations, models


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from fugong.gate.partitions import partition_tables

    with schema_editor.connection.cursor() as cursor:
        partition_tables(cursor)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from fugong.gate.partitions import unpartition_tables

    with schema_editor.connection.cursor() as cursor:
        unpartition_tables(cursor)


class Migration(migrations.Migration):

    dependencies = [
        ('gate', '0010_gatecheck_visitor_gate_day_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='abnormalevent',
            name='gate_check',
            field=models.OneToOneField(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='abnormal_event', to='gate.gatecheck'),
        ),
        migrations.RunPython(partition, unpartition),
    ]
