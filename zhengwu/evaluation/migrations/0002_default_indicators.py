from django.db import migrations


def create(apps, schema_editor):
    from zhengwu.evaluation.indicators import DEFAULT_INDICATORS

    Indicator = apps.get_model("evaluation", "Indicator")
    for number, code, name, direction, description in DEFAULT_INDICATORS:
        Indicator.objects.get_or_create(code=code, defaults={"number": number, "name": name, "formula": code,
                                                             "direction": direction, "unit": "%",
                                                             "description": description})


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
