import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("org", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="Ticket",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(db_index=True, max_length=32, verbose_name="状态")),
                ("version", models.PositiveIntegerField(default=0, editable=False, verbose_name="版本")),
                ("status_changed_at", models.DateTimeField(blank=True, editable=False, null=True,
                                                           verbose_name="状态变更时间")),
                ("title", models.CharField(max_length=64)),
                ("note", models.CharField(blank=True, max_length=64)),
                ("department", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="org.department")),
            ],
        ),
    ]
