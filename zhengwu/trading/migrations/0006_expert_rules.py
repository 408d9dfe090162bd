"""The default values of the expert-draw rules, added to the default rule set, and the specialty table's
first rows. Frozen here like 0002; the catalog and the lists agree, which a test checks."""

from django.db import migrations

DEFAULT_RULES = [
    ("expert_cooldown_days", "30", "本中心规则:专家被抽取后的冷却期"),
    ("expert_min_credit", "60", "本中心规则:参加抽取的最低信用分"),
    ("provincial_share_min", "1", "限额以上项目专家全部从省综合评标专家库抽取"),
]

SPECIALTIES = [
    ("building", "房屋建筑", 10),
    ("municipal", "市政", 20),
    ("water", "水利", 30),
    ("highway", "公路", 40),
    ("installation", "机电安装", 50),
    ("cost", "造价", 60),
    ("law", "法律", 70),
    ("finance", "经济财务", 80),
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("trading", "RuleSet")
    RuleValue = apps.get_model("trading", "RuleValue")
    Specialty = apps.get_model("trading", "Specialty")
    rule_set, _ = RuleSet.objects.get_or_create(project_type="", procedure="", defaults={"name": "默认规则"})
    for code, value, note in DEFAULT_RULES:
        RuleValue.objects.get_or_create(rule_set=rule_set, code=code,
                                        defaults={"value": value, "counting": "natural", "note": note})
    for code, name, sort in SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})


def remove(apps, schema_editor):
    RuleValue = apps.get_model("trading", "RuleValue")
    RuleValue.objects.filter(rule_set__project_type="", rule_set__procedure="",
                             code__in=[code for code, _, _ in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trading", "0005_experts")]
    operations = [migrations.RunPython(create, remove)]
