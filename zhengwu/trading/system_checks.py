"""System check: the default rule set holds every rule of the catalog, and every stored value parses.

Tagged ``database`` (it reads the rule table), so it runs with ``zhengwu check --database default``
and not at every start-up.
"""

from __future__ import annotations

from django.core.checks import Tags, Warning, register
from django.db.utils import DatabaseError

from zhengwu.core.errors import InvalidInput


@register(Tags.database)
def trading_rules_complete(app_configs=None, databases=None, **kwargs):  # noqa: ANN001
    if not databases:
        return []
    from zhengwu.trading.models import RuleValue
    from zhengwu.trading.rules import CATALOG, parse_value

    try:
        rows = list(RuleValue.objects.select_related("rule_set"))
    except DatabaseError:  # not migrated yet
        return []
    problems = []
    defaults = {r.code for r in rows if r.rule_set.is_default}
    for code in sorted(set(CATALOG) - defaults):
        problems.append(Warning(f"The default trading rule set has no row for {code}; the catalog default "
                                f"{CATALOG[code].default} applies.", id="trading.W001"))
    for row in rows:
        try:
            parse_value(row.code, row.value)
        except InvalidInput as exc:
            problems.append(Warning(f"Trading rule {row.rule_set} / {row.code} = {row.value!r}: {exc.message}",
                                    id="trading.W002"))
    return problems
