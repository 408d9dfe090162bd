"""Indexes for every way the audit trail is read: one action's latest events (action, then time), an object's
timeline led by the id (so an id alone is served too), one actor's events, one request's events. On PostgreSQL
each CREATE INDEX on the partitioned table builds the index on every partition and blocks writes to the trail
while it runs (docs/PERFORMANCE.md, "Audit trail at district scale", gives the time at district scale)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0008_partition_auditevent'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_object_idx',
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(max_length=64, verbose_name='动作'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', 'created_at'], name='audit_action_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['object_id', 'object_type', 'created_at'], name='audit_object_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor_label', 'created_at'], name='audit_actor_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['request_id'], name='audit_request_idx'),
        ),
    ]
