"""Encrypt the DICOMweb source secrets stored in clear before `SealedTextField`: reading a row
without the `fernet:` prefix gives its plain value, and saving it seals it. Reversing writes
the plain values back."""

from django.db import migrations


def seal_existing(apps, schema_editor):
    source_model = apps.get_model("slides", "DicomwebSource")
    for source in source_model.objects.exclude(secret__isnull=True).iterator():
        if source.secret:
            source.save(update_fields=["secret"])


def write_plain(apps, schema_editor):
    source_model = apps.get_model("slides", "DicomwebSource")
    table = schema_editor.quote_name(source_model._meta.db_table)
    for source in source_model.objects.iterator():
        schema_editor.execute(
            f"UPDATE {table} SET secret = %s WHERE id = %s", [source.secret, source.pk]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("slides", "0010_dicomweb_source_secret_sealed_field"),
    ]

    operations = [migrations.RunPython(seal_existing, write_plain)]
