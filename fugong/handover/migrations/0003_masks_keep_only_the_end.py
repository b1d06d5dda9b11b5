"""Handover entries keep masks that show only a number's end (security review, issue 16)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Right

from fugong.core.privacy import mask_identity_number


def forwards(apps, schema_editor):
    Entry = apps.get_model("handover", "HandoverEntry")
    Entry.objects.annotate(length=Length("document_masked")).filter(length=18).update(
        document_masked=Concat(Value("*" * 14), Right("document_masked", 4))
    )
    # Other documents: the old mask's last four were real when it showed any; show no more
    # than a mask made now would.
    others = Entry.objects.annotate(length=Length("document_masked")).exclude(length=18)
    for entry in others.only("pk", "document_masked"):
        if entry.document_masked.strip("*"):
            masked = mask_identity_number(entry.document_masked)
            if masked != entry.document_masked:
                Entry.objects.filter(pk=entry.pk).update(document_masked=masked)


class Migration(migrations.Migration):
    dependencies = [("handover", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
