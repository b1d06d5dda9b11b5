"""Keep a birth year instead of the birth date, and masks that keep only a number's end.

The old mask (county code + last four) and the plain birth date together gave every resident ID
away (security review, issue 16); see fugong.core.privacy.
"""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Concat, ExtractYear, Length, Right

from fugong.core.privacy import mask_identity_number


def forwards(apps, schema_editor):
    Worker = apps.get_model("workforce", "Worker")
    Worker.objects.filter(birth_date__isnull=False).update(birth_year=ExtractYear("birth_date"))
    remask(Worker, with_cipher=True)


def remask(model, *, with_cipher: bool) -> None:
    """Resident IDs in one statement (the old mask kept the real last four); the few other
    documents one by one, from the ciphertext where there is one."""
    model.objects.annotate(length=Length("document_masked")).filter(length=18).update(
        document_masked=Concat(Value("*" * 14), Right("document_masked", 4))
    )
    others = model.objects.annotate(length=Length("document_masked")).exclude(length=18)
    for row in others.only("pk", "document_masked", *(["document_cipher"] if with_cipher else [])):
        if with_cipher:
            from fugong.core.crypto import decrypt

            masked = mask_identity_number(decrypt(row.document_cipher))
        elif row.document_masked.strip("*"):
            # Without the number: the old mask's last four were real; show no more than now.
            masked = mask_identity_number(row.document_masked)
        else:
            continue  # all hidden already
        if masked != row.document_masked:
            model.objects.filter(pk=row.pk).update(document_masked=masked)


class Migration(migrations.Migration):
    dependencies = [("workforce", "0002_employment_enterprise_index")]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="birth_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="birth year"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="worker", name="birth_date"),
    ]
