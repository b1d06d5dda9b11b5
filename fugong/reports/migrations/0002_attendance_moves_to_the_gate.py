"""The workers-on-duty tables now belong to the gate app (see gate 0006); only the state moves."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("gate", "0006_attendance_owned_by_the_gate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="AttendanceCount"),
            ],
            database_operations=[],
        ),
    ]
