"""The taxonomies a new installation starts with; administrators change them afterwards.

Statutory items are REG 20 and REG 21 of the 2019 Regulation (REGULATION.md §3); topics follow
the national topic list of government documents (主题分类); genres are the fifteen official
document types (党政机关公文处理工作条例) plus the common forms of normative documents.
"""

# (code, article, number, scope, name)
STATUTORY_ITEMS = [
    ("reg20-01", 20, 1, "all", "行政法规、规章和规范性文件"),
    ("reg20-02", 20, 2, "all", "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"),
    ("reg20-03", 20, 3, "all", "国民经济和社会发展规划、专项规划、区域规划及相关政策"),
    ("reg20-04", 20, 4, "all", "国民经济和社会发展统计信息"),
    ("reg20-05", 20, 5, "all", "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"),
    (
        "reg20-06",
        20,
        6,
        "all",
        "实施行政处罚、行政强制的依据、条件、程序以及具有一定社会影响的行政处罚决定",
    ),
    ("reg20-07", 20, 7, "all", "财政预算、决算信息"),
    ("reg20-08", 20, 8, "all", "行政事业性收费项目及其依据、标准"),
    ("reg20-09", 20, 9, "all", "政府集中采购项目的目录、标准及实施情况"),
    ("reg20-10", 20, 10, "all", "重大建设项目的批准和实施情况"),
    (
        "reg20-11",
        20,
        11,
        "all",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    ),
    ("reg20-12", 20, 12, "all", "突发公共事件的应急预案、预警信息及应对情况"),
    ("reg20-13", 20, 13, "all", "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"),
    ("reg20-14", 20, 14, "all", "公务员招考的职位、名额、报考条件等事项以及录用结果"),
    ("reg20-15", 20, 15, "all", "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"),
    ("reg21-county-01", 21, 1, "county", "市政建设"),
    ("reg21-county-02", 21, 2, "county", "公共服务"),
    ("reg21-county-03", 21, 3, "county", "公益事业"),
    ("reg21-county-04", 21, 4, "county", "土地征收"),
    ("reg21-county-05", 21, 5, "county", "房屋征收"),
    ("reg21-county-06", 21, 6, "county", "治安管理"),
    ("reg21-county-07", 21, 7, "county", "社会救助"),
    ("reg21-town-01", 21, 1, "town", "贯彻落实农业农村政策"),
    ("reg21-town-02", 21, 2, "town", "农田水利工程建设运营"),
    ("reg21-town-03", 21, 3, "town", "农村土地承包经营权流转"),
    ("reg21-town-04", 21, 4, "town", "宅基地使用情况审核"),
    ("reg21-town-05", 21, 5, "town", "土地征收"),
    ("reg21-town-06", 21, 6, "town", "房屋征收"),
    ("reg21-town-07", 21, 7, "town", "筹资筹劳"),
    ("reg21-town-08", 21, 8, "town", "社会救助"),
]

# (code, name, [(code, name), ...])
TOPICS = [
    (
        "zhzw",
        "综合政务",
        [
            ("zhzw-yjgl", "应急管理"),
            ("zhzw-dzzw", "电子政务"),
            ("zhzw-zwgk", "政务公开"),
            ("zhzw-xzjd", "行政监察"),
            ("zhzw-qt", "其他"),
        ],
    ),
    (
        "gmjj",
        "国民经济管理、国有资产监管",
        [
            ("gmjj-fzgh", "发展规划"),
            ("gmjj-tj", "统计"),
            ("gmjj-gyzc", "国有资产监管"),
            ("gmjj-qt", "其他"),
        ],
    ),
    (
        "czjr",
        "财政、金融、审计",
        [("czjr-cz", "财政"), ("czjr-jr", "金融"), ("czjr-sj", "审计"), ("czjr-qt", "其他")],
    ),
    (
        "gtzy",
        "国土资源、能源",
        [("gtzy-td", "土地"), ("gtzy-kc", "矿产"), ("gtzy-ny", "能源"), ("gtzy-qt", "其他")],
    ),
    (
        "nylsl",
        "农业、林业、水利",
        [
            ("nylsl-ny", "农业、畜牧业、渔业"),
            ("nylsl-ly", "林业"),
            ("nylsl-sl", "水利"),
            ("nylsl-qt", "其他"),
        ],
    ),
    ("gyjt", "工业、交通", [("gyjt-gy", "工业"), ("gyjt-jt", "交通"), ("gyjt-qt", "其他")]),
    ("smhg", "商贸、海关、旅游", [("smhg-sm", "商贸"), ("smhg-ly", "旅游"), ("smhg-qt", "其他")]),
    (
        "scjg",
        "市场监管、安全生产监管",
        [
            ("scjg-scjg", "市场监管"),
            ("scjg-aqsc", "安全生产监管"),
            ("scjg-spyp", "食品药品监管"),
            ("scjg-qt", "其他"),
        ],
    ),
    (
        "cxjs",
        "城乡建设、环境保护",
        [
            ("cxjs-cxgh", "城乡规划"),
            ("cxjs-zfbz", "住房保障"),
            ("cxjs-cszl", "城市管理"),
            ("cxjs-hjjc", "环境保护"),
            ("cxjs-qt", "其他"),
        ],
    ),
    ("kjjy", "科技、教育", [("kjjy-kj", "科技"), ("kjjy-jy", "教育"), ("kjjy-qt", "其他")]),
    (
        "whgd",
        "文化、广电、新闻出版",
        [
            ("whgd-wh", "文化"),
            ("whgd-gd", "广播影视"),
            ("whgd-xwcb", "新闻出版"),
            ("whgd-qt", "其他"),
        ],
    ),
    ("wsty", "卫生、体育", [("wsty-ws", "卫生"), ("wsty-ty", "体育"), ("wsty-qt", "其他")]),
    (
        "rkjs",
        "人口与计划生育、妇女儿童工作",
        [("rkjs-rk", "人口与计划生育"), ("rkjs-fnet", "妇女儿童"), ("rkjs-qt", "其他")],
    ),
    (
        "ldrs",
        "劳动、人事、监察",
        [
            ("ldrs-ldjy", "劳动就业"),
            ("ldrs-shbx", "社会保险"),
            ("ldrs-rsgl", "人事工作"),
            ("ldrs-qt", "其他"),
        ],
    ),
    ("gaaq", "公安、安全、司法", [("gaaq-ga", "公安"), ("gaaq-sf", "司法"), ("gaaq-qt", "其他")]),
    (
        "mzfp",
        "民政、扶贫、救灾",
        [
            ("mzfp-mz", "民政"),
            ("mzfp-fp", "扶贫"),
            ("mzfp-jz", "救灾"),
            ("mzfp-shjz", "社会救助"),
            ("mzfp-qt", "其他"),
        ],
    ),
    ("mzzj", "民族、宗教", []),
    ("dwsw", "对外事务", []),
    ("gatq", "港澳台侨工作", []),
    ("gf", "国防", []),
    ("qt", "其他", []),
]

# (code, name)
GENRES = [
    ("jueyi", "决议"),
    ("jueding", "决定"),
    ("mingling", "命令（令）"),
    ("gongbao", "公报"),
    ("gonggao", "公告"),
    ("tonggao", "通告"),
    ("yijian", "意见"),
    ("tongzhi", "通知"),
    ("tongbao", "通报"),
    ("baogao", "报告"),
    ("qingshi", "请示"),
    ("pifu", "批复"),
    ("yian", "议案"),
    ("han", "函"),
    ("jiyao", "纪要"),
    ("banfa", "办法"),
    ("guiding", "规定"),
    ("fangan", "方案"),
    ("guihua", "规划"),
    ("xize", "细则"),
    ("jiedu", "解读"),
    ("qita", "其他"),
]

# (slug, name, kind, parent slug or None, on home page)
COLUMNS = [
    ("zwdt", "政务动态", "news", None, True),
    ("gzdt", "工作动态", "news", "zwdt", True),
    ("tzgg", "通知公告", "notices", None, True),
    ("zwgg", "政务公告", "notices", "tzgg", False),
    ("zcwj", "政策文件", "policy", None, True),
    ("zcjd", "政策解读", "interpretation", None, True),
    ("xwfb", "政府新闻发布", "press", None, False),
    ("zdly", "重点领域", "key_area", None, True),
    ("zdly-xzql", "行政权力运行", "key_area", "zdly", False),
    ("zdly-czzj", "财政资金", "key_area", "zdly", False),
    ("zdly-zfcg", "政府采购", "key_area", "zdly", False),
    ("zdly-bzxzf", "保障性住房", "key_area", "zdly", False),
    ("zdly-tdzs", "征地信息", "key_area", "zdly", False),
    ("zdly-gcjs", "工程建设项目", "key_area", "zdly", False),
    ("zdly-jy", "教育", "key_area", "zdly", False),
    ("zdly-ylws", "医疗卫生", "key_area", "zdly", False),
    ("zdly-jiuye", "就业", "key_area", "zdly", False),
    ("zdly-shbz", "社会保障", "key_area", "zdly", False),
    ("zdly-hjbh", "环境保护", "key_area", "zdly", False),
    ("zdly-aqsc", "安全生产", "key_area", "zdly", False),
    ("zdly-spyp", "食品药品安全", "key_area", "zdly", False),
    ("gkgzqk", "政府信息公开工作情况公示", "work_status", None, False),
]

# Secrecy markings that block approval (保密审查). Administrators add more.
SECRECY_MARKINGS = [
    "绝密",
    "机密",
    "秘密★",
    "★",
    "内部资料",
    "内部文件",
    "注意保密",
    "内部使用",
    "不得外传",
    "涉密",
]
