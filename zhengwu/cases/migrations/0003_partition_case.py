"""PostgreSQL only: the case table becomes PARTITION BY RANGE (received_at), one partition per year.

The model state does not change (no operation here touches it): on SQLite the table stays as it is. The primary key
becomes (id, received_at) and the unique number becomes (number, received_at). The database-level foreign keys
pointing at the case (reviews_review.case_id, cases_casesuspension.case_id, approvals_approvalitem.case_id, and any
other found in the catalog) are dropped: a partitioned table can only be referenced by a key that includes the
partition key. Django still enforces the relations. See docs/partitioning.md and zhengwu.core.partitions.
"""

from django.db import migrations

TABLE, KEY = "cases_case", "received_at"


def forward(apps, schema_editor):
    from zhengwu.core.partitions import convert

    convert(schema_editor, TABLE, KEY)


def backward(apps, schema_editor):
    from zhengwu.core.partitions import unconvert

    unconvert(schema_editor, TABLE, KEY, apps, "cases.Case")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_alter_case_status"),
        # the tables whose foreign keys point at the case exist before it is partitioned (their constraints are
        # dropped here; created afterwards, PostgreSQL would refuse them)
        ("reviews", "0001_initial"),
        ("approvals", "0002_bundles_applications"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
