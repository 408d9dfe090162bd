"""The eleven indicators in two phases, as Cardinal computes them.

Phase 1, :meth:`Extractor.fold`, reads one compiled release and adds its compact facts to an
:class:`Accumulator`: the per-process results (R003, R018, R028, R030, R035), the counts per organization
(R025, R038, R048) and the currency-dependent facts (the winner/runner-up ratio of R024 and R058, the R036
finding), kept per currency because the main currency may be the first one observed in the file. Accumulators of
consecutive parts of the input merge in order (:meth:`Accumulator.merge`), so phase 1 runs in parallel.

Phase 2, :meth:`Accumulator.finalize`, chooses the main currency, computes the quartile fences (R024, R025,
R038, R048, R058) and returns Cardinal's output: ``{"OCID": {ocid: {code: value}}, "Buyer": ...,
"ProcuringEntity": ..., "Tenderer": ...}``, groups without results left out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

from zhengwu.supervision.cardinal import stats
from zhengwu.supervision.cardinal.settings import Settings

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")
_EMPTY: dict[str, Any] = {}
_NOT_SUBMITTED = ("invited", "withdrawn")
_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


def parse_rfc3339(text: str) -> dt.datetime | None:
    """chrono's ``DateTime::parse_from_rfc3339``: a full date-time with an offset, else None."""
    n = len(text)
    if (n == 25 and text[10] == "T" and text[19] in "+-" and text[22] == ":" and text[4] == "-"
            and text[7] == "-" and text[13] == ":" and text[16] == ":" and text[:4].isdigit()):
        try:  # 2024-03-21T09:30:00+08:00, the common layout
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    match = _RFC3339.match(text)
    if match is None:
        return None
    date, time, fraction, offset = match.groups()
    fraction = (fraction or "")[:7]  # at most microseconds
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        return dt.datetime.fromisoformat(f"{date}T{time}{fraction}{offset}")
    except ValueError:
        return None


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    """chrono's ``Duration::num_days``: whole days, truncated toward zero."""
    delta = end - start
    return delta.days if delta.days >= 0 else -((-delta).days)


class Accumulator:
    """The facts of a run of consecutive processes (phase 1's output, phase 2's input)."""

    def __init__(self) -> None:
        self.ocid: dict[str, dict[str, float]] = {}
        self.tenderer: dict[str, dict[str, float]] = {}
        #: the first currency Cardinal would observe (R024/R058's valid bids, then R036's submitted bids)
        self.first_currency: str | None = None
        #: (ocid, currency, ratio, winner id, runner-up id): R024 and R058
        self.ratios: list[tuple[str, str, float, str, str]] = []
        #: (ocid, currency): R036 flagged when that currency is the main one
        self.r036: list[tuple[str, str]] = []
        self.r025: dict[str, list[int]] = {}          # tenderer → [wins, processes with a valid bid]
        self.r038_buyer: dict[str, list[int]] = {}    # → [disqualified, submitted]
        self.r038_pe: dict[str, list[int]] = {}
        self.r038_tenderer: dict[str, list[int]] = {}
        self.r048: dict[str, list[Any]] = {}          # supplier → [processes, {prefixes}]
        self.processes = 0

    def merge(self, other: Accumulator) -> Accumulator:
        """Add the facts of ``other``, which comes after ``self`` in the input."""
        for key, codes in other.ocid.items():
            self.ocid.setdefault(key, {}).update(codes)
        for key, codes in other.tenderer.items():
            self.tenderer.setdefault(key, {}).update(codes)
        if self.first_currency is None:
            self.first_currency = other.first_currency
        self.ratios.extend(other.ratios)
        self.r036.extend(other.r036)
        for mine, theirs in ((self.r025, other.r025), (self.r038_buyer, other.r038_buyer),
                             (self.r038_pe, other.r038_pe), (self.r038_tenderer, other.r038_tenderer)):
            for key, (a, b) in theirs.items():
                pair = mine.get(key)
                if pair is None:
                    mine[key] = [a, b]
                else:
                    pair[0] += a
                    pair[1] += b
        for key, (count, codes) in other.r048.items():
            entry = self.r048.get(key)
            if entry is None:
                self.r048[key] = [count, set(codes)]
            else:
                entry[0] += count
                entry[1] |= codes
        self.processes += other.processes
        return self

    # --- phase 2 --------------------------------------------------------------------------------------

    def finalize(self, settings: Settings) -> dict[str, dict[str, dict[str, float]]]:
        groups: dict[str, dict[str, dict[str, float]]] = {"OCID": {}, "Buyer": {}, "ProcuringEntity": {},
                                                         "Tenderer": {}}
        for key, codes in self.ocid.items():
            groups["OCID"][key] = dict(codes)
        for key, codes in self.tenderer.items():
            groups["Tenderer"][key] = dict(codes)

        def flag(group: str, key: str, code: str, value: float) -> None:
            groups[group].setdefault(key, {})[code] = float(value)

        currency = settings.currency or self.first_currency
        ratios: dict[str, tuple[float, str, str]] = {}
        for key, cur, ratio, winner, loser in self.ratios:
            if cur == currency:
                ratios[key] = (ratio, winner, loser)
        values = [r[0] for r in ratios.values()]

        if settings.enabled("R024"):
            threshold = settings.option("R024", "threshold")
            if threshold is None:
                q1, q3 = stats.quartiles(values)
                fence = stats.lower_fence(q1, q3)
            else:
                q1, fence = 1.0, threshold  # the threshold replaces the guard
            # Skip when 75 % of the processes have no difference; otherwise 75 % are flagged.
            if q1 > 0.0 and fence > 0.0:
                for key, (ratio, winner, loser) in ratios.items():
                    if ratio <= fence:
                        flag("OCID", key, "R024", ratio)
                        flag("Tenderer", winner, "R024", 0.0)
                        flag("Tenderer", loser, "R024", 0.0)

        if settings.enabled("R058"):
            threshold = settings.option("R058", "threshold")
            fence = stats.upper_fence(*stats.quartiles(values)) if threshold is None else threshold
            if fence > 0.0:
                for key, (ratio, winner, _loser) in ratios.items():
                    if ratio >= fence:
                        flag("OCID", key, "R058", ratio)
                        flag("Tenderer", winner, "R058", 0.0)

        if settings.enabled("R036"):
            for key, cur in self.r036:
                if cur == currency:
                    flag("OCID", key, "R036", 1.0)

        if settings.enabled("R025") and self.r025:
            top = stats.percentile([float(n) for _w, n in self.r025.values()],
                                   settings.option("R025", "percentile", 75))
            threshold = settings.option("R025", "threshold")
            if threshold is None:
                q1, q3 = stats.quartiles(w / n for w, n in self.r025.values())
                fence = stats.lower_fence(q1, q3)
            else:
                q1, fence = 1.0, threshold
            if q1 > 0.0 and fence > 0.0:
                for key, (wins, n) in self.r025.items():
                    ratio = wins / n
                    if n >= top and ratio <= fence:
                        flag("Tenderer", key, "R025", ratio)

        if settings.enabled("R038"):
            threshold = settings.option("R038", "threshold")
            processes = settings.option("R038", "minimum_contracting_processes", 2)
            bids = settings.option("R038", "minimum_submitted_bids", 2)
            for group, counts, minimum in (("Buyer", self.r038_buyer, processes),
                                           ("ProcuringEntity", self.r038_pe, processes),
                                           ("Tenderer", self.r038_tenderer, bids)):
                found = {key: d / n for key, (d, n) in counts.items() if n >= minimum}
                if not found:
                    continue
                fence = stats.upper_fence(*stats.quartiles(found.values())) if threshold is None else threshold
                # Skip when 75 % have no disqualified bid; otherwise 75 % are flagged.
                if fence > 0.0:
                    for key, ratio in found.items():
                        if ratio >= fence:
                            flag(group, key, "R038", ratio)

        if settings.enabled("R048"):
            minimum = settings.option("R048", "minimum_contracting_processes", 20)
            lengths = {key: float(len(codes)) for key, (count, codes) in self.r048.items() if count >= minimum}
            threshold = settings.option("R048", "threshold")
            fence = (stats.upper_fence(*stats.quartiles(lengths.values())) if threshold is None
                     else float(threshold))
            for key, length in lengths.items():
                if length >= fence:
                    flag("Tenderer", key, "R048", length)

        return {group: results for group, results in groups.items() if results}


class Extractor:
    """Phase 1 for the enabled indicators of ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        on = settings.enabled
        self.r003 = on("R003")
        self.r003_threshold = settings.option("R003", "threshold", 15)
        self.r003_methods = settings.option("R003", "procurement_methods", frozenset())
        self.r003_details = settings.option("R003", "procurement_method_details", {})
        self.r018 = on("R018")
        self.r018_methods = settings.option("R018", "procurement_methods", frozenset({"open", "selective"}))
        self.ratio = on("R024") or on("R058")
        self.r025 = on("R025")
        self.r028 = on("R028")
        self.r030 = on("R030")
        self.r035 = on("R035")
        self.r035_threshold = max(settings.option("R035", "threshold", 1), 1)
        self.r036 = on("R036")
        self.r038 = on("R038")
        self.r048 = on("R048")
        self.r048_digits = settings.option("R048", "digits", 2)
        self.excluded = settings.excluded_procurement_method_details
        self.npc = settings.no_price_comparison_procurement_methods
        self.pc = settings.price_comparison_procurement_methods
        self.needs_bids = self.ratio or self.r025 or self.r028 or self.r030 or self.r035 or self.r036 or self.r038

    def run(self, releases: Iterable[Any], acc: Accumulator | None = None) -> Accumulator:
        acc = acc if acc is not None else Accumulator()
        fold = self.fold
        for release in releases:
            fold(acc, release)
        return acc

    def fold(self, acc: Accumulator, release: Any) -> None:  # noqa: C901 - one pass over the release
        if type(release) is not dict:
            return
        ocid = release.get("ocid")
        if type(ocid) is not str:
            return
        tender = release.get("tender")
        if type(tender) is not dict:
            tender = _EMPTY
        if tender.get("status") == "cancelled":
            return
        details_ = tender.get("procurementMethodDetails")
        if type(details_) is not str:
            details_ = None
        elif details_ in self.excluded:
            return
        acc.processes += 1
        if details_ is None:
            price_comparison = not self.pc
        elif self.pc:
            price_comparison = details_ in self.pc
        else:
            price_comparison = details_ not in self.npc

        results: dict[str, float] | None = None

        # R003 short submission period
        if self.r003:
            period = tender.get("tenderPeriod")
            methods = self.r003_methods
            method = tender.get("procurementMethod")
            if type(period) is dict and (not methods or (type(method) is str and method in methods)):
                start, end = period.get("startDate"), period.get("endDate")
                if type(start) is str and type(end) is str:
                    start_at, end_at = parse_rfc3339(start), parse_rfc3339(end)
                    if start_at is not None and end_at is not None:
                        threshold = self.r003_details.get(details_, self.r003_threshold) if details_ is not None \
                            else self.r003_threshold
                        if whole_days(start_at, end_at) < threshold:
                            results = {"R003": 1.0}

        # R018 single bid
        if self.r018:
            method = tender.get("procurementMethod")
            number = tender.get("numberOfTenderers")
            if ((not self.r018_methods or (type(method) is str and method in self.r018_methods))
                    and type(number) is int and number == 1):
                results = results or {}
                results["R018"] = 1.0

        awards = release.get("awards")
        if type(awards) is not list:
            awards = None
        details = None
        if self.needs_bids:
            bids = release.get("bids")
            if type(bids) is dict:
                details = bids.get("details")
                if type(details) is not list:
                    details = None

        # Awards in a final state: None if one is pending or in another non-final status.
        complete = None
        if details is not None and awards is not None:
            complete = []
            for award in awards:
                status = award.get("status") if type(award) is dict else None
                if type(status) is str:
                    if status == "active":
                        complete.append(award)
                    elif status != "cancelled" and status != "unsuccessful":
                        complete = None
                        break

        # The sole supplier of the sole active award (R024, R025, R058).
        supplier_id = None
        if complete is not None and len(complete) == 1:
            suppliers = complete[0].get("suppliers")
            if type(suppliers) is list and len(suppliers) == 1 and type(suppliers[0]) is dict:
                sid = suppliers[0].get("id")
                if type(sid) is str:
                    supplier_id = sid

        if details is not None:
            self._bids(acc, release, ocid, tender, details, awards, complete, supplier_id, price_comparison)

        # R048 heterogeneous supplier
        if self.r048 and awards is not None:
            seen = set()
            digits = self.r048_digits
            for award in awards:
                if type(award) is not dict or award.get("status") != "active":
                    continue
                items = award.get("items")
                suppliers = award.get("suppliers")
                if type(items) is not list or type(suppliers) is not list or len(suppliers) != 1 \
                        or type(suppliers[0]) is not dict:
                    continue
                sid = suppliers[0].get("id")
                if type(sid) is not str:
                    continue
                for item in items:
                    classification = item.get("classification") if type(item) is dict else None
                    cid = classification.get("id") if type(classification) is dict else None
                    if type(cid) is str:
                        entry = acc.r048.get(sid)
                        if entry is None:
                            entry = acc.r048[sid] = [0, set()]
                        if sid not in seen:
                            seen.add(sid)
                            entry[0] += 1
                        entry[1].add(cid[:digits])

        if results:
            acc.ocid.setdefault(ocid, {}).update(results)

    def _bids(self, acc: Accumulator, release: dict[str, Any], ocid: str, tender: dict[str, Any],
              details: list[Any], awards: list[Any] | None, complete: list[Any] | None, supplier_id: str | None,
              price_comparison: bool) -> None:  # noqa: C901 - one pass over the bids for every indicator
        """The indicators that read the bids, in one pass over them (each indicator's conditions as Cardinal's)."""
        ratio_on = self.ratio and price_comparison and supplier_id is not None
        r025_on = self.r025 and supplier_id is not None
        r028_on = self.r028 and price_comparison
        r035_on = self.r035 and complete is not None
        r036_on = self.r036 and price_comparison and awards is not None and any(
            type(a) is dict and a.get("status") == "active" for a in awards)
        r038_on = self.r038
        winners30 = None
        end = None
        if self.r030 and awards is not None:
            period = tender.get("tenderPeriod")
            end = period.get("endDate") if type(period) is dict else None
            if type(end) is str:
                winners30 = set()
                for award in awards:
                    if type(award) is dict and award.get("status") == "active":
                        suppliers = award.get("suppliers")
                        if type(suppliers) is list:
                            winners30.update(s.get("id") for s in suppliers
                                             if type(s) is dict and type(s.get("id")) is str)
        if not (ratio_on or r025_on or r028_on or r035_on or r036_on or r038_on or winners30):
            return

        # R024/R058: currency → [lowest amount of the winner, lowest amount of another, that other's id]
        ratios: dict[str, list[Any]] = {}
        first_ratio_currency = None
        # R036: currency → [lowest submitted amount, it is disqualified, a valid bid has an amount]
        lowest: dict[str, list[Any]] = {}
        first_r036_currency = None
        valid25: set[str] = set()
        valid35: set[str] = set()
        disqualified35: set[str] = set()
        prices: dict[tuple[float, str], set[str]] = {}
        submitted_count = disqualified_count = 0
        r038_tenderer = acc.r038_tenderer
        tenderer_results = acc.tenderer
        flags: dict[str, float] = {}

        for bid in details:
            if type(bid) is not dict:
                continue
            status = bid.get("status")
            if type(status) is not str:
                continue
            tenderers = bid.get("tenderers")
            single = None
            if type(tenderers) is not list:
                ids = None
            elif len(tenderers) == 1:
                first = tenderers[0]
                tid = first.get("id") if type(first) is dict else None
                if type(tid) is str:
                    ids = (tid,)
                    single = tid
                else:
                    ids = ()
            else:
                ids = tuple(t["id"] for t in tenderers if type(t) is dict and type(t.get("id")) is str)
            value = bid.get("value")
            amount = cur = None
            if type(value) is dict:
                amount = value.get("amount")
                cur = value.get("currency")
                kind = type(amount)
                if (kind is not int and kind is not float) or type(cur) is not str:
                    amount = cur = None
                elif kind is int:
                    try:
                        amount = float(amount)  # serde_json's as_f64
                    except OverflowError:
                        amount = float("inf") if amount > 0 else float("-inf")
            valid = status == "valid"
            submitted = status != "invited" and status != "withdrawn"

            if submitted:
                if r038_on:
                    submitted_count += 1
                    increment = 1 if status == "disqualified" else 0
                    disqualified_count += increment
                    for tid in ids or ():
                        pair = r038_tenderer.get(tid)
                        if pair is None:
                            r038_tenderer[tid] = [increment, 1]
                        else:
                            pair[0] += increment
                            pair[1] += 1
                if amount is not None:
                    if r036_on:
                        if first_r036_currency is None:
                            first_r036_currency = cur
                        slot = lowest.get(cur)
                        if slot is None:
                            lowest[cur] = [amount, status == "disqualified", valid]
                        else:
                            if amount < slot[0]:
                                slot[0] = amount
                                slot[1] = status == "disqualified"
                            if valid:
                                slot[2] = True
                    if r028_on and ids:
                        price = (float(amount), cur)
                        other = prices.get(price)
                        mine = set(ids)
                        if other is not None and mine != other:
                            flags["R028"] = 1.0
                            for tid in mine | other:
                                tenderer_results.setdefault(tid, {})["R028"] = 1.0
                        prices[price] = mine

            if valid:
                if single is not None:
                    if ratio_on and amount is not None:
                        if first_ratio_currency is None:
                            first_ratio_currency = cur
                        slot = ratios.get(cur)
                        if slot is None:
                            slot = ratios[cur] = [None, None, None]
                        if single == supplier_id:
                            if slot[0] is None or amount < slot[0]:
                                slot[0] = amount
                        elif slot[1] is None or amount < slot[1]:
                            slot[1] = amount
                            slot[2] = single
                    if r025_on:
                        valid25.add(single)
                if ids:
                    if r035_on:
                        valid35.update(ids)
                    if winners30:
                        date = bid.get("date")
                        if type(date) is str and date > end:
                            for tid in ids:
                                if tid in winners30:
                                    flags["R030"] = 1.0
                                    tenderer_results.setdefault(tid, {})["R030"] = 1.0
            elif status == "disqualified" and r035_on and ids:
                disqualified35.update(ids)

        # Cardinal observes R024/R058's bids of a release before R036's.
        if acc.first_currency is None:
            acc.first_currency = first_ratio_currency or first_r036_currency

        for cur, (won, other, other_id) in ratios.items():
            if won is not None and other is not None and other >= won:
                if won:
                    ratio = (other - won) / won
                elif other - won:
                    ratio = float("inf")
                else:
                    continue  # 0/0: no ratio
                acc.ratios.append((ocid, cur, float(ratio), supplier_id, other_id))

        for cur, (_amount, disqualified, has_valid) in lowest.items():
            if disqualified and has_valid:
                acc.r036.append((ocid, cur))

        if r025_on:
            r025 = acc.r025
            for tid in valid25:
                pair = r025.get(tid)
                if pair is None:
                    r025[tid] = [1 if tid == supplier_id else 0, 1]
                else:
                    pair[0] += tid == supplier_id
                    pair[1] += 1

        if r035_on:
            winners = set()
            for award in complete:
                suppliers = award.get("suppliers")
                if type(suppliers) is list:
                    winners.update(s.get("id") for s in suppliers if type(s) is dict and type(s.get("id")) is str)
            if len(valid35) == 1 and valid35 == winners:
                difference = len(disqualified35 - valid35)
                if difference >= self.r035_threshold:
                    flags["R035"] = float(difference)
                    for tid in valid35:
                        tenderer_results.setdefault(tid, {})["R035"] = 0.0

        if r038_on and submitted_count:
            buyer = release.get("buyer")
            buyer_id = buyer.get("id") if type(buyer) is dict else None
            if type(buyer_id) is str:
                pair = acc.r038_buyer.setdefault(buyer_id, [0, 0])
                pair[0] += disqualified_count
                pair[1] += submitted_count
            entity = tender.get("procuringEntity")
            entity_id = entity.get("id") if type(entity) is dict else None
            if type(entity_id) is str:
                pair = acc.r038_pe.setdefault(entity_id, [0, 0])
                pair[0] += disqualified_count
                pair[1] += submitted_count

        if flags:
            acc.ocid.setdefault(ocid, {}).update(flags)


def run(releases: Iterable[Any], settings: Settings) -> dict[str, dict[str, dict[str, float]]]:
    """The indicators of ``settings`` over compiled releases (dicts), in Cardinal's output shape."""
    return Extractor(settings).run(releases).finalize(settings)
