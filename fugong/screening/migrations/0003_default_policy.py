"""The brief's defaults as the first policy: 14 days' observation, yellow code 7 days, red code
14, medium and high risk areas observed, fever at 37.3 °C, SpO2 abnormal at or below 93%."""

from datetime import date
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    ScreeningPolicy = apps.get_model("screening", "ScreeningPolicy")
    if not ScreeningPolicy.objects.exists():
        ScreeningPolicy.objects.create(
            effective_from=date(2020, 1, 1),
            observation_days=14,
            yellow_code_days=7,
            red_code_days=14,
            observation_levels=["medium", "high"],
            fever_threshold=Decimal("37.3"),
            spo2_threshold=93,
            note="国家诊疗方案（第六版）及园区防控指南的默认值",
        )


class Migration(migrations.Migration):
    dependencies = [("screening", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
