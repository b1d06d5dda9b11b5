"""A gate operator's gate moves from the user (accounts) to the gate app, which owns gates
(issue 15): the posts are copied from ``User.gate`` before accounts 0004 removes it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_posts(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    GateOperator = apps.get_model("gate", "GateOperator")
    GateOperator.objects.bulk_create(
        GateOperator(user_id=user_id, gate_id=gate_id)
        for user_id, gate_id in User.objects.filter(gate__isnull=False).values_list("id", "gate_id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_user_gate'),
        ('gate', '0006_attendance_owned_by_the_gate'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='GateOperator',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='gate operator')),
                ('assigned_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='assigned at')),
                ('assigned_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('gate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='operators', to='gate.gate', verbose_name='gate')),
            ],
            options={
                'verbose_name': "gate operator's post",
                'verbose_name_plural': "gate operators' posts",
            },
        ),
        migrations.RunPython(copy_posts, migrations.RunPython.noop),
    ]
