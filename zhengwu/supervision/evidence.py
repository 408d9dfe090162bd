"""The evidence of a flag as readable rows for the flag's page: the JSON a detector stored (bidders, shared
values, prices, similarity ...) turned into label/value pairs and small tables, never raw JSON."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "bidders": _("投标人"), "bids": _("投标"), "shared": _("相同信息"), "shared_values": _("相同信息"),
    "prices": _("报价"), "price": _("报价"), "similarity": _("相似度"), "threshold": _("阈值"),
    "machine_code": _("机器码"), "file_creator_id": _("文件制作人标识"), "pricing_key": _("计价软件加密锁"),
    "upload_ip": _("上传IP"), "agent_name": _("委托代理人"), "project_manager_name": _("项目经理"),
    "project_manager_certificate": _("项目经理证书"), "payer_account": _("付款账户"), "account": _("账户"),
    "name": _("名称"), "enterprise": _("企业"), "credit_code": _("统一社会信用代码"), "amount": _("金额"),
    "winner": _("中标人"), "differences": _("差额"), "ratio": _("比例"), "relation": _("关联关系"),
    "person": _("人员"), "role": _("身份"), "tenders": _("招标"), "limit": _("限额"), "total": _("合计"),
    "contract": _("合同"), "payments": _("支付"), "count": _("数量"), "value": _("指标值"),
    "rule": _("规则"), "reason": _("说明"), "days": _("天数"), "lowest": _("最低价"), "rank": _("排名"),
    "group": _("企业组合"), "sections": _("标段"), "section": _("标段"), "wins": _("中标次数"),
    "sequence": _("中标顺序"), "bidder_names": _("投标人名称"), "bidder": _("投标人"), "step": _("等差"),
    "legal_representative": _("法定代表人"), "shareholder": _("股东"), "ip": _("IP地址"),
}


def label(key: Any) -> str:
    return str(LABELS.get(str(key), key))


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ";".join(f"{label(k)}:{_cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(_cell(v) for v in value)
    return _scalar(value)


def evidence_rows(evidence: Any) -> list[dict[str, Any]]:
    """Each top-level entry as ``{"label", "text"}`` or, for a list of records, ``{"label", "columns", "rows"}``."""
    if not isinstance(evidence, dict):
        return [{"label": str(_("证据")), "text": _cell(evidence)}]
    rows: list[dict[str, Any]] = []
    for key, value in evidence.items():
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            columns: list[str] = []
            for item in value:
                columns += [k for k in item if k not in columns]
            rows.append({"label": label(key), "columns": [label(c) for c in columns],
                         "rows": [[_cell(item.get(c)) for c in columns] for item in value]})
        elif isinstance(value, dict) and value:
            rows.append({"label": label(key), "columns": [str(_("项目")), str(_("值"))],
                         "rows": [[label(k), _cell(v)] for k, v in value.items()]})
        else:
            rows.append({"label": label(key), "text": _cell(value)})
    return rows
