"""The default sentence templates (``zhengwu/reports/defaults.py``): the seed's 2023 summary with every number
a placeholder. Written once; afterwards they are data the center administrator edits."""

from django.db import migrations

# A frozen copy would drift from the module the tests check; the module is plain data (no models), so the
# migration reads it.
from zhengwu.reports.defaults import DEFAULT_TEMPLATES


def forwards(apps, schema_editor):
    SentenceTemplate = apps.get_model("reports", "SentenceTemplate")
    if SentenceTemplate.objects.exists():
        return
    SentenceTemplate.objects.bulk_create([
        SentenceTemplate(area=area, order=order, heading=heading, text=text, active=True)
        for area, order, heading, text in DEFAULT_TEMPLATES
    ])


def backwards(apps, schema_editor):
    SentenceTemplate = apps.get_model("reports", "SentenceTemplate")
    texts = [text for _area, _order, _heading, text in DEFAULT_TEMPLATES]
    SentenceTemplate.objects.filter(text__in=texts, updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
