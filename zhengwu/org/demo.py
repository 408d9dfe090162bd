"""Demo data of the organization: the district of DOMAIN.md §1 and §13."""

from __future__ import annotations

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.org import services
from zhengwu.org.models import RegionKind, ServiceNodeKind
from zhengwu.org.roles import Role

DEMO_PASSWORD = "Zhengwu-Demo-2023"
DISTRICT = ("330702", "婺城区")
TOWNSHIPS = [
    ("城东街道", RegionKind.SUBDISTRICT), ("城中街道", RegionKind.SUBDISTRICT), ("城西街道", RegionKind.SUBDISTRICT),
    ("城北街道", RegionKind.SUBDISTRICT), ("江南街道", RegionKind.SUBDISTRICT), ("三江街道", RegionKind.SUBDISTRICT),
    ("西关街道", RegionKind.SUBDISTRICT), ("秋滨街道", RegionKind.SUBDISTRICT), ("新狮街道", RegionKind.SUBDISTRICT),
    ("罗店镇", RegionKind.TOWNSHIP), ("雅畈镇", RegionKind.TOWNSHIP), ("安地镇", RegionKind.TOWNSHIP),
    ("白龙桥镇", RegionKind.TOWNSHIP), ("琅琊镇", RegionKind.TOWNSHIP), ("蒋堂镇", RegionKind.TOWNSHIP),
    ("汤溪镇", RegionKind.TOWNSHIP), ("罗埠镇", RegionKind.TOWNSHIP), ("洋埠镇", RegionKind.TOWNSHIP),
]
VILLAGES_TOTAL = 275
VILLAGE_WORDS = "东西南北上下前后新老大小高低长平安和兴隆丰泰福寿康乐明光华清溪山塘桥湖岭坑源头口坞畈岙"
DEPARTMENTS = [
    ("FGJ", "区发展和改革局", "发改局"), ("JXJ", "区经济和信息化局", "经信局"), ("JYJ", "区教育局", "教育局"),
    ("GAJ", "市公安局婺城分局", "公安分局"), ("MZJ", "区民政局", "民政局"), ("SFJ", "区司法局", "司法局"),
    ("CZJ", "区财政局", "财政局"), ("RSJ", "区人力资源和社会保障局", "人社局"),
    ("ZGJ", "市自然资源和规划局婺城分局", "资规分局"), ("HBJ", "市生态环境局婺城分局", "生态环境分局"),
    ("JSJ", "区住房和城乡建设局", "住建局"), ("JTJ", "区交通运输局", "交通局"), ("SWJ", "区水务局", "水务局"),
    ("NYJ", "区农业农村局", "农业农村局"), ("SWU", "区商务局", "商务局"), ("WGL", "区文化和广电旅游体育局", "文广旅体局"),
    ("WJJ", "区卫生健康局", "卫健局"), ("TJJ", "区退役军人事务局", "退役军人局"), ("YJJ", "区应急管理局", "应急管理局"),
    ("SJJ", "区审计局", "审计局"), ("SCJ", "市场监督管理局婺城分局", "市场监管分局"), ("YBJ", "区医疗保障局", "医保局"),
    ("ZFJ", "区综合行政执法局", "综合执法局"), ("TJU", "区统计局", "统计局"), ("RFB", "区人民防空办公室", "人防办"),
    ("XFJ", "区消防救援大队", "消防大队"), ("SWJU", "国家税务总局婺城区税务局", "税务局"),
    ("BDC", "区不动产登记中心", "不动产中心"), ("GDJ", "国网婺城供电公司", "供电公司"), ("GSJ", "婺城供水公司", "供水公司"),
]


@demo_step("org.district", order=10)
def make_district(ctx: DemoContext) -> None:
    rng = ctx.rng_for("org")
    district = services.region_create(actor="demo", code=DISTRICT[0], name=DISTRICT[1], kind=RegionKind.DISTRICT)
    townships, villages = [], []
    # 275 villages spread over 18 townships, the rural ones larger.
    weights = [8 if kind == RegionKind.SUBDISTRICT else 22 for _, kind in TOWNSHIPS]
    counts = [max(5, round(VILLAGES_TOTAL * w / sum(weights))) for w in weights]
    counts[-1] += VILLAGES_TOTAL - sum(counts)
    used: set[str] = set()
    for t, ((name, kind), n_villages) in enumerate(zip(TOWNSHIPS, counts), start=1):
        township = services.region_create(actor="demo", code=f"{DISTRICT[0]}{t:03d}", name=name, kind=kind,
                                          parent=district, sort=t)
        townships.append(township)
        for v in range(1, n_villages + 1):
            while True:
                vname = rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_WORDS)
                if vname not in used:
                    used.add(vname)
                    break
            vkind = RegionKind.COMMUNITY if kind == RegionKind.SUBDISTRICT else RegionKind.VILLAGE
            suffix = "社区" if vkind == RegionKind.COMMUNITY else "村"
            villages.append(services.region_create(actor="demo", code=f"{township.code}{v:03d}",
                                                   name=vname + suffix, kind=vkind, parent=township, sort=v))
    departments = []
    for i, (code, name, short) in enumerate(DEPARTMENTS, start=1):
        dept = services.department_create(actor="demo", code=code, name=name, short_name=short, sort=i)
        services.window_create(actor="demo", department=dept, number=f"{i:02d}", name=f"{short}综合窗口",
                               zone="一楼大厅" if i <= 15 else "二楼投资项目服务区")
        departments.append(dept)
    center = services.service_node_create(actor="demo", kind=ServiceNodeKind.CENTER, name="婺城区企业综合服务中心",
                                          region=district, address="区行政服务中心一楼")
    subs = [services.service_node_create(actor="demo", kind=ServiceNodeKind.SUB_CENTER, name=f"企业服务{n}分中心",
                                         region=townships[i], parent=center)
            for i, n in ((12, "白龙桥"), (15, "汤溪"))]
    for i, township in enumerate(townships[9:], start=1):
        services.service_node_create(actor="demo", kind=ServiceNodeKind.STATION, name=f"{township.name}企业服务驿站",
                                     region=township, parent=subs[i % 2])
    enterprises = [
        services.enterprise_register(actor="demo", credit_code=make_credit_code(rng), name=f"金华{word}有限公司",
                                     legal_representative=rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("伟芳娜敏静丽强磊军洋"),
                                     region=rng.choice(townships))
        for word in ("婺江建设", "双龙科技", "八咏物流", "古子城文旅", "金兰食品", "汤溪米业", "白龙桥机械", "雅畈汽配")
    ]
    ctx.made.update(district=district, townships=townships, villages=villages, departments=departments,
                    service_center=center, enterprises=enterprises)


def _login(ctx: DemoContext, *, username: str, role: str, note: str, **placement) -> None:
    services.user_create(actor="demo", username=username, password=DEMO_PASSWORD, role=role,
                         display_name=note.split(" ")[0], **placement)
    ctx.logins.append((str(Role(role).label), username, DEMO_PASSWORD, note))


@demo_step("org.staff", order=11)
def make_staff(ctx: DemoContext) -> None:
    rng = ctx.rng_for("org.staff")
    d = ctx.made
    dept_by_code = {dept.code: dept for dept in d["departments"]}
    _login(ctx, username="admin", role=Role.CENTER_ADMIN, note="中心管理员")
    _login(ctx, username="specialist", role=Role.INDICATOR_SPECIALIST, note="指标专员")
    _login(ctx, username="leader", role=Role.LEADER, note="中心领导")
    for code in ("SCJ", "RSJ", "JSJ"):
        dept = dept_by_code[code]
        _login(ctx, username=f"clerk_{code.lower()}", role=Role.WINDOW_CLERK, note=f"{dept.short_name}窗口人员",
               department=dept, window=dept.windows.first())
        _login(ctx, username=f"head_{code.lower()}", role=Role.DEPARTMENT_LEADER, note=f"{dept.short_name}负责人",
               department=dept)
    township = d["townships"][12]
    village = next(v for v in d["villages"] if v.parent_id == township.pk)
    _login(ctx, username="township", role=Role.TOWNSHIP_STAFF, note=f"{township.name}工作人员", region=township)
    person = services.person_register(actor="demo", name="周丽", id_number=make_id_card(rng=rng),
                                      phone=f"139{rng.randrange(10**8):08d}")
    services.user_create(actor="demo", username="agent", password=DEMO_PASSWORD, role=Role.VILLAGE_AGENT,
                         display_name="周丽", region=village, person=person)
    ctx.logins.append((str(Role(Role.VILLAGE_AGENT).label), "agent", DEMO_PASSWORD, f"{village.name}代办员"))
    _login(ctx, username="enterprise", role=Role.ENTERPRISE_USER, note=f"{d['enterprises'][0].name}",
           enterprise=d["enterprises"][0])
    _login(ctx, username="trading", role=Role.TRADING_STAFF, note="交易中心工作人员")
    _login(ctx, username="expert", role=Role.EXPERT, note="评标专家")
    _login(ctx, username="agency", role=Role.INTERMEDIARY, note=f"{d['enterprises'][1].name}(中介机构)",
           enterprise=d["enterprises"][1])
    _login(ctx, username="supervisor", role=Role.SUPERVISOR, note="招投标监管人员")
    _login(ctx, username="citizen", role=Role.CITIZEN, note="办事群众")
    _login(ctx, username="sysadmin", role=Role.SYSTEM_ADMIN, note="系统管理员")
    _login(ctx, username="secadmin", role=Role.SECURITY_ADMIN, note="安全管理员")
    _login(ctx, username="auditor", role=Role.AUDIT_ADMIN, note="审计管理员")
