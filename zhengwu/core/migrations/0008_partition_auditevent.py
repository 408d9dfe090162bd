"""PostgreSQL only: the audit event table becomes PARTITION BY RANGE (created_at), one partition per year.

The model state does not change (no operation here touches it): on SQLite the table stays as it is. The primary key
becomes (id, created_at) and the unique (chain, seq) becomes (chain, seq, created_at), as PostgreSQL requires of a
partitioned table; docs/partitioning.md says why the chain still has no duplicate seq. See zhengwu.core.partitions.
"""

from django.db import migrations

TABLE, KEY = "core_auditevent", "created_at"


def forward(apps, schema_editor):
    from zhengwu.core.partitions import convert

    convert(schema_editor, TABLE, KEY)


def backward(apps, schema_editor):
    from zhengwu.core.partitions import unconvert

    unconvert(schema_editor, TABLE, KEY, apps, "core.AuditEvent")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_chain_purge_checkpoint"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
