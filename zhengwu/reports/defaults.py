"""The default sentence templates: the seed's first part (its 2023 summary) with every number a placeholder.

The data migration ``0002_default_templates`` writes these rows once; from then on they are data that the
center administrator edits on the templates screen (``/reports/templates/``). Headings are stored without their numbers: the report numbers the sections
it prints ("(一)", "(二)"…) and the paragraphs within a section ("一是", "二是"…), so leaving out a paragraph
without data never leaves a gap in the numbering.
"""

from __future__ import annotations

H1 = "坚持问题导向,提升政务服务效能"
H2 = "突出好办易办,推动政务服务延伸下沉"
H3 = "聚焦涉企服务,推进政务服务增值化改革"
H4 = "开展专项整治,营造公平高效环境"
H5 = "聚焦降本增效,优化招投标领域营商环境"

#: (area, order, heading, text)
DEFAULT_TEMPLATES: list[tuple[str, int, str, str]] = [
    ("opening", 10, "",
     "{period},{district}行政服务中心以打造“最优政务环境”为目标,深入推进政务服务增值化改革,"
     "不断提升政务服务的速度、力度和温度,促进营商环境和服务效能再提升。"),
    ("opening", 20, "",
     "{period},我区共受理政务服务“一网通办”事项{cases.received},“一网通办”办件率达{cases.online_rate}。"),
    ("opening", 30, "",
     "完成进场交易项目{trading.projects},成交金额{trading.amount}。"),
    ("opening", 40, "",
     "完成限额以上工程建设项目交易{trading.construction_projects},成交金额{trading.construction_amount},"
     "节约资金{trading.savings},节约率达{trading.savings_rate}。"),

    ("services", 110, H1,
     "完善政务服务评价体系建设。明确九项指标数据采集、排名赋分的细则和流程,设置专员实时动态追踪指标数据,"
     "累计提醒超期事项{evaluation.reminders},督促相关部门整改差评{reviews.bad_rectified},"
     "推动我区办件超期办结率从{cases.overdue_completion_rate|previous}降至{cases.overdue_completion_rate},"
     "超期受理率从{cases.overdue_acceptance_rate|previous}下降至{cases.overdue_acceptance_rate},"
     "差评件{reviews.bad|change}。"),
    ("evaluation", 120, H1,
     "提升高质量“一网通办”指标。每周晾晒得分和考评激励,推动相关指标争先进位。"
     "累计晾晒指标得分{evaluation.publications},合计{evaluation.suggestion_departments}部门提出建议"
     "{evaluation.suggestions},其中采纳{evaluation.suggestions_adopted}。"),
    ("retrieval", 130, H1,
     "迭代更新第三方信息调取协同办理应用。扩展部门信息调取内跑等场景,对接省司法厅“律师在线”系统,"
     "{period}共受理信息调取申请{retrieval.requests},按时办结率{retrieval.on_time_rate},"
     "办理用时中位数{retrieval.median_hours}。"),

    ("village", 210, H2,
     "推进“办事不出村”改革。出台村(社)政务服务事项指导目录,推进政务服务体系“区乡村”三级贯通。"
     "梳理下放{village.items_delegated}政务服务高频事项,乡镇(街道)可办个人事项占比{village.township_items_rate},"
     "完成{village.stations_renovated}村(社区)便民服务站的改造提升工作,"
     "在用便民服务站覆盖{village.coverage_rate}的村(社区)。"),
    ("village", 220, H2,
     "加强基层服务队伍建设。强化培训指导,确保每名代办员能用、会用、好用政务服务系统,"
     "村社代办员{village.agents}累计开展业务培训{village.trainings},办理代办业务{village.agent_cases}。"),
    ("village", 230, H2,
     "完善基层服务管理制度。推动建设{village.model_stations}样板村社便民服务站,"
     "组织实施代办员星级评定及排名赋分工作,充分调动工作积极性。"),

    ("enterprise", 310, H3,
     "着手打造企业综合服务中心。整合全区涉企服务资源,涉企服务事项入驻率达{enterprise.items_entered_rate};"
     "企业诉求“一个口子”受理{enterprise.demands},按期办结率{enterprise.demands_on_time_rate}。"),
    ("approvals", 320, H3,
     "推进投资项目审批提速。将建设、消防、人防等审批事项按照“一次申请、一套材料、一个批件”的模式实施“多合一”办理,"
     "低风险小型建筑工程施工许可3个工作日内办结{approvals.low_risk_within_3_days},"
     "平均节约用时{approvals.time_saved_rate},审批平均用时较上年同期缩短{approvals.time_reduction_yoy}。"),
    ("intermediary", 330, H3,
     "积极开展中介专项提质行动。对{intermediary.agencies}入驻网上中介超市的机构进行规范清理,"
     "共清理完成{intermediary.removed}中介机构,引导项目业主在网上中介超市完成成交{intermediary.deals}。"),

    ("supervision", 410, H4,
     "严格落实专项整治和监督检查行动。通过组织自查、集中抽查、“回头看”等方式发现纠治潜在问题,"
     "累计排查已完成和在建工程项目{supervision.projects_inspected},查处招投标领域违规线索{supervision.clues},"
     "整改率达{supervision.rectification_rate}。"),
    ("trading", 420, H4,
     "探索实施“评定分离”改革试点。统一定标要素、定标原则,共完成“评定分离”项目{trading.separation_projects},"
     "成交额{trading.separation_amount},采用“评定分离”的政府投资项目占比{trading.separation_share}。"),
    ("supervision", 430, H4,
     "持续完善制度规则体系。推动依法必招项目省库专家抽取率达{trading.provincial_expert_rate},"
     "开展一标一评,共对评标专家考核扣分{credit.experts_penalized}。"),

    ("finance", 510, H5,
     "切实降低招投标交易成本。全面应用金融服务超市,积极推广使用电子保函,累计服务企业{finance.guarantee_services},"
     "释放投标企业资金压力{finance.guarantee_amount};彻底清理历史沉淀保证金,累计清退{finance.old_deposits_refunded}。"),
    ("trading", 520, H5,
     "全面推行远程异地“不见面”评标。实现远程异地评标全程公开、留痕、可溯,"
     "作为主场开展远程异地评标{trading.remote_main},完成副场评标{trading.remote_sub}。"),
    ("enterprise", 530, H5,
     "持续提升交易平台服务。联合多部门组建项目推进服务团,实行重点项目前置服务,"
     "已前往{projectservice.units}单位,现场服务{projectservice.projects}项目,"
     "累计代办投资项目事项{projectservice.items},减少企业跑腿{projectservice.trips_saved}。"),
]
