"""Seed version 1 of the prevention guide (see fugong.guide.seed)."""

from django.db import migrations

from fugong.guide.seed import seed_guide


def seed(apps, schema_editor):
    seed_guide(apps.get_model("guide", "GuideVersion"), apps.get_model("guide", "GuideItem"))


def unseed(apps, schema_editor):
    GuideVersion = apps.get_model("guide", "GuideVersion")
    GuideVersion.objects.filter(number=1, published_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
