"""Part 5 defaults: the separated-award rules in the default rule set, and the service fee schedules.

Frozen here like 0002 (the catalog and DEFAULT_RULES agree, which a test checks). The fee schedules are
the center's: marginal rates (差额定率累进) of the award amount, as a price bureau approves them; the
numbers below are the platform's defaults, to be replaced by the center's approved schedule (a new
schedule from a date, through ``services_fees.fee_schedule_create``). The seed's center stopped charging
on 2023-10-30, so both schedules are switched off from that day.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

DEFAULT_RULES = [
    ("separated_candidates_max", "3", "本中心规则:评定分离改革试点,推荐不超过3名不排序的中标候选人"),
    ("decision_group_min", "5", "本中心规则:评定分离改革试点,定标委员会5人以上单数"),
    ("vote_lottery_finalists", "2", "本中心规则:评定分离改革试点,票决抽签进入抽签的候选人数"),
]

TIERS = [
    {"up_to": "5000000", "permille": "1"},
    {"up_to": "50000000", "permille": "0.6"},
    {"up_to": "500000000", "permille": "0.2"},
    {"up_to": None, "permille": "0.05"},
]

FEE_SCHEDULES = [
    # project type, effective from, switched off from, minimum, cap
    ("construction", "2000-01-01", "2023-10-30", "200", "50000"),
    ("procurement", "2000-01-01", "2023-10-30", "200", "50000"),
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("trading", "RuleSet")
    RuleValue = apps.get_model("trading", "RuleValue")
    ServiceFeeSchedule = apps.get_model("trading", "ServiceFeeSchedule")
    rule_set, _ = RuleSet.objects.get_or_create(project_type="", procedure="", defaults={"name": "默认规则"})
    for code, value, note in DEFAULT_RULES:
        RuleValue.objects.get_or_create(rule_set=rule_set, code=code,
                                        defaults={"value": value, "counting": "natural", "note": note})
    for project_type, start, off, minimum, cap in FEE_SCHEDULES:
        ServiceFeeSchedule.objects.get_or_create(
            project_type=project_type, effective_from=dt.date.fromisoformat(start),
            defaults={"switched_off_from": dt.date.fromisoformat(off), "tiers": TIERS, "minimum": minimum,
                      "cap": cap, "created_at": timezone.now(),
                      "basis": "平台默认标准(差额定率累进),须按物价部门核定的本中心标准调整;2023年10月30日起停止收取"})


def remove(apps, schema_editor):
    RuleValue = apps.get_model("trading", "RuleValue")
    RuleValue.objects.filter(rule_set__project_type="", rule_set__procedure="",
                             code__in=[code for code, _, _ in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trading", "0009_award_sessions_fees")]
    operations = [migrations.RunPython(create, remove)]
