"""The workers-on-duty tables move from the reports app to the gate, whose write transaction keeps
them (issue 15). Only Django's state moves: the tables keep their names and their rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("workforce", "0003_birth_year_and_masks"),
        ("gate", "0005_visitor_masks_keep_only_the_end"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Attendance",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(verbose_name="date")),
                        ("enterprise", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="enterprises.enterprise")),
                        ("worker", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="workforce.worker")),
                    ],
                    options={
                        "db_table": "reports_attendance",
                        "verbose_name": "worker on duty",
                        "verbose_name_plural": "workers on duty",
                        "indexes": [models.Index(fields=["day", "enterprise"], name="reports_att_day_ae99d9_idx")],
                        "constraints": [models.UniqueConstraint(fields=("day", "worker"), name="attendance_one_per_day")],
                    },
                ),
                migrations.CreateModel(
                    name="AttendanceCount",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField(verbose_name="date")),
                        ("workers", models.PositiveIntegerField(default=0, verbose_name="workers on duty")),
                        ("enterprise", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="enterprises.enterprise")),
                    ],
                    options={
                        "db_table": "reports_attendancecount",
                        "indexes": [models.Index(fields=["enterprise", "day"], name="reports_att_enterpr_a1164a_idx")],
                        "constraints": [models.UniqueConstraint(fields=("day", "enterprise"), name="attendance_count_one_per_day")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
