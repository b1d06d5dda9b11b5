"""The standard items: masks by type, disinfectant, thermometers, oximeters, protective suits,
goggles and gloves. The command post edits the list afterwards."""

from django.db import migrations

# (name, unit, a mask, whole units, warning days, application field)
STANDARD_ITEMS = [
    ("医用外科口罩", "只", True, True, 7, ""),
    ("N95/KN95口罩", "只", True, True, 7, ""),
    ("一次性医用口罩", "只", True, True, 7, "masks_on_hand"),
    ("消毒液", "升", False, False, 7, "disinfectant_litres_on_hand"),
    ("体温计", "支", False, True, 3, "thermometers_on_hand"),
    ("血氧仪", "台", False, True, 3, "oximeters_on_hand"),
    ("防护服", "套", False, True, 7, ""),
    ("护目镜", "副", False, True, 7, ""),
    ("一次性手套", "副", False, True, 7, ""),
]


def seed(apps, schema_editor):
    SupplyItem = apps.get_model("supplies", "SupplyItem")
    for order, (name, unit, is_mask, whole, days, field) in enumerate(STANDARD_ITEMS, start=1):
        SupplyItem.objects.get_or_create(
            name=name,
            defaults={
                "unit": unit,
                "is_mask": is_mask,
                "whole_units": whole,
                "warning_days": days,
                "application_field": field,
                "sort_order": order * 10,
            },
        )


def unseed(apps, schema_editor):
    SupplyItem = apps.get_model("supplies", "SupplyItem")
    SupplyItem.objects.filter(name__in=[row[0] for row in STANDARD_ITEMS], stocks=None).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_supplies_ledger_and_requests")]
    operations = [migrations.RunPython(seed, unseed)]
