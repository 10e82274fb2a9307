"""The demonstration district: 张店区 (Zibo) as its 2014 disclosure report describes it.

Names of the bodies and of the towns and sub-district offices are the district's own (from the
seed report where it names them, otherwise the usual names of such bodies in 2014). Everything
that identifies a person or a number is fictional: leaders' and contacts' names are generated,
phone numbers and the filing numbers are made up, and the organisation codes are invented codes
in the unified social credit code format (with valid check characters). Only the government's
own contact details (address, phone, e-mail) are the ones printed in the seed.

Membership (成员单位): the seed says 74 bodies were confirmed in 2014 but also that public
institutions made up 32.91% of the members at the start of the year, which only works out as
26 of 79. The demonstration follows the shares: 79 members on 2014-01-01 (26 public
institutions), joined in one batch on 2013-12-31; during 2014 eight join (新闻办, 区编办 and six
public institutions) and 区城管指挥中心 leaves. 区城管指挥中心 (the digital city-management
command centre under the city-management bureau) is a public institution, so 86 members remain
at the end of 2014 of which 31 are public institutions: 36.05% (the seed prints 36.7%, which
its own counts do not give).
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from gongkai.agencies.models import Agency, StaffRole

GOVERNMENT = Agency.Kind.GOVERNMENT
GENERAL_OFFICE = Agency.Kind.GENERAL_OFFICE
DEPARTMENT = Agency.Kind.DEPARTMENT
TOWN = Agency.Kind.TOWN
SUBDISTRICT = Agency.Kind.SUBDISTRICT
PUBLIC_INSTITUTION = Agency.Kind.PUBLIC_INSTITUTION


class AgencyRow(NamedTuple):
    slug: str
    name: str
    short_name: str
    kind: str
    area: str  # what the body is responsible for, for its functions text
    parent: str = "zhangdian"  # slug of the supervising body
    address: str = ""  # empty: an office in the district government building


GOVERNMENT_SLUG = "zhangdian"
GENERAL_OFFICE_SLUG = "general-office"
GOVERNMENT_BUILDING = "张店区新村西路226号区政务中心"
GOVERNMENT_POSTCODE = "255020"
GOVERNMENT_PHONE = "0533-2869813"
GOVERNMENT_EMAIL = "zddzzw@zibo.gov.cn"
OFFICE_HOURS = "周一至周五 上午8:30-12:00 下午13:00-17:30（法定节假日除外）"

AGENCIES: list[AgencyRow] = [
    AgencyRow(
        "zhangdian", "张店区人民政府", "区政府", GOVERNMENT, "经济社会发展和行政管理", parent=""
    ),
    AgencyRow("general-office", "张店区人民政府办公室", "区政府办公室", GENERAL_OFFICE, "政务公开"),
    # The 27 departments close to people's livelihood (与民生关系密切的27个政府部门).
    AgencyRow("education", "张店区教育局", "区教育局", DEPARTMENT, "教育"),
    AgencyRow("health", "张店区卫生局", "区卫生局", DEPARTMENT, "医疗卫生"),
    AgencyRow("civil-affairs", "张店区民政局", "区民政局", DEPARTMENT, "民政和社会救助"),
    AgencyRow("hrss", "张店区人力资源和社会保障局", "区人社局", DEPARTMENT, "就业和社会保障"),
    AgencyRow(
        "environment",
        "淄博市环境保护局张店分局",
        "张店环保分局",
        DEPARTMENT,
        "环境保护",
        address="张店区华光路168号",
    ),
    AgencyRow("work-safety", "张店区安全生产监督管理局", "区安监局", DEPARTMENT, "安全生产监督"),
    AgencyRow(
        "food-drug", "张店区食品药品监督管理局", "区食药监局", DEPARTMENT, "食品药品安全监管"
    ),
    AgencyRow("housing", "张店区房产管理局", "区房管局", DEPARTMENT, "房产管理和住房保障"),
    AgencyRow("finance", "张店区财政局", "区财政局", DEPARTMENT, "财政和政府采购"),
    AgencyRow("development-reform", "张店区发展和改革局", "区发改局", DEPARTMENT, "发展改革"),
    AgencyRow(
        "land-resources",
        "淄博市国土资源局张店分局",
        "张店国土资源分局",
        DEPARTMENT,
        "国土资源管理",
        address="张店区共青团西路98号",
    ),
    AgencyRow("broadcasting", "张店区广播电视局", "区广播局", DEPARTMENT, "广播电视"),
    AgencyRow("archives", "张店区档案局", "区档案局", DEPARTMENT, "档案管理和查阅利用"),
    AgencyRow("prices", "张店区物价局", "区物价局", DEPARTMENT, "价格管理和收费公示"),
    AgencyRow("construction", "张店区住房和城乡建设局", "区住建局", DEPARTMENT, "城乡建设"),
    AgencyRow(
        "urban-management", "张店区城市管理行政执法局", "区城管执法局", DEPARTMENT, "城市管理"
    ),
    AgencyRow("transport", "张店区交通运输局", "区交通局", DEPARTMENT, "交通运输"),
    AgencyRow("water", "张店区水利局", "区水利局", DEPARTMENT, "水利"),
    AgencyRow("agriculture", "张店区农业局", "区农业局", DEPARTMENT, "农业和农村土地承包"),
    AgencyRow("forestry", "张店区林业局", "区林业局", DEPARTMENT, "林业和绿化"),
    AgencyRow("culture", "张店区文化局", "区文化局", DEPARTMENT, "文化"),
    AgencyRow("sports", "张店区体育局", "区体育局", DEPARTMENT, "体育"),
    AgencyRow(
        "family-planning", "张店区人口和计划生育局", "区人口计生局", DEPARTMENT, "人口和计划生育"
    ),
    AgencyRow("justice", "张店区司法局", "区司法局", DEPARTMENT, "司法行政和法律援助"),
    AgencyRow(
        "police",
        "淄博市公安局张店分局",
        "张店公安分局",
        DEPARTMENT,
        "公安和户籍管理",
        address="张店区人民西路56号",
    ),
    AgencyRow(
        "industry-commerce",
        "淄博市工商行政管理局张店分局",
        "张店工商分局",
        DEPARTMENT,
        "工商行政管理",
        address="张店区西五路120号",
    ),
    AgencyRow("audit", "张店区审计局", "区审计局", DEPARTMENT, "审计监督"),
    # Other departments.
    AgencyRow("statistics", "张店区统计局", "区统计局", DEPARTMENT, "统计"),
    AgencyRow(
        "legal-affairs", "张店区人民政府法制办公室", "区法制办", DEPARTMENT, "政府法制和合法性审查"
    ),
    AgencyRow("economy-it", "张店区经济和信息化局", "区经信局", DEPARTMENT, "工业经济和信息化"),
    AgencyRow("commerce", "张店区商务局", "区商务局", DEPARTMENT, "商务"),
    AgencyRow("science", "张店区科学技术局", "区科技局", DEPARTMENT, "科技"),
    AgencyRow(
        "local-tax",
        "淄博市张店区地方税务局",
        "张店地税局",
        DEPARTMENT,
        "地方税收征管",
        address="张店区柳泉路77号",
    ),
    AgencyRow(
        "state-tax",
        "淄博市张店区国家税务局",
        "张店国税局",
        DEPARTMENT,
        "国家税收征管",
        address="张店区金晶大道205号",
    ),
    AgencyRow("petitions", "张店区信访局", "区信访局", DEPARTMENT, "信访"),
    AgencyRow("ethnic-religious", "张店区民族宗教事务局", "区民宗局", DEPARTMENT, "民族宗教事务"),
    AgencyRow("civil-defence", "张店区人民防空办公室", "区人防办", DEPARTMENT, "人民防空"),
    AgencyRow("tourism", "张店区旅游局", "区旅游局", DEPARTMENT, "旅游"),
    AgencyRow("foreign-affairs", "张店区外事侨务办公室", "区外侨办", DEPARTMENT, "外事侨务"),
    # Departments that joined the disclosure system in 2014.
    AgencyRow("news-office", "张店区人民政府新闻办公室", "新闻办", DEPARTMENT, "政府新闻发布"),
    AgencyRow(
        "staffing-office", "张店区机构编制委员会办公室", "区编办", DEPARTMENT, "机构编制管理"
    ),
    # The 12 towns and sub-district offices (12个镇办).
    AgencyRow(
        "mashang",
        "张店区马尚镇人民政府",
        "马尚镇",
        TOWN,
        "本镇",
        address="张店区马尚镇人民东路18号",
    ),
    AgencyRow(
        "nanding",
        "张店区南定镇人民政府",
        "南定镇",
        TOWN,
        "本镇",
        address="张店区南定镇驻地中心路6号",
    ),
    AgencyRow(
        "fengshui",
        "张店区沣水镇人民政府",
        "沣水镇",
        TOWN,
        "本镇",
        address="张店区沣水镇驻地沣水路9号",
    ),
    AgencyRow(
        "zhongbu",
        "张店区中埠镇人民政府",
        "中埠镇",
        TOWN,
        "本镇",
        address="张店区中埠镇驻地中埠路12号",
    ),
    AgencyRow(
        "fangzhen",
        "张店区房镇镇人民政府",
        "房镇镇",
        TOWN,
        "本镇",
        address="张店区房镇镇驻地房镇路3号",
    ),
    AgencyRow(
        "fujia",
        "张店区傅家镇人民政府",
        "傅家镇",
        TOWN,
        "本镇",
        address="张店区傅家镇驻地傅山路21号",
    ),
    AgencyRow(
        "chezhan",
        "张店区车站街道办事处",
        "车站街道",
        SUBDISTRICT,
        "本街道",
        address="张店区华光路东首车站街道办事处",
    ),
    AgencyRow(
        "gongyuan",
        "张店区公园街道办事处",
        "公园街道",
        SUBDISTRICT,
        "本街道",
        address="张店区人民西路公园街道办事处",
    ),
    AgencyRow(
        "heping",
        "张店区和平街道办事处",
        "和平街道",
        SUBDISTRICT,
        "本街道",
        address="张店区和平路和平街道办事处",
    ),
    AgencyRow(
        "keyuan",
        "张店区科苑街道办事处",
        "科苑街道",
        SUBDISTRICT,
        "本街道",
        address="张店区柳泉路科苑街道办事处",
    ),
    AgencyRow(
        "sibaoshan",
        "张店区四宝山街道办事处",
        "四宝山街道",
        SUBDISTRICT,
        "本街道",
        address="张店区四宝山街道办事处",
    ),
    AgencyRow(
        "tiyuchang",
        "张店区体育场街道办事处",
        "体育场街道",
        SUBDISTRICT,
        "本街道",
        address="张店区共青团路体育场街道办事处",
    ),
    # Public institutions (事业单位) that were members at the start of 2014.
    AgencyRow(
        "city-command",
        "张店区城市管理指挥中心",
        "区城管指挥中心",
        PUBLIC_INSTITUTION,
        "数字化城市管理",
        parent="urban-management",
    ),
    AgencyRow(
        "government-services",
        "张店区政务服务中心",
        "区政务服务中心",
        PUBLIC_INSTITUTION,
        "政务服务",
    ),
    AgencyRow(
        "tcm-hospital",
        "张店区中医院",
        "区中医院",
        PUBLIC_INSTITUTION,
        "中医医疗服务",
        parent="health",
        address="张店区中心路36号",
    ),
    AgencyRow(
        "second-hospital",
        "张店区第二人民医院",
        "区第二人民医院",
        PUBLIC_INSTITUTION,
        "医疗服务",
        parent="health",
        address="张店区沣水镇驻地医院路2号",
    ),
    AgencyRow(
        "cdc",
        "张店区疾病预防控制中心",
        "区疾控中心",
        PUBLIC_INSTITUTION,
        "疾病预防控制",
        parent="health",
        address="张店区共青团西路63号",
    ),
    AgencyRow(
        "health-inspection",
        "张店区卫生局卫生监督所",
        "区卫生监督所",
        PUBLIC_INSTITUTION,
        "卫生监督",
        parent="health",
        address="张店区共青团西路65号",
    ),
    AgencyRow(
        "maternal-child",
        "张店区妇幼保健院",
        "区妇幼保健院",
        PUBLIC_INSTITUTION,
        "妇幼保健",
        parent="health",
        address="张店区华光路52号",
    ),
    AgencyRow(
        "rural-assets",
        "张店区农村三资委托代理服务中心",
        "区三资中心",
        PUBLIC_INSTITUTION,
        "农村集体三资委托代理和土地流转服务",
        parent="agriculture",
    ),
    AgencyRow(
        "social-insurance",
        "张店区社会保险事业处",
        "区社保处",
        PUBLIC_INSTITUTION,
        "社会保险经办",
        parent="hrss",
    ),
    AgencyRow(
        "employment",
        "张店区公共就业和人才服务中心",
        "区就业中心",
        PUBLIC_INSTITUTION,
        "公共就业和人才服务",
        parent="hrss",
    ),
    AgencyRow(
        "medical-insurance",
        "张店区医疗保险事业处",
        "区医保处",
        PUBLIC_INSTITUTION,
        "医疗保险经办",
        parent="hrss",
    ),
    AgencyRow(
        "sanitation",
        "张店区环境卫生管理处",
        "区环卫处",
        PUBLIC_INSTITUTION,
        "环境卫生",
        parent="urban-management",
    ),
    AgencyRow(
        "landscaping",
        "张店区园林绿化管理处",
        "区园林处",
        PUBLIC_INSTITUTION,
        "园林绿化",
        parent="urban-management",
    ),
    AgencyRow(
        "municipal-works",
        "张店区市政工程管理处",
        "区市政处",
        PUBLIC_INSTITUTION,
        "市政设施",
        parent="construction",
    ),
    AgencyRow(
        "library",
        "张店区图书馆",
        "区图书馆",
        PUBLIC_INSTITUTION,
        "公共图书馆服务",
        parent="culture",
        address="张店区人民西路128号",
    ),
    AgencyRow(
        "cultural-centre",
        "张店区文化馆",
        "区文化馆",
        PUBLIC_INSTITUTION,
        "群众文化服务",
        parent="culture",
        address="张店区人民西路130号",
    ),
    AgencyRow(
        "ageing",
        "张店区老龄工作委员会办公室",
        "区老龄办",
        PUBLIC_INSTITUTION,
        "老龄工作",
        parent="civil-affairs",
    ),
    AgencyRow(
        "relief-station",
        "张店区救助管理站",
        "区救助站",
        PUBLIC_INSTITUTION,
        "生活无着人员救助",
        parent="civil-affairs",
        address="张店区北西六路88号",
    ),
    AgencyRow(
        "agri-tech",
        "张店区农业技术推广站",
        "区农技站",
        PUBLIC_INSTITUTION,
        "农业技术推广",
        parent="agriculture",
    ),
    AgencyRow(
        "animal-health",
        "张店区动物卫生监督所",
        "区动监所",
        PUBLIC_INSTITUTION,
        "动物防疫和卫生监督",
        parent="agriculture",
    ),
    AgencyRow(
        "development-zone",
        "张店经济开发区管理委员会",
        "张店经济开发区管委会",
        PUBLIC_INSTITUTION,
        "经济开发区建设和服务",
        address="张店区中润大道158号",
    ),
    AgencyRow("finance-office", "张店区金融工作办公室", "区金融办", PUBLIC_INSTITUTION, "金融服务"),
    AgencyRow("investment-1", "张店区招商一局", "区招商一局", PUBLIC_INSTITUTION, "招商引资"),
    AgencyRow("investment-2", "张店区招商二局", "区招商二局", PUBLIC_INSTITUTION, "招商引资"),
    AgencyRow("investment-3", "张店区招商三局", "区招商三局", PUBLIC_INSTITUTION, "招商引资"),
    AgencyRow(
        "supply-coop",
        "张店区供销合作社联合社",
        "区供销社",
        PUBLIC_INSTITUTION,
        "供销合作",
        address="张店区西四路45号",
    ),
    # Public institutions that joined the disclosure system in 2014 (seed, part 十).
    AgencyRow(
        "industry-transfer", "张店区产业转移办公室", "区产业转移办", PUBLIC_INSTITUTION, "产业转移"
    ),
    AgencyRow(
        "new-district-demolition",
        "张店新区拆迁办公室",
        "新区拆迁办",
        PUBLIC_INSTITUTION,
        "新区房屋征收和拆迁",
    ),
    AgencyRow(
        "eastern-chemical",
        "张店东部化工区管理委员会",
        "东部化工区管委会",
        PUBLIC_INSTITUTION,
        "东部化工区建设和安全管理",
        address="张店区四宝山街道化工区管委会",
    ),
    AgencyRow("investment-4", "张店区招商四局", "区招商四局", PUBLIC_INSTITUTION, "招商引资"),
    AgencyRow(
        "southern-development",
        "张店区南部开发建设办公室",
        "南部开发办",
        PUBLIC_INSTITUTION,
        "南部区域开发建设",
    ),
    AgencyRow(
        "project-agent",
        "张店区政府投资项目代建中心",
        "代建中心",
        PUBLIC_INSTITUTION,
        "政府投资项目代建",
    ),
]

# The 27 departments the district named as close to people's livelihood (seed, part 二).
LIVELIHOOD_DEPARTMENTS: tuple[str, ...] = (
    "education",
    "health",
    "civil-affairs",
    "hrss",
    "environment",
    "work-safety",
    "food-drug",
    "housing",
    "finance",
    "development-reform",
    "land-resources",
    "broadcasting",
    "archives",
    "prices",
    "construction",
    "urban-management",
    "transport",
    "water",
    "agriculture",
    "forestry",
    "culture",
    "sports",
    "family-planning",
    "justice",
    "police",
    "industry-commerce",
    "audit",
)

INITIAL_MEMBERSHIP_DATE = datetime.date(2013, 12, 31)
INITIAL_MEMBERSHIP_REASON = "重新明确区级政府信息公开主体单位"


class MembershipRow(NamedTuple):
    slug: str
    change: str  # MembershipChange.Change value
    date: datetime.date
    reason: str


NEWS_COLUMN = "调整政府信息公开栏目，增设“政府新闻发布”栏目"
POWER_LIST = "推进行政审批制度改革和行政权力清单公开"
INSTITUTIONS = "推进所属事业单位信息公开，纳入政府信息公开成员单位"

# The changes of 2014 (seed, parts 五 and 十): eight bodies join, one leaves.
MEMBERSHIP_2014: list[MembershipRow] = [
    MembershipRow("news-office", "joined", datetime.date(2014, 3, 10), NEWS_COLUMN),
    MembershipRow("staffing-office", "joined", datetime.date(2014, 3, 10), POWER_LIST),
    MembershipRow("industry-transfer", "joined", datetime.date(2014, 7, 1), INSTITUTIONS),
    MembershipRow("new-district-demolition", "joined", datetime.date(2014, 7, 1), INSTITUTIONS),
    MembershipRow("eastern-chemical", "joined", datetime.date(2014, 7, 1), INSTITUTIONS),
    MembershipRow(
        "city-command",
        "left",
        datetime.date(2014, 7, 1),
        "调整政府信息公开栏目，不再作为成员单位单独设置栏目",
    ),
    MembershipRow("investment-4", "joined", datetime.date(2014, 9, 1), INSTITUTIONS),
    MembershipRow("southern-development", "joined", datetime.date(2014, 9, 1), INSTITUTIONS),
    MembershipRow("project-agent", "joined", datetime.date(2014, 9, 1), INSTITUTIONS),
]

# Leaders' titles by the ending of the body's name, first match wins.
LEADER_TITLES: list[tuple[str, str]] = [
    ("镇人民政府", "副镇长"),
    ("区人民政府", "副区长"),
    ("街道办事处", "副主任"),
    ("医院", "副院长"),
    ("保健院", "副院长"),
    ("所", "副所长"),
    ("站", "副站长"),
    ("处", "副处长"),
    ("馆", "副馆长"),
    ("局", "副局长"),
]
DEFAULT_LEADER_TITLE = "副主任"

# Syllables for generated, fictional names of leaders and contact persons.
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
GIVEN_NAME_CHARACTERS = "文华明国建平志秀玉英立军红伟东晓海丽春新生永德昌兴宏庆桂云福成光荣金俊静"

# One documented password for every demonstration sign-in (12+ characters, 3 classes).
DEMO_PASSWORD = "Gongkai-demo-2026"  # noqa: S105 — published on purpose, demo mode only


class StaffRow(NamedTuple):
    username: str
    full_name: str
    roles: tuple[tuple[str, str], ...]  # (agency slug, StaffRole.Role value)
    superuser: bool = False


Role = StaffRole.Role

DEMO_STAFF: list[StaffRow] = [
    StaffRow(
        "admin", "系统管理员（演示）", (("general-office", Role.ADMINISTRATOR),), superuser=True
    ),
    StaffRow(
        "office",
        "公开办工作人员（演示）",
        (
            ("general-office", Role.OFFICE),
            # The office answers the applications to the government and to 马尚镇 itself.
            ("general-office", Role.HANDLER),
            ("mashang", Role.HANDLER),
            # … and compiles the government's annual report, which it publishes in the
            # government's name (区人民政府) through the catalogue.
            ("zhangdian", Role.EDITOR),
        ),
    ),
    StaffRow(
        "gov-reviewer",
        "区政府办公室审核人（演示）",
        # The confidentiality review of what the government and its office publish.
        (("zhangdian", Role.REVIEWER), ("general-office", Role.REVIEWER)),
    ),
    StaffRow("edu-editor", "教育局信息员（演示）", (("education", Role.EDITOR),)),
    StaffRow(
        "edu-reviewer",
        "教育局审核人（演示）",
        # Also the bureau's head: its replies need the head's approval in the demonstration.
        (("education", Role.REVIEWER), ("education", Role.HEAD)),
    ),
    StaffRow("edu-handler", "教育局承办人（演示）", (("education", Role.HANDLER),)),
    StaffRow("health-editor", "卫生局信息员（演示）", (("health", Role.EDITOR),)),
    StaffRow("health-reviewer", "卫生局审核人（演示）", (("health", Role.REVIEWER),)),
    StaffRow("health-handler", "卫生局承办人（演示）", (("health", Role.HANDLER),)),
    # Letters (来信) about street vending, illegal building and night-time noise go to the
    # city-management bureau: its handler drafts the replies and its reviewer approves them.
    StaffRow("urban-handler", "城管执法局承办人（演示）", (("urban-management", Role.HANDLER),)),
    StaffRow("urban-reviewer", "城管执法局审核人（演示）", (("urban-management", Role.REVIEWER),)),
    StaffRow(
        "legal",
        "法制办审核人（演示）",
        # The legal office reviews every agency's replies (seed, part 一 2).
        tuple(
            (slug, Role.LEGAL_REVIEWER)
            for slug in (
                "legal-affairs",
                "general-office",
                "education",
                "health",
                "civil-affairs",
                "hrss",
                "mashang",
            )
        ),
    ),
    StaffRow(
        "multi",
        "民政人社信息员（演示）",
        (
            ("civil-affairs", Role.EDITOR),
            ("hrss", Role.EDITOR),
            ("civil-affairs", Role.HANDLER),
            ("hrss", Role.HANDLER),
        ),
    ),
]

SITE_IDENTITY = {
    "site_name": "张店区人民政府门户网站",
    "sponsor": "张店区人民政府办公室",
    "organiser": "张店区人民政府办公室电子政务办公室",
    "website_code": "3703030001",
    "icp_number": "鲁ICP备00000000号-1",  # fictional
    "public_security_number": "鲁公网安备 37030302000000号",  # fictional
    "address": GOVERNMENT_BUILDING,
    "postcode": GOVERNMENT_POSTCODE,
    "phone": GOVERNMENT_PHONE,
    "email": GOVERNMENT_EMAIL,
}
