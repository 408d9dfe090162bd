"""The default values of the sealed-bid rules (k-of-n key custodians), added to the default rule set.

Frozen here like 0002; the catalog and the two lists agree, which a test checks.
"""

from django.db import migrations

DEFAULT_RULES = [
    ("custodian_k", "2", "本中心规则:密钥分割托管 k-of-n"),
    ("custodian_n", "3", "本中心规则:密钥分割托管 k-of-n"),
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("trading", "RuleSet")
    RuleValue = apps.get_model("trading", "RuleValue")
    rule_set, _ = RuleSet.objects.get_or_create(project_type="", procedure="", defaults={"name": "默认规则"})
    for code, value, note in DEFAULT_RULES:
        RuleValue.objects.get_or_create(rule_set=rule_set, code=code,
                                        defaults={"value": value, "counting": "natural", "note": note})


def remove(apps, schema_editor):
    RuleValue = apps.get_model("trading", "RuleValue")
    RuleValue.objects.filter(rule_set__project_type="", rule_set__procedure="",
                             code__in=[code for code, _, _ in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trading", "0003_sealed_bids")]
    operations = [migrations.RunPython(create, remove)]
