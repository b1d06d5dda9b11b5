"""The audit trail knows no domain model (issue 15): the enterprise, the API token and the gate
device a row concerns are kept by id. The columns keep their names and their values; only the
enterprise's foreign-key constraint is dropped (the other two never had one)."""

import django.db.models.deletion
from django.db import migrations, models

import fugong.audit.context


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_request_origin"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        # In the database: the enterprise column loses its constraint, nothing else changes.
        migrations.AlterField(
            model_name="auditevent",
            name="enterprise",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="enterprises.enterprise",
                verbose_name="enterprise",
            ),
        ),
        # In Django's state: the three references become plain integer columns of the same name.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="auditevent", name="audit_audit_enterpr_af879e_idx"),
                migrations.RemoveField(model_name="auditevent", name="enterprise"),
                migrations.RemoveField(model_name="auditevent", name="api_token"),
                migrations.RemoveField(model_name="auditevent", name="gate_device"),
                migrations.AddField(
                    model_name="auditevent",
                    name="enterprise_id",
                    field=models.BigIntegerField(blank=True, null=True, verbose_name="enterprise"),
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="api_token_id",
                    field=models.BigIntegerField(
                        blank=True,
                        default=fugong.audit.context.current_api_token_id,
                        null=True,
                        verbose_name="API token",
                    ),
                ),
                migrations.AddField(
                    model_name="auditevent",
                    name="gate_device_id",
                    field=models.BigIntegerField(
                        blank=True,
                        default=fugong.audit.context.current_gate_device_id,
                        null=True,
                        verbose_name="gate device",
                    ),
                ),
                migrations.AddIndex(
                    model_name="auditevent",
                    index=models.Index(
                        fields=["enterprise_id", "created_at"], name="audit_audit_enterpr_af879e_idx"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
