"""The default nine service sections (板块) of the enterprise service center (DOMAIN.md §7)."""

from django.db import migrations

SECTIONS = [
    ("policy", "政策", 1),
    ("project", "项目", 2),
    ("demand", "诉求", 3),
    ("finance", "金融", 4),
    ("talent", "人才", 5),
    ("legal", "法律(法治)", 6),
    ("innovation", "科创", 7),
    ("opening", "开放", 8),
    ("qingqing", "亲清", 9),
]


def load(apps, schema_editor):
    ServiceSection = apps.get_model("enterprise", "ServiceSection")
    for code, name, order in SECTIONS:
        ServiceSection.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unload(apps, schema_editor):
    apps.get_model("enterprise", "ServiceSection").objects.filter(code__in=[c for c, _, _ in SECTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprise", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
