from django.db import migrations


def create_heads(apps, schema_editor):
    from django.conf import settings

    from zhengwu.core.audit import genesis_digest

    AuditChain = apps.get_model("core", "AuditChain")
    for i in range(1, int(settings.ZHENGWU.get("AUDIT_CHAINS", 16)) + 1):
        AuditChain.objects.get_or_create(id=i, defaults={"last_seq": 0, "last_digest": genesis_digest(i)})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(create_heads, migrations.RunPython.noop)]
