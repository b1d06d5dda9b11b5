"""Visitors' document masks show only a number's end (security review, issue 16)."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Length, Right

from fugong.core.privacy import mask_identity_number


def forwards(apps, schema_editor):
    from fugong.core.crypto import decrypt

    Visitor = apps.get_model("gate", "Visitor")
    Visitor.objects.annotate(length=Length("document_masked")).filter(length=18).update(
        document_masked=Concat(Value("*" * 14), Right("document_masked", 4))
    )
    others = Visitor.objects.annotate(length=Length("document_masked")).exclude(length=18)
    for visitor in others.only("pk", "document_masked", "document_cipher"):
        masked = mask_identity_number(decrypt(visitor.document_cipher))
        if masked != visitor.document_masked:
            Visitor.objects.filter(pk=visitor.pk).update(document_masked=masked)


class Migration(migrations.Migration):
    dependencies = [("gate", "0004_gatecheck_offline_trust")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
