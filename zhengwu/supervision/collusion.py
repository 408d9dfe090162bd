"""The collusion rules (串通投标迹象, 招标投标法实施条例 §34 §40): pure functions over plain rows.

Nothing here touches the database: ``detect_collusion`` loads the rows with ``values()`` and calls these
functions, the tests and the benchmark build the rows themselves. Each rule returns :class:`Finding` objects
carrying the evidence (which bids and bidders, the shared value, the similarity, the prices ...).

Rows (plain dicts; missing keys count as empty):

* a bid: ``id``, ``section_id`` (the TenderSection), ``tender_id``, ``bidder_id`` (org.Enterprise),
  ``opened`` (bool: decrypted at the opening), ``price`` (Decimal or None), the upload facts
  ``machine_code``, ``file_creator_id``, ``pricing_key``, ``upload_ip``, and the facts of the opening
  ``project_manager_certificate``, ``project_manager_name``, ``agent_id_index``, ``agent_name``,
  ``text_signature`` (see :func:`minhash_signature`);
* a deposit: ``section_id``, ``bidder_id``, ``account`` (the payer's account number);
* a relation (org.EnterpriseRelation): ``enterprise_id``, ``role``, ``person_id``, ``related_enterprise_id``;
* an awarded section: ``section_id``, ``winner_id`` and ``bidders`` (the bidders whose bids were opened).

Thresholds come from the Django setting ``ZHENGWU_COLLUSION`` (a dict; keys of :data:`DEFAULTS`), read by
:func:`settings_for`; every rule also takes them as keyword arguments.
"""

from __future__ import annotations

import bisect
import operator
import random
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal
from itertools import combinations
from typing import Any

#: the defaults of ``settings.ZHENGWU_COLLUSION``
DEFAULTS: dict[str, Any] = {
    # CN_SIMILAR_TEXT: the MinHash-estimated Jaccard similarity at or above which two bid texts are alike
    "similarity_threshold": 0.8,
    # the text signature (changing these makes old signatures incomparable: they carry their scheme)
    "minhash_permutations": 64,
    "shingle_size": 5,
    "minhash_seed": 20230401,
    # CN_REGULAR_PRICES: at least this many prices; a next term is "regular" when it is within
    # max(price_abs_tolerance 元, price_rel_tolerance × the step) of the term the progression predicts
    # (arithmetic: last + difference; geometric: last × ratio)
    "price_min_count": 3,
    "price_abs_tolerance": "0.10",
    "price_rel_tolerance": 0.00001,
    # CN_ROTATING_WINNERS: a group of at least rotation_min_group bidders bidding together in at least
    # rotation_min_sections awarded sections, every member winning at least once, no outsider winning
    "rotation_min_group": 3,
    "rotation_min_sections": 4,
    "rotation_max_group": 8,
}

#: tenders whose rows the detector loads and checks together (bounds the memory: signatures are the bulk)
CHUNK_TENDERS = 1000

RULES = ("CN_SAME_MACHINE", "CN_SAME_IP", "CN_SAME_AGENT", "CN_SAME_MANAGER", "CN_SIMILAR_TEXT",
         "CN_REGULAR_PRICES", "CN_SAME_PAYER", "CN_RELATED_BIDDERS", "CN_ROTATING_WINNERS")

#: the upload facts of CN_SAME_MACHINE, with their labels
MACHINE_FIELDS = {"machine_code": "制作机器码", "file_creator_id": "文件创建者标识", "pricing_key": "计价软件加密锁号"}

TITLES = {
    "CN_SAME_MACHINE": "不同投标人的投标文件由同一机器或同一软件加密锁制作",
    "CN_SAME_IP": "不同投标人从同一IP地址上传投标文件",
    "CN_SAME_AGENT": "不同投标人委托同一代理人办理投标事宜",
    "CN_SAME_MANAGER": "不同投标人的投标文件载明的项目负责人为同一人",
    "CN_SIMILAR_TEXT": "不同投标人的投标文件异常一致",
    "CN_REGULAR_PRICES": "不同投标人的投标报价呈规律性差异",
    "CN_SAME_PAYER": "不同投标人的投标保证金从同一账户转出",
    "CN_RELATED_BIDDERS": "存在控股、管理关系或负责人为同一人的单位参加同一标段投标",
    "CN_ROTATING_WINNERS": "固定投标人群体轮流中标",
}


def settings_for(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The thresholds: the defaults, then ``settings.ZHENGWU_COLLUSION``, then ``overrides``."""
    values = dict(DEFAULTS)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        values.update(getattr(settings, "ZHENGWU_COLLUSION", None) or {})
    except ImproperlyConfigured:  # Django not configured: the pure functions still work on the defaults
        pass
    values.update(overrides or {})
    return values


@dataclass
class Finding:
    """One rule's finding. ``section_id`` is the TenderSection, or None for a finding across sections of one
    tender (``tender_id``) or across tenders (rotating winners)."""

    rule: str
    bid_ids: list[int]
    bidder_ids: list[int]
    evidence: dict[str, Any]
    section_id: int | None = None
    tender_id: int | None = None
    value: float | None = None
    key: Any = field(default=None)

    def __post_init__(self) -> None:
        self.bid_ids = sorted(set(self.bid_ids))
        self.bidder_ids = sorted(set(self.bidder_ids))
        if self.key is None:
            self.key = self.bid_ids


# --- helpers ------------------------------------------------------------------------------------------------

def _by(rows: Iterable[Mapping[str, Any]], key: str) -> dict[Any, list[Mapping[str, Any]]]:
    groups: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row.get(key)].append(row)
    return groups


def _shared(rule: str, bids: Iterable[Mapping[str, Any]], *, fields: Mapping[str, str], by_tender: bool = False,
            mask=None) -> list[Finding]:
    """Bids of different bidders sharing a non-empty value of one of ``fields``, per section (or per tender,
    where a finding spanning several sections is reported once for the tender)."""
    scope = "tender_id" if by_tender else "section_id"
    findings = []
    for scope_id, rows in _by(bids, scope).items():
        for name, label in fields.items():
            for value, group in _by((r for r in rows if r.get(name)), name).items():
                bidders = {r["bidder_id"] for r in group}
                if len(bidders) < 2:
                    continue
                sections = {r.get("section_id") for r in group}
                one_section = len(sections) == 1
                shown = mask(value) if mask else value
                findings.append(Finding(
                    rule=rule, bid_ids=[r["id"] for r in group], bidder_ids=list(bidders),
                    section_id=next(iter(sections)) if one_section else None,
                    tender_id=group[0].get("tender_id"), value=float(len(bidders)),
                    key={"field": name, "bids": sorted(r["id"] for r in group)},
                    evidence={"field": name, "field_label": label, "value": shown,
                              "bids": [{"bid": r["id"], "bidder": r["bidder_id"], "section": r.get("section_id"),
                                        **({"name": r.get(f"{name}_label")} if r.get(f"{name}_label") else {})}
                                       for r in sorted(group, key=lambda r: r["id"])],
                              "across_sections": not one_section}))
    return findings


# --- 1, 2: the upload facts (every received bid) ------------------------------------------------------------

def same_machine(bids: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """CN_SAME_MACHINE: bids of different bidders on one section made on one machine (machine code), by one
    file creator, or priced with one pricing-software key (§40 (一))."""
    return _shared("CN_SAME_MACHINE", bids, fields=MACHINE_FIELDS)


def same_ip(bids: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """CN_SAME_IP: bids of different bidders on one section uploaded from one IP address."""
    return _shared("CN_SAME_IP", bids, fields={"upload_ip": "上传IP"})


# --- 3: the people named in the opened bids ---------------------------------------------------------------

def _mask_index(value: str) -> str:
    return f"{value[:8]}…"


def same_agent(bids: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """CN_SAME_AGENT: one authorized agent (by the blind index of the ID number) in opened bids of different
    bidders of one section, or of different sections of one tender (§40 (二))."""
    rows = [dict(r, agent_id_index_label=r.get("agent_name", "")) for r in bids if r.get("opened")]
    return _shared("CN_SAME_AGENT", rows, fields={"agent_id_index": "委托代理人身份证号(盲索引)"}, by_tender=True,
                   mask=_mask_index)


def same_manager(bids: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """CN_SAME_MANAGER: one project manager (registration certificate) in opened bids of different bidders of
    one section, or of different sections of one tender (§40 (二): 项目负责人为同一人)."""
    rows = [dict(r, project_manager_certificate_label=r.get("project_manager_name", ""))
            for r in bids if r.get("opened")]
    return _shared("CN_SAME_MANAGER", rows, fields={"project_manager_certificate": "项目负责人注册证书号"},
                   by_tender=True)


# --- 4: similar texts -------------------------------------------------------------------------------------

_PRIME = (1 << 61) - 1
_SPACE = re.compile(r"\s+")


def _permutations(count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(1, _PRIME), rng.randrange(0, _PRIME)) for _ in range(count)]


def scheme(*, permutations: int, shingle: int, seed: int) -> str:
    return f"minhash-crc32-k{shingle}-p{permutations}-s{seed}"


def minhash_signature(text: str, *, permutations: int | None = None, shingle: int | None = None,
                      seed: int | None = None) -> dict[str, Any] | None:
    """The MinHash signature of ``text`` over its character ``shingle``-grams (whitespace collapsed), or None
    for a text shorter than one shingle. ``{"scheme": ..., "values": [...]}``: two signatures of one scheme
    estimate the Jaccard similarity of the shingle sets by the share of equal values."""
    conf = settings_for()
    permutations = permutations or int(conf["minhash_permutations"])
    shingle = shingle or int(conf["shingle_size"])
    seed = int(conf["minhash_seed"]) if seed is None else seed
    normal = _SPACE.sub(" ", text or "").strip()
    if len(normal) < shingle:
        return None
    hashes = {zlib.crc32(normal[i:i + shingle].encode("utf-8")) for i in range(len(normal) - shingle + 1)}
    values = [min((a * x + b) % _PRIME for x in hashes) for a, b in _permutations(permutations, seed)]
    return {"scheme": scheme(permutations=permutations, shingle=shingle, seed=seed), "values": values}


def similarity(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> float | None:
    """The estimated Jaccard similarity of two signatures, or None if either is missing or the schemes differ."""
    if not a or not b or a.get("scheme") != b.get("scheme"):
        return None
    va, vb = a.get("values") or [], b.get("values") or []
    if not va or len(va) != len(vb):
        return None
    return sum(map(operator.eq, va, vb)) / len(va)


@lru_cache(maxsize=64)
def _bands(n: int, threshold: float) -> int:
    """How many LSH bands to cut a signature of ``n`` values into so that pairs at ``threshold`` almost surely
    share one (probability ≥ 0.999)."""
    for bands in sorted({b for b in range(1, n + 1) if n % b == 0}):
        rows = n // bands
        if 1 - (1 - threshold ** rows) ** bands >= 0.999:
            return bands
    return n


#: sections with at most this many signed bids compare every pair; larger ones go through LSH banding
PAIRWISE_UP_TO = 24


def similar_text(bids: Iterable[Mapping[str, Any]], *, threshold: float | None = None) -> list[Finding]:
    """CN_SIMILAR_TEXT: pairs of opened bids of different bidders on one section whose MinHash-estimated text
    similarity is at least ``threshold`` (§40 (四) 投标文件异常一致). Candidate pairs come from LSH banding
    (pairs sharing a band), so a section of many bids is not compared pair by pair; each candidate is then
    estimated on the whole signature. Pairs linked through a common bid are reported together."""
    threshold = float(settings_for()["similarity_threshold"]) if threshold is None else threshold
    findings = []
    for section_id, rows in _by((r for r in bids if r.get("opened") and r.get("text_signature")),
                                "section_id").items():
        if len({r["bidder_id"] for r in rows}) < 2:
            continue
        pairs: dict[tuple[int, int], float] = {}
        if len(rows) <= PAIRWISE_UP_TO:  # a usual section: every pair costs less than the banding
            values = [r["text_signature"].get("values") or [] for r in rows]
            schemes = [r["text_signature"].get("scheme") for r in rows]
            for i, j in combinations(range(len(rows)), 2):
                if (rows[i]["bidder_id"] != rows[j]["bidder_id"] and schemes[i] == schemes[j] and values[i]
                        and len(values[i]) == len(values[j])):
                    share = sum(map(operator.eq, values[i], values[j])) / len(values[i])
                    if share >= threshold:
                        pairs[(i, j)] = share
        buckets: dict[tuple, list[int]] = defaultdict(list)
        for i, row in enumerate(rows if len(rows) > PAIRWISE_UP_TO else ()):
            values = row["text_signature"].get("values") or []
            if not values:
                continue
            bands = _bands(len(values), threshold)
            width = len(values) // bands
            for band in range(bands):
                buckets[(row["text_signature"].get("scheme"), band,
                         tuple(values[band * width:(band + 1) * width]))].append(i)
        for members in buckets.values():
            for i, j in combinations(members, 2):
                if (i, j) in pairs or rows[i]["bidder_id"] == rows[j]["bidder_id"]:
                    continue
                s = similarity(rows[i]["text_signature"], rows[j]["text_signature"])
                if s is not None and s >= threshold:
                    pairs[(i, j)] = s
        for component in _components(pairs):
            group = [rows[i] for i in sorted(component)]
            linked = {p: s for p, s in pairs.items() if p[0] in component}
            findings.append(Finding(
                rule="CN_SIMILAR_TEXT", bid_ids=[r["id"] for r in group], bidder_ids=[r["bidder_id"] for r in group],
                section_id=section_id, tender_id=group[0].get("tender_id"), value=round(max(linked.values()), 4),
                evidence={"threshold": threshold,
                          "pairs": [{"bids": sorted((rows[i]["id"], rows[j]["id"])),
                                     "bidders": [rows[i]["bidder_id"], rows[j]["bidder_id"]],
                                     "similarity": round(s, 4)} for (i, j), s in sorted(linked.items())]}))
    return findings


def _components(pairs: Iterable[tuple[int, int]]) -> list[set[int]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        parent[find(i)] = find(j)
    groups: dict[int, set[int]] = defaultdict(set)
    for x in list(parent):
        groups[find(x)].add(x)
    return sorted(groups.values(), key=min)


# --- 5: regular prices -------------------------------------------------------------------------------------

def _progressions(prices: list[Decimal], *, abs_tol: Decimal, rel_tol: Decimal,
                  min_count: int) -> list[tuple[str, list[int]]]:
    """Index lists (into the sorted ``prices``) of the longest arithmetic or geometric progressions, or runs of
    identical prices, of at least ``min_count`` terms; one per starting pair, maximal ones only."""
    found: list[tuple[str, list[int]]] = []
    n = len(prices)

    def near(target: Decimal, tol: Decimal, start: int) -> int | None:
        k = bisect.bisect_left(prices, target - tol, lo=start)
        return k if k < n and prices[k] <= target + tol else None

    for i in range(n):
        for j in range(i + 1, n):
            d = prices[j] - prices[i]
            if d == 0:
                kind, chain = "identical", [i, j]
                while chain[-1] + 1 < n and prices[chain[-1] + 1] == prices[i]:
                    chain.append(chain[-1] + 1)
                if len(chain) >= min_count and (i == 0 or prices[i - 1] != prices[i]) and j == i + 1:
                    found.append((kind, chain))
                continue
            # arithmetic: each next term within the tolerance of last + d (the first difference fixes d)
            tol = max(abs_tol, rel_tol * d)
            chain = [i, j]
            while (k := near(prices[chain[-1]] + d, tol, chain[-1] + 1)) is not None:
                chain.append(k)
            if len(chain) >= min_count:
                found.append(("arithmetic", chain))
            if prices[i] > 0:
                ratio = prices[j] / prices[i]
                chain = [i, j]
                while True:
                    last = prices[chain[-1]]
                    target = last * ratio
                    k = near(target, max(abs_tol, rel_tol * (target - last)), chain[-1] + 1)
                    if k is None:
                        break
                    chain.append(k)
                if len(chain) >= min_count:
                    found.append(("geometric", chain))
    # keep the maximal ones (a chain contained in another of the same kind is dropped)
    kept: list[tuple[str, list[int]]] = []
    for kind, chain in sorted(found, key=lambda f: -len(f[1])):
        if not any(k == kind and set(chain) <= set(c) for k, c in kept):
            kept.append((kind, chain))
    return kept


def regular_prices(bids: Iterable[Mapping[str, Any]], *, min_count: int | None = None,
                   abs_tolerance: Any = None, rel_tolerance: Any = None) -> list[Finding]:
    """CN_REGULAR_PRICES: at least ``min_count`` opened bid prices (of as many bidders) of one section forming
    an arithmetic or a geometric progression, or identical (§40 (四) 投标报价呈规律性差异): each next term
    within max(``abs_tolerance`` 元, ``rel_tolerance`` × the step) of the predicted one. One finding per
    section, listing every maximal progression."""
    conf = settings_for()
    min_count = int(conf["price_min_count"] if min_count is None else min_count)
    abs_tol = Decimal(str(conf["price_abs_tolerance"] if abs_tolerance is None else abs_tolerance))
    rel_tol = Decimal(str(conf["price_rel_tolerance"] if rel_tolerance is None else rel_tolerance))
    findings = []
    for section_id, rows in _by((r for r in bids if r.get("opened") and r.get("price") is not None),
                                "section_id").items():
        if len(rows) < min_count:
            continue
        rows = sorted(rows, key=lambda r: (Decimal(str(r["price"])), r["id"]))
        prices = [Decimal(str(r["price"])) for r in rows]
        chains = [(kind, chain) for kind, chain in _progressions(prices, abs_tol=abs_tol, rel_tol=rel_tol,
                                                                 min_count=min_count)
                  if len({rows[k]["bidder_id"] for k in chain}) >= min_count]
        if not chains:
            continue
        members = sorted({k for _, chain in chains for k in chain})
        findings.append(Finding(
            rule="CN_REGULAR_PRICES", bid_ids=[rows[k]["id"] for k in members],
            bidder_ids=[rows[k]["bidder_id"] for k in members], section_id=section_id,
            tender_id=rows[0].get("tender_id"), value=float(max(len(c) for _, c in chains)),
            evidence={"tolerance": {"abs": str(abs_tol), "rel": str(rel_tol)},
                      "progressions": [
                          {"kind": kind, "bids": [rows[k]["id"] for k in chain],
                           "bidders": [rows[k]["bidder_id"] for k in chain],
                           "prices": [str(prices[k]) for k in chain],
                           "differences": [str(prices[b] - prices[a]) for a, b in zip(chain, chain[1:])]}
                          for kind, chain in chains]}))
    return findings


# --- 6: deposits from one account -------------------------------------------------------------------------

def _account(value: Any) -> str:
    return re.sub(r"[\s-]", "", str(value or ""))


def same_payer(deposits: Iterable[Mapping[str, Any]], bids: Iterable[Mapping[str, Any]] = ()) -> list[Finding]:
    """CN_SAME_PAYER: deposits of different bidders of one section paid from one account (§40 (六)).
    ``bids`` (optional) name the bidders' bids in the evidence and the key."""
    bid_of: dict[tuple[Any, Any], list[int]] = defaultdict(list)
    for b in bids:
        bid_of[(b.get("section_id"), b["bidder_id"])].append(b["id"])
    findings = []
    for section_id, rows in _by(deposits, "section_id").items():
        for account, group in _by((dict(r, account=_account(r.get("account"))) for r in rows
                                   if _account(r.get("account"))), "account").items():
            bidders = sorted({r["bidder_id"] for r in group})
            if len(bidders) < 2:
                continue
            bid_ids = sorted(i for bidder in bidders for i in bid_of.get((section_id, bidder), []))
            findings.append(Finding(
                rule="CN_SAME_PAYER", bid_ids=bid_ids, bidder_ids=bidders, section_id=section_id,
                tender_id=group[0].get("tender_id"), value=float(len(bidders)),
                key={"account": account[-4:], "bidders": bidders},
                evidence={"account": f"****{account[-4:]}", "bidders": bidders, "bids": bid_ids}))
    return findings


# --- 7: related bidders -----------------------------------------------------------------------------------

PERSON_ROLES = {"legal_representative": "同一法定代表人", "shareholder": "共同股东", "actual_controller": "同一实际控制人"}
CONTROL_ROLES = ("parent", "shareholder", "actual_controller")


def related_bidders(bids: Iterable[Mapping[str, Any]], relations: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """CN_RELATED_BIDDERS: pairs of bidders on one section with the same legal representative, a common
    shareholder or actual controller (the same person), one controlling the other (``parent``, or an
    enterprise shareholder / controller), or a common controlling enterprise (§34)."""
    people: dict[int, list[tuple[str, int]]] = defaultdict(list)  # bidder → (role, person)
    controllers: dict[int, set[int]] = defaultdict(set)
    for r in relations:
        if r.get("person_id") and r.get("role") in PERSON_ROLES:
            people[r["enterprise_id"]].append((r["role"], r["person_id"]))
        elif r.get("related_enterprise_id") and r.get("role") in CONTROL_ROLES:
            controllers[r["enterprise_id"]].add(r["related_enterprise_id"])
    findings = []
    for section_id, rows in _by(bids, "section_id").items():
        by_bidder = _by(rows, "bidder_id")
        links: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        holders: dict[tuple[str, int], list[int]] = defaultdict(list)  # (role, person) → bidders; parent → bidders
        parents: dict[int, list[int]] = defaultdict(list)
        for bidder in sorted(by_bidder):
            for key in people.get(bidder, ()):
                holders[key].append(bidder)
            for parent in sorted(controllers.get(bidder, ())):
                parents[parent].append(bidder)
                if parent in by_bidder:
                    links[tuple(sorted((bidder, parent)))].append(
                        {"kind": "controls", "label": "控股或管理关系", "controller": parent, "controlled": bidder})
        for (role, person), members in sorted(holders.items()):
            for a, b in combinations(sorted(set(members)), 2):
                links[(a, b)].append({"kind": role, "label": PERSON_ROLES[role], "person": person})
        for parent, members in sorted(parents.items()):
            for a, b in combinations(sorted(set(members)), 2):
                links[(a, b)].append({"kind": "common_controller", "label": "受同一单位控制", "controller": parent})
        for (a, b), found in sorted(links.items()):
            group = by_bidder[a] + by_bidder[b]
            findings.append(Finding(
                rule="CN_RELATED_BIDDERS", bid_ids=[r["id"] for r in group], bidder_ids=[a, b],
                section_id=section_id, tender_id=group[0].get("tender_id"), value=float(len(found)),
                key={"bidders": [a, b]}, evidence={"bidders": [a, b], "links": found}))
    return findings


# --- 8: rotating winners ----------------------------------------------------------------------------------

def rotating_winners(awards: Iterable[Mapping[str, Any]], *, min_group: int | None = None,
                     min_sections: int | None = None, max_group: int | None = None) -> list[Finding]:
    """CN_ROTATING_WINNERS: a group of at least ``min_group`` bidders who all bid in at least ``min_sections``
    awarded sections together, where every one of those sections was won by a member (no outsider) and every
    member won at least once.

    Only bidders who won somewhere can be members. Two members must have bid together in at least
    ``min_sections`` sections and each must have beaten the other at least once: the groups are searched
    among the cliques of that graph (Bron–Kerbosch), then checked on the intersection of their sections."""
    conf = settings_for()
    min_group = int(conf["rotation_min_group"] if min_group is None else min_group)
    min_sections = int(conf["rotation_min_sections"] if min_sections is None else min_sections)
    max_group = int(conf["rotation_max_group"] if max_group is None else max_group)
    awards = [a for a in awards if a.get("winner_id") is not None]
    winners = {a["winner_id"] for a in awards}
    sections_of: dict[int, set[int]] = defaultdict(set)
    winner_of: dict[int, int] = {}
    together: dict[tuple[int, int], int] = defaultdict(int)
    beat: set[tuple[int, int]] = set()
    for a in awards:
        members = sorted(set(a.get("bidders") or ()) & winners | {a["winner_id"]})
        winner_of[a["section_id"]] = a["winner_id"]
        for m in members:
            sections_of[m].add(a["section_id"])
            if m != a["winner_id"]:
                beat.add((a["winner_id"], m))
        for pair in combinations(members, 2):
            together[pair] += 1
    adjacent: dict[int, set[int]] = defaultdict(set)
    for (x, y), count in together.items():
        if count >= min_sections and (x, y) in beat and (y, x) in beat:
            adjacent[x].add(y)
            adjacent[y].add(x)

    def check(group: tuple[int, ...]) -> set[int] | None:
        common = set.intersection(*(sections_of[m] for m in group))
        if len(common) < min_sections:
            return None
        won = {winner_of[s] for s in common}
        return common if won == set(group) else None

    found: list[tuple[tuple[int, ...], set[int]]] = []
    for clique in _cliques(adjacent):
        if len(clique) < min_group:
            continue
        members = sorted(clique)[:max(max_group, min_group)]
        done = False
        for size in range(len(members), min_group - 1, -1):
            for group in combinations(members, size):
                if any(set(group) <= set(g) for g, _ in found):
                    continue
                common = check(group)
                if common is not None:
                    found.append((group, common))
                    done = True
            if done:
                break
    findings = []
    for group, common in found:
        wins: dict[int, int] = defaultdict(int)
        for s in common:
            wins[winner_of[s]] += 1
        findings.append(Finding(
            rule="CN_ROTATING_WINNERS", bid_ids=[], bidder_ids=list(group), value=float(len(common)),
            key={"group": list(group)},
            evidence={"group": list(group), "sections": sorted(common),
                      "wins": {str(m): wins[m] for m in group},
                      "sequence": [{"section": s, "winner": winner_of[s]} for s in sorted(common)]}))
    return findings


def _cliques(adjacent: Mapping[int, set[int]]) -> Iterable[set[int]]:
    """The maximal cliques of an undirected graph (Bron–Kerbosch with a pivot, iterative)."""
    stack = [(set(), set(adjacent), set())]
    while stack:
        r, p, x = stack.pop()
        if not p and not x:
            yield r
            continue
        pivot = max(p | x, key=lambda v: len(adjacent[v] & p))
        for v in list(p - adjacent[pivot]):
            stack.append((r | {v}, p & adjacent[v], x & adjacent[v]))
            p = p - {v}
            x = x | {v}


# --- all of them --------------------------------------------------------------------------------------------

SECTION_RULES = RULES[:-1]  # every rule but rotating winners reads the rows of one tender at a time


def run_section_rules(*, bids: Sequence[Mapping[str, Any]], deposits: Sequence[Mapping[str, Any]] = (),
                      relations: Sequence[Mapping[str, Any]] = (),
                      conf: Mapping[str, Any] | None = None) -> dict[str, list[Finding]]:
    """The rules that look inside one section or one tender (all but rotating winners): they can run over the
    rows of a batch of whole tenders at a time."""
    found = run_all(bids=bids, deposits=deposits, relations=relations, awards=(), conf=conf)
    del found["CN_ROTATING_WINNERS"]
    return found


def run_all(*, bids: Sequence[Mapping[str, Any]], deposits: Sequence[Mapping[str, Any]] = (),
            relations: Sequence[Mapping[str, Any]] = (), awards: Sequence[Mapping[str, Any]] = (),
            conf: Mapping[str, Any] | None = None) -> dict[str, list[Finding]]:
    """Every rule over the rows; findings by rule."""
    conf = settings_for(conf)
    return {
        "CN_SAME_MACHINE": same_machine(bids),
        "CN_SAME_IP": same_ip(bids),
        "CN_SAME_AGENT": same_agent(bids),
        "CN_SAME_MANAGER": same_manager(bids),
        "CN_SIMILAR_TEXT": similar_text(bids, threshold=float(conf["similarity_threshold"])),
        "CN_REGULAR_PRICES": regular_prices(bids, min_count=conf["price_min_count"],
                                            abs_tolerance=conf["price_abs_tolerance"],
                                            rel_tolerance=conf["price_rel_tolerance"]),
        "CN_SAME_PAYER": same_payer(deposits, bids),
        "CN_RELATED_BIDDERS": related_bidders(bids, relations),
        "CN_ROTATING_WINNERS": rotating_winners(awards, min_group=conf["rotation_min_group"],
                                                min_sections=conf["rotation_min_sections"],
                                                max_group=conf["rotation_max_group"]),
    }
