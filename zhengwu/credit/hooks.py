"""What credit adds to trading (registered in ``CreditConfig.ready`` through ``trading.hooks``).

* ``bidder_check``: an enterprise under an effective ban (``scope`` bidding or all) on the registration day
  may not register as a bidder (409 ``behaviour_record_ban``, naming the record);
* ``expert_exclusion``: an expert whose person is under an effective ban (``scope`` expert or all) is left out
  of the draw's pool with the reason ``behaviour_record``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from django.utils import timezone

from zhengwu.core.errors import Conflict
from zhengwu.credit.choices import BanScope, RecordKind
from zhengwu.credit.models import BehaviourRecord
from zhengwu.credit.selectors import behaviour_records_for, effective_filter
from zhengwu.trading.choices import ExclusionReason


def bidder_check(enterprise: Any, tender_section: Any, now: dt.datetime) -> None:
    day = timezone.localtime(now).date()
    ban = (behaviour_records_for(enterprise=enterprise, effective_on=day)
           .filter(kind=RecordKind.BAN, scope__in=(BanScope.BIDDING, BanScope.ALL)).first())
    if ban is not None:
        until = f"至{ban.effective_until:%Y-%m-%d}" if ban.effective_until else "起长期"
        number = f"({ban.document_number})" if ban.document_number else ""
        raise Conflict(f"{enterprise.name}被{ban.department_name}禁止参与投标:“{ban.title}”{number},"
                       f"{ban.effective_from:%Y-%m-%d}{until},不能报名。", field="credit_code",
                       code="behaviour_record_ban", details={"record": ban.pk, "title": ban.title})


def expert_exclusion(expert_ids: Iterable[int], now: dt.datetime) -> dict[int, str]:
    from zhengwu.trading.models import Expert

    day = timezone.localtime(now).date()
    persons = dict(Expert.objects.filter(pk__in=list(expert_ids), person__isnull=False)
                   .values_list("pk", "person_id"))
    if not persons:
        return {}
    banned = set(BehaviourRecord.objects.filter(effective_filter(day), person_id__in=set(persons.values()),
                                                kind=RecordKind.BAN, scope__in=(BanScope.EXPERT, BanScope.ALL))
                 .values_list("person_id", flat=True))
    return {pk: str(ExclusionReason.BEHAVIOUR_RECORD) for pk, person in persons.items() if person in banned}
