"""The default rule list of the fair competition review (公平竞争审查), loaded once; administrators extend it.

The patterns are frozen here (a later change to the defaults is a new migration). ``C`` is any character
inside one clause (not a clause's closing mark), so a pattern never reaches across two sentences.
"""

from decimal import Decimal

from django.db import migrations

C = r"[^。;\uff1b\n]"
LOCAL = r"(?:本地|本市|本区|本县|本省|本镇|当地|区内|市内|县内|省内|辖区内|项目所在地)"
AMOUNT = r"\s*(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>亿元|万元|亿|万|元)"
AT_LEAST = r"(?:不低于|不少于|不得低于|不得少于|达到|至少|在|≥|>=)"

FAIR = "《公平竞争审查条例》"
BIDDING = "《招标投标法实施条例》第三十二条"

RULES = [
    # --- region / local registration (地域限制) --------------------------------------------------------------
    dict(code="FCR-REG-01", category="region", matcher="regex",
         pattern=LOCAL + C + r"{0,6}(?:注册|登记)(?:的)?(?:企业|公司|单位|法人|供应商|投标人)?",
         unless_pattern=r"不限|无需|不需|不得要求|不作要求|不要求",
         message="限定投标人须在本地注册,排斥、限制外地经营者参加本地招标投标",
         legal_basis=f"{FAIR}第十条;{BIDDING}第(二)、(七)项", severity="high"),
    dict(code="FCR-REG-02", category="region", matcher="regex",
         pattern=r"(?:须|必须|应当?|要求)" + C + r"{0,10}(?:在|于)" + LOCAL + C
         + r"{0,6}(?:设立|设有|成立|注册)" + C + r"{0,6}(?:分支机构|分公司|办事处|常驻机构|子公司|服务机构)",
         unless_pattern=r"不作为|不要求|无需",
         message="要求外地经营者在本地设立分支机构,强制外地经营者在本地投资经营",
         legal_basis=f"{FAIR}第十条;{BIDDING}第(七)项", severity="high"),
    dict(code="FCR-REG-03", category="region", matcher="regex",
         pattern=r"优先" + C + r"{0,6}" + LOCAL + C + r"{0,6}(?:企业|供应商|经营者|单位|投标人|产品)",
         unless_pattern="",
         message="给予本地经营者优先待遇,对外地经营者实行歧视性待遇",
         legal_basis=f"{FAIR}第十条;{BIDDING}第(四)项", severity="high"),
    dict(code="FCR-REG-04", category="region", matcher="regex",
         pattern=r"(?:须|必须|应)" + C + r"{0,12}" + LOCAL + C + r"{0,4}(?:缴纳社保|缴纳社会保险|缴纳税款|纳税|缴税)",
         unless_pattern="",
         message="要求在本地缴纳社保或纳税,变相限制外地经营者",
         legal_basis=f"{FAIR}第十条;{BIDDING}第(七)项", severity="medium"),
    # --- ownership (所有制) -------------------------------------------------------------------------------------
    dict(code="FCR-OWN-01", category="ownership", matcher="regex",
         pattern=r"(?:限|仅限|须为|必须为|只接受|要求为|应为|限定为)" + C
         + r"{0,6}(?:国有企业|国有独资|国有控股|国企|央企|中央企业|事业单位|集体企业)",
         unless_pattern=r"不限|平等",
         message="限定投标人的所有制形式(如须为国有企业),排斥其他所有制经营者",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(六)项", severity="high"),
    dict(code="FCR-OWN-02", category="ownership", matcher="regex",
         pattern=r"(?:不接受|拒绝|排除|不允许|不得为)" + C + r"{0,6}(?:民营|私营|外资|外商投资|个体|合伙)",
         unless_pattern="",
         message="排斥民营、外资等经营者参加投标",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(六)项", severity="high"),
    # --- named brands (指定品牌) -------------------------------------------------------------------------------
    dict(code="FCR-BRD-01", category="brand", matcher="regex",
         pattern=r"指定品牌|指定" + C + r"{0,6}(?:使用|采用|选用)" + C + r"{0,10}品牌|(?:须|必须|只能|仅限|应)(?:采用|使用|选用|提供)"
         + C + r"{0,12}(?:品牌|牌)(?:的|产品|设备)?",
         unless_pattern=r"所投|品牌、型号|品牌及型号|品牌和型号|或相当于|或同等|或等同|或相当|同等档次|相当档次|同档次|或性能相当|不低于该品牌|仅供参考|参考品牌",
         message="限定或者指定特定品牌,未注明“或相当于”",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(五)项", severity="high"),
    dict(code="FCR-BRD-02", category="brand", matcher="regex",
         pattern=r"(?:指定|限定)" + C + r"{0,6}(?:供应商|生产厂家|制造商|厂商|原产地|专利|商标)",
         unless_pattern=r"不得指定|不得限定",
         message="限定或者指定特定的供应商、专利、商标或原产地",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(五)项", severity="high"),
    # --- excessive qualifications (资质/业绩/人员) -------------------------------------------------------------
    dict(code="FCR-QUA-01", category="qualification", matcher="regex",
         pattern=r"具(?:有|备)" + C + r"{0,20}特级资质",
         unless_pattern="",
         message="资质等级要求(特级)明显高于项目实际需要",
         legal_basis=f"{BIDDING}第(二)项", severity="medium"),
    dict(code="FCR-QUA-02", category="qualification", matcher="number_above", threshold=Decimal("3"),
         pattern=r"(?:类似|同类)" + C + r"{0,12}业绩" + C + r"{0,6}" + AT_LEAST + r"\s*(?P<value>\d+)\s*(?:个|项|份)",
         unless_pattern="",
         message="类似业绩数量要求过高,与项目实际需要不相适应",
         legal_basis=f"{BIDDING}第(二)项", severity="medium"),
    dict(code="FCR-QUA-03", category="qualification", matcher="number_above", threshold=Decimal("5"),
         pattern=r"(?:注册建造师|建造师|高级工程师|高级职称|中级职称|注册造价工程师|注册监理工程师)" + C + r"{0,6}"
         + AT_LEAST + r"\s*(?P<value>\d+)\s*(?:名|人|个)",
         unless_pattern="",
         message="人员数量要求过高,与项目实际需要不相适应",
         legal_basis=f"{BIDDING}第(二)项", severity="medium"),
    dict(code="FCR-QUA-04", category="qualification", matcher="regex",
         pattern=r"(?:须|必须|应)" + C + r"{0,15}(?:鲁班奖|詹天佑奖|国家优质工程奖|优质工程奖|文明工地|标准化工地)",
         unless_pattern="",
         message="以特定奖项作为投标资格条件",
         legal_basis=f"{BIDDING}第(二)、(三)项", severity="medium"),
    # --- turnover and capital (营业收入/注册资本) ---------------------------------------------------------------
    dict(code="FCR-FIN-01", category="finance", matcher="amount_above_estimate", threshold=Decimal("1"),
         pattern=r"注册资本(?:金)?" + C + r"{0,6}" + AT_LEAST + AMOUNT,
         unless_pattern="",
         message="注册资本要求超过标段估算价,以经营者规模设置不合理门槛",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(二)项", severity="high"),
    dict(code="FCR-FIN-02", category="finance", matcher="amount_above_estimate", threshold=Decimal("2"),
         pattern=r"(?:营业收入|营业额|销售收入|主营业务收入)" + C + r"{0,8}" + AT_LEAST + AMOUNT,
         unless_pattern="",
         message="营业收入要求过高(超过标段估算价的 2 倍),以经营者规模设置不合理门槛",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(二)项", severity="high"),
    dict(code="FCR-FIN-03", category="finance", matcher="amount_above_estimate", threshold=Decimal("1"),
         pattern=r"(?:净资产|资产总额|总资产)" + C + r"{0,6}" + AT_LEAST + AMOUNT,
         unless_pattern="",
         message="资产规模要求超过标段估算价,以经营者规模设置不合理门槛",
         legal_basis=f"{FAIR}第九条;{BIDDING}第(二)项", severity="medium"),
    # --- scoring (评分因素) ----------------------------------------------------------------------------------
    dict(code="FCR-SCO-01", category="scoring", matcher="regex",
         pattern=LOCAL + C + r"{0,12}(?:业绩|奖项|获奖|荣誉)" + C + r"{0,12}(?:加分|加\s*\d|得\s*\d|计\s*\d)",
         unless_pattern="",
         message="以特定行政区域的业绩、奖项作为加分条件",
         legal_basis=f"{BIDDING}第(三)项", severity="high"),
    dict(code="FCR-SCO-02", category="scoring", matcher="number_below", threshold=Decimal("50"),
         contract_kinds=["works"],
         pattern=r"(?:价格分|报价分|投标报价得分|投标报价|价格因素|价格部分)" + C + r"{0,6}(?:权重|占|比重|分值|满分)"
         + C + r"{0,4}?(?P<value>\d+(?:\.\d+)?)\s*(?:%|\uff05|分)",
         unless_pattern="",
         message="施工招标的价格分权重过低(低于 50%),评分因素设置不合理",
         legal_basis="《评标委员会和评标方法暂行规定》第三十条;" + BIDDING + "第(七)项", severity="medium"),
    dict(code="FCR-SCO-03", category="scoring", matcher="regex",
         pattern=r"(?:注册资本|营业收入|资产总额|企业规模|员工人数)" + C + r"{0,15}(?:加\s*\d|得\s*\d|每" + C + r"{0,10}加)",
         unless_pattern="",
         message="以经营者的规模条件作为评分因素",
         legal_basis=f"{FAIR}第九条;《政府采购货物和服务招标投标管理办法》第十七条", severity="medium"),
    # --- other (其他) ---------------------------------------------------------------------------------------
    dict(code="FCR-OTH-01", category="other", matcher="regex",
         pattern=r"(?:保函|保证金)" + C + r"{0,10}(?:须|必须|只能|仅限)" + C
         + r"{0,4}(?:由|在|通过)" + C + r"{0,12}(?:银行|担保公司|保险公司)" + C + r"{0,4}(?:出具|开具|缴纳|办理|开立)",
         unless_pattern=r"任一|任意|或其他",
         message="限定投标保证金或保函的出具机构",
         legal_basis=f"{FAIR}第九条;《招标投标法实施条例》第二十六条", severity="medium"),
]


def load(apps, schema_editor):
    Rule = apps.get_model("fairreview", "Rule")
    for row in RULES:
        fields = {"contract_kinds": [], "threshold": None, **row}
        Rule.objects.update_or_create(code=fields.pop("code"), defaults=fields)


def unload(apps, schema_editor):
    apps.get_model("fairreview", "Rule").objects.filter(code__in=[r["code"] for r in RULES],
                                                        findings__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("fairreview", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
