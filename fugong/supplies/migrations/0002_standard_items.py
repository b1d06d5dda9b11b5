"""The standard items: masks by type, disinfectant, thermometers, oximeters, protective suits,
goggles and gloves. The command post edits the list afterwards."""

from django.db import migrations

from fugong.supplies.seed import STANDARD_ITEMS, seed_items


def seed(apps, schema_editor):
    seed_items(apps.get_model("supplies", "SupplyItem"))


def unseed(apps, schema_editor):
    SupplyItem = apps.get_model("supplies", "SupplyItem")
    SupplyItem.objects.filter(name__in=[row[0] for row in STANDARD_ITEMS], stocks=None).delete()


class Migration(migrations.Migration):
    dependencies = [("supplies", "0001_supplies_ledger_and_requests")]
    operations = [migrations.RunPython(seed, unseed)]
