"""The eleven indicators' names (Chinese and English) and definitions in Chinese, for flags and pages."""

from __future__ import annotations

#: code → (中文名称, English name, 定义)
INDICATORS: dict[str, tuple[str, str, str]] = {
    "R003": ("投标期限过短", "Short submission period",
             "投标截止时间与招标文件发出时间之间的整天数低于阈值(默认 15 天;可按采购方式明细分别设定,"
             "可限定采购方式)。"),
    "R018": ("单一投标", "Single bid received",
             "公开或邀请招标中只有一家投标(tender.numberOfTenderers 为 1)。"),
    "R024": ("报价接近中标价", "Price close to winning bid",
             "次低有效报价与中标报价之差占中标报价的比例不高于全部项目该比例的下界(Q1 − 1.5 × 四分位距,"
             "或固定阈值);中标人与次低报价人均被标记。"),
    "R025": ("投标多次不中", "Excessive unsuccessful bids",
             "投标人有效投标的项目数不低于第 75 百分位数,而中标次数与有效投标项目数之比不高于全部投标人"
             "该比例的下界(Q1 − 1.5 × 四分位距)。"),
    "R028": ("投标报价相同", "Identical bid prices",
             "不同投标人提交了完全相同的报价(同一币种);报价相同的投标人均被标记。"),
    "R030": ("迟交投标中标", "Late bid won",
             "投标截止后提交的有效投标,其投标人为已生效中标结果的中标人。"),
    "R035": ("除中标人外全部被否决", "All except winning bid disqualified",
             "只有一家投标人的投标有效且为全部中标结果的中标人,其他至少阈值家(默认 1 家)投标人被否决;"
             "指标值为被否决的投标人数。"),
    "R036": ("最低报价被否决", "Lowest bid disqualified",
             "存在已生效的中标结果和有报价的有效投标,而最低报价的投标被否决。"),
    "R038": ("否决比例过高", "Excessive disqualified bids",
             "被否决投标数与递交投标数之比不低于同类主体该比例的上界(Q3 + 1.5 × 四分位距),按招标人、"
             "采购代理和投标人分别计算(递交投标数至少 2 个)。"),
    "R048": ("供应商经营范围异常宽", "Heterogeneous supplier",
             "投标人中标合同中物项分类代码前若干位(默认 2 位)的种类数不低于上界(Q3 + 1.5 × 四分位距),"
             "只在至少若干个(默认 20 个)项目中中标的投标人之间比较。"),
    "R058": ("中标价大幅低于次低价", "Heavily discounted bid",
             "次低有效报价与中标报价之差占中标报价的比例不低于全部项目该比例的上界(Q3 + 1.5 × 四分位距,"
             "或固定阈值);中标人被标记。"),
}

GROUP_LABELS = {"OCID": "交易项目(标段)", "Buyer": "招标人", "ProcuringEntity": "采购代理", "Tenderer": "投标人"}


def name(code: str) -> str:
    return INDICATORS[code][0]


def definition(code: str) -> str:
    return INDICATORS[code][2]
