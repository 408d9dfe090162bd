"""The default rule set (DOMAIN.md §10): the legal numbers, as data an administrator changes.

Frozen here (not imported from the catalog) so that a later change of a default in code does not
rewrite history; the catalog and this list agree, which a test checks.
"""

from django.db import migrations

DEFAULT_RULES = [
    ("documents_to_deadline_days", "20", "招标投标法第24条"),
    ("documents_on_sale_days", "5", "招标投标法实施条例第16条"),
    ("change_notice_days", "15", "招标投标法实施条例第21条"),
    ("objection_before_deadline_days", "10", "招标投标法实施条例第22条"),
    ("objection_answer_days", "3", "招标投标法实施条例第22条、第54条"),
    ("deposit_max_ratio", "0.02", "招标投标法实施条例第26条"),
    ("deposit_refund_days", "5", "招标投标法实施条例第57条"),
    ("min_bids", "3", "招标投标法第28条"),
    ("committee_min", "5", "招标投标法第37条"),
    ("expert_share_min", "2/3", "招标投标法第37条"),
    ("publicity_within_days", "3", "招标投标法实施条例第54条"),
    ("publicity_min_days", "3", "招标投标法实施条例第54条"),
    ("contract_within_days", "30", "招标投标法第46条"),
    ("mandatory_limit_works", "4000000", "必须招标的工程项目规定(2018)第5条"),
    ("mandatory_limit_goods", "2000000", "必须招标的工程项目规定(2018)第5条"),
    ("mandatory_limit_services", "1000000", "必须招标的工程项目规定(2018)第5条"),
    ("control_price_max_ratio", "1", "本中心规则:最高投标限价不超过估算价"),
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("trading", "RuleSet")
    RuleValue = apps.get_model("trading", "RuleValue")
    rule_set, _ = RuleSet.objects.get_or_create(project_type="", procedure="", defaults={"name": "默认规则"})
    for code, value, note in DEFAULT_RULES:
        RuleValue.objects.get_or_create(rule_set=rule_set, code=code,
                                        defaults={"value": value, "counting": "natural", "note": note})


class Migration(migrations.Migration):
    dependencies = [("trading", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
