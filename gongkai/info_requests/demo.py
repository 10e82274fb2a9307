"""Demonstration applications (依申请公开): the district's 2014 applications as the seed reports
them, and two hundred of 2024–2026 in every state and with every outcome.

``load(stdout)`` is an entry of ``load_demo``'s loaders, run after the agencies and catalogue
loaders inside the command's transaction. Every application goes through the services on the
dates of its story (each service takes ``on=``, the online form ``now=``), so the events, the
reply clock, the tracking numbers and the audit trail are what real use leaves behind. The
stories of all applications are played together in date order, so that what one service looks
at (an earlier answered application of the same applicant, the applications of a month) is
what existed on that day.

* 2014 (seed, parts 六–八): 15 applications, 5 online and 10 by letter, 14 to the district
  government and its departments and 1 to a town, each answered within the 15 working days of
  the 2007 Regulation; no fee, no reconsideration or litigation. The seed gives no outcomes
  ("有效答复100%" only); the ones here are plausible for the subjects asked about, several of
  them documents the catalogue shows as published in 2014.
* 2024–2026: :data:`RECENT_COUNT` applications from 2024-01-02 to a few days before today, over
  the agencies whose staff the demonstration has, with every outcome, every state, corrections
  (one never answered and closed by the deadline job), consultations, extensions, fee notices
  (paid, waived, lapsed), legal reviews returned and approved, the head's approval where the
  education bureau requires it, overdue applications, one reconsideration and one lawsuit.

Everything personal is invented: names are generated from syllables, identity numbers and
credit codes are random with valid check characters, mobile numbers have 0000 in the middle and
the few e-mail addresses end in ``example.invalid`` (most applicants give none, so that the
demonstration does not fill the console with notices).

Idempotent: when any application exists the loader says so and changes nothing. Reproducible:
every choice comes from ``random.Random(SEED)``; only the last date depends on the day
(``timezone.localdate()``), so the set is the same for every run on the same day.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies import demo_data
from gongkai.agencies import services as agency_services
from gongkai.agencies.models import Agency, StaffRole
from gongkai.core.context import request_memo
from gongkai.core.models import User
from gongkai.core.workdays import add_working_days, covered_years, is_working_day
from gongkai.info_requests import services
from gongkai.info_requests.clocks import policy
from gongkai.info_requests.models import (
    AgencyRequestSettings,
    Consultation,
    FeeNotice,
    InfoRequest,
    Remedy,
)
from gongkai.info_requests.outcomes import Exemption, Outcome
from gongkai.info_requests.rules import RuleSet, rule_set_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20240102
RECENT_START = datetime.date(2024, 1, 2)
RECENT_COUNT = 200  # each costs about 70 ms of service calls (with 2–3 numbered notices)
DAYS_BEFORE_TODAY = 3  # the newest application is at least this many days old
HISTORY_TAIL = 90  # days before the end in which applications may still be open

State = InfoRequest.State
Channel = InfoRequest.Channel
Kind = InfoRequest.ApplicantKind
OrgKind = InfoRequest.OrganisationKind
IdType = InfoRequest.IdType
Form = InfoRequest.Form
Delivery = InfoRequest.Delivery
Role = StaffRole.Role
W = services.Withheld

# --- Staff -----------------------------------------------------------------------------------

# The agencies that handle applications in the demonstration, and the demonstration sign-in
# that acts as their handler when none of the sign-ins holds that role yet. The agencies loader
# gives only the education and health bureaux a handler: the loader grants the others to
# existing sign-ins (the office answers for the government's general office — it drafts the
# replies about the government's own documents — and, lacking town staff, for 马尚镇; the
# civil-affairs and social-security editor handles those two bureaux' applications).
HANDLERS: dict[str, str] = {
    "general-office": "office",
    "education": "edu-handler",
    "health": "health-handler",
    "civil-affairs": "multi",
    "hrss": "multi",
    "mashang": "office",
}
# The district's legal office (法制办) reviews every reply (seed, part 一 2: "由法制部门进行合法性
# 审查"); the role is held per handling agency, so its reviewer holds it at each of them.
LEGAL_REVIEWER = "legal"
# The education bureau's replies need its head's approval (负责人审批), so that the
# demonstration shows that step; its reviewer (审核人) signs as the head.
HEAD_AGENCY = "education"
HEAD = "edu-reviewer"
OFFICE = "office"


@dataclass
class Staff:
    office: User
    handlers: dict[int, User]  # by agency pk
    reviewers: dict[int, User]
    heads: dict[int, User]
    head_approval: set[str]  # slugs of agencies whose replies need the head

    def handler(self, request: InfoRequest) -> User:
        return self.handlers[request.handling_agency_id or 0]


def _holder(agency: Agency, role: str, fallback: str, users: dict[str, User]) -> User:
    """The demonstration sign-in holding ``role`` at ``agency``, granting it to ``fallback``
    when none does."""
    holder = (
        StaffRole.objects.filter(
            agency=agency, role=role, user__username__in=list(users), user__is_active=True
        )
        .order_by("user__username")
        .values_list("user__username", flat=True)
        .first()
    )
    if holder is not None:
        return users[holder]
    user = users[fallback]
    agency_services.grant_role(user, agency=agency, role=role, actor=None, system=True)
    return user


def prepare_staff(agencies: dict[str, Agency]) -> Staff:
    """The demonstration's actors, with the roles the applications need."""
    usernames = [row.username for row in demo_data.DEMO_STAFF]
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    missing = {OFFICE, LEGAL_REVIEWER, HEAD, *HANDLERS.values()} - set(users)
    if missing:
        raise RuntimeError(
            f"the agencies loader must run first: sign-ins {sorted(missing)} are missing"
        )
    # A setting, not a state change: the admin changes it the same way.
    AgencyRequestSettings.objects.get_or_create(
        agency=agencies[HEAD_AGENCY], defaults={"head_approval": True}
    )
    head_approval = set(
        AgencyRequestSettings.objects.filter(head_approval=True).values_list(
            "agency__slug", flat=True
        )
    )
    handlers: dict[int, User] = {}
    reviewers: dict[int, User] = {}
    heads: dict[int, User] = {}
    for slug, fallback in HANDLERS.items():
        agency = agencies[slug]
        handlers[agency.pk] = _holder(agency, Role.HANDLER, fallback, users)
        reviewers[agency.pk] = _holder(agency, Role.LEGAL_REVIEWER, LEGAL_REVIEWER, users)
        if slug in head_approval:
            heads[agency.pk] = _holder(agency, Role.HEAD, HEAD, users)
    return Staff(users[OFFICE], handlers, reviewers, heads, head_approval)


# --- Fictional applicants ------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Division codes of Zibo's districts and a county (淄川, 张店 thrice, 博山, 临淄, 周村, 桓台).
ZIBO_DIVISIONS = ("370302", "370303", "370303", "370303", "370304", "370305", "370306", "370321")
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(division: str, born: datetime.date, sequence: int) -> str:
    """An 18-character resident identity number with its check digit (GB 11643-1999)."""
    body = f"{division}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + ID_CHECK[total % 11]


def credit_code(registrar: str, division: str, organisation: str) -> str:
    """A unified social credit code (GB 32100-2015) with both check characters.

    ``registrar`` is the registration authority and kind (``91`` a company registered by the
    market regulator, ``12`` a public institution, ``52`` a private non-enterprise unit, ``31``
    a law firm, ``54`` a residents' committee); ``organisation`` the 8 characters of the
    organisation code, whose check character (GB 11714-1997) is computed here.
    """
    weighted = sum(
        int(char, 36) * weight for char, weight in zip(organisation, ORG_CODE_WEIGHTS, strict=True)
    )
    check = {10: "X", 11: "0"}.get(11 - weighted % 11, str(11 - weighted % 11))
    head = registrar + division + organisation + check
    total = sum(
        CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(head, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return head + CREDIT_CODE_CHARS[(31 - total % 31) % 31]


ROADS = ("人民西路", "柳泉路", "华光路", "共青团西路", "金晶大道", "西五路", "北京路", "上海路",
         "中心路", "新村西路", "联通路", "昌国路", "世纪路", "南京路")  # fmt: skip
ESTATES = ("和平小区", "兴学街小区", "华侨城", "金城花园", "丽景苑", "盛世花园", "府前小区",
           "东方星城", "杏园小区", "体育场小区")  # fmt: skip
PLACES = ("车站街道", "公园街道", "和平街道", "科苑街道", "四宝山街道", "体育场街道", "马尚镇",
          "南定镇", "沣水镇", "中埠镇", "房镇镇", "傅家镇")  # fmt: skip
VILLAGES = ("东营村", "西营村", "南刘村", "北杨村", "大张村", "小王村", "前河村", "后坡村")
SCHOOLS = ("张店区第三小学", "张店区第七中学", "张店区实验幼儿园", "张店区第九中学",
           "张店区第十二小学")  # fmt: skip
COMPANY_WORDS = ("恒泰", "鲁信", "华润达", "金诚", "瑞丰", "齐盛", "博远", "新源", "德润", "立信")
COMPANY_TRADES = ("化工", "建材", "物业管理", "商贸", "机械制造", "陶瓷", "置业", "医药")
ORGANISATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # kind: (registrar and kind code, names)
    OrgKind.BUSINESS: ("91", ()),  # generated from COMPANY_WORDS and COMPANY_TRADES
    OrgKind.RESEARCH: ("12", ("淄博市城乡规划研究所", "淄博市化工安全技术研究院",
                              "山东理工大学公共政策研究中心")),
    OrgKind.PUBLIC_WELFARE: ("52", ("张店区阳光助残公益服务中心", "张店区绿色家园环保志愿服务中心",
                                    "淄博市益行社会工作服务中心")),
    OrgKind.LEGAL_SERVICES: ("31", ("山东齐鲁明法律师事务所", "山东正衡律师事务所",
                                    "淄博市张店区信和法律服务所")),
    OrgKind.OTHER: ("54", ("张店区和平街道丽景苑社区居民委员会", "张店区金城花园业主委员会")),
}  # fmt: skip


@dataclass
class Applicant:
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    postcode: str
    organisation_kind: str = ""
    credit_code: str = ""
    contact_person: str = ""
    email: str = ""


class People:
    """Invented applicants, drawn from the seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0
        # The first draws cover every kind of organisation and identity document.
        self.organisation_kinds = list(OrgKind.values)
        self.id_types = [IdType.PASSPORT, IdType.HK_MACAO, IdType.TAIWAN,
                         IdType.FOREIGN_PERMANENT, IdType.OTHER]  # fmt: skip

    def _name(self) -> str:
        rng = self.rng
        given = demo_data.GIVEN_NAME_CHARACTERS
        name = rng.choice(demo_data.SURNAMES) + rng.choice(given)
        return name + rng.choice(given) if rng.random() < 0.75 else name

    def _phone(self) -> str:
        rng = self.rng
        return f"1{rng.choice('3578')}{rng.randrange(10)}0000{rng.randrange(10000):04d}"

    def _address(self) -> tuple[str, str]:
        rng = self.rng
        return (
            f"张店区{rng.choice(ROADS)}{rng.randrange(1, 300)}号{rng.choice(ESTATES)}"
            f"{rng.randrange(1, 30)}号楼{rng.randrange(1, 5)}单元{rng.randrange(101, 1802)}室",
            rng.choice(("255000", "255020", "255030", "255040")),
        )

    def _email(self) -> str:
        return f"applicant{self.count:03d}@example.invalid"

    def person(self, *, email: bool = False) -> Applicant:
        rng = self.rng
        self.count += 1
        id_type = IdType.RESIDENT_ID
        if self.id_types and self.count % 7 == 3:
            id_type = self.id_types.pop(0)
        elif rng.random() < 0.03:
            id_type = rng.choice((IdType.PASSPORT, IdType.HK_MACAO, IdType.OTHER))
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 54))
        serial = rng.randrange(10**8)
        number = {
            IdType.RESIDENT_ID: resident_id(rng.choice(ZIBO_DIVISIONS), born, rng.randrange(1000)),
            IdType.PASSPORT: f"E9{serial:08d}"[:9],
            IdType.HK_MACAO: f"H9{serial:08d}"[:9],
            IdType.TAIWAN: f"9{serial:08d}"[:8],
            IdType.FOREIGN_PERMANENT: f"DEU3703{serial:08d}",
            IdType.OTHER: f"退休证 鲁淄0000{serial % 10000:04d}",
        }[id_type]
        address, postcode = self._address()
        return Applicant(
            kind=Kind.PERSON,
            name=self._name(),
            id_type=id_type,
            id_number=number,
            phone=self._phone(),
            address=address,
            postcode=postcode,
            email=self._email() if email else "",
        )

    def organisation(self, kind: str | None = None) -> Applicant:
        rng = self.rng
        self.count += 1
        kind = kind or rng.choice([OrgKind.BUSINESS] * 6 + list(OrgKind.values))
        registrar, names = ORGANISATIONS[kind]
        if kind == OrgKind.BUSINESS:
            name = f"淄博{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"
        else:
            name = rng.choice(names)
        organisation = "MA" + "".join(rng.choice(CREDIT_CODE_CHARS[:29]) for _ in range(6))
        code = credit_code(registrar, "370303", organisation)
        address, postcode = self._address()
        return Applicant(
            kind=Kind.ORGANISATION,
            organisation_kind=kind,
            name=name,
            credit_code=code,
            contact_person=self._name(),
            id_type=IdType.BUSINESS_LICENCE if kind == OrgKind.BUSINESS else IdType.OTHER,
            id_number=code,
            phone=f"0533-28{rng.randrange(100000):05d}",
            address=address,
            postcode=postcode,
        )

    def anyone(self) -> Applicant:
        if self.organisation_kinds and self.count % 5 == 1:
            return self.organisation(self.organisation_kinds.pop(0))
        if self.rng.random() < 0.18:
            return self.organisation()
        return self.person(email=self.rng.random() < 0.02)


def application(
    rng: random.Random,
    who: Applicant,
    description: str,
    *,
    channel: str,
    doc_number: str = "",
    form: str = "",
    delivery: str = "",
) -> services.Application:
    """What ``who`` asks for and how they want it (REG 29)."""
    if not delivery:
        choices = [Delivery.POST, Delivery.COLLECTION, Delivery.POST]
        if channel == Channel.ONLINE:
            choices += [Delivery.ONLINE, Delivery.ONLINE]
        if who.email:
            choices = [Delivery.EMAIL]
        delivery = rng.choice(choices)
    if not form:
        if delivery in (Delivery.ONLINE, Delivery.EMAIL):
            form = Form.ELECTRONIC
        else:
            form = rng.choice((Form.PAPER, Form.PAPER, Form.PAPER, Form.DISC, Form.INSPECTION))
    return services.Application(
        applicant_kind=who.kind,
        name=who.name,
        id_type=who.id_type,
        id_number=who.id_number,
        phone=who.phone,
        description=description,
        form=form,
        delivery=delivery,
        organisation_kind=who.organisation_kind,
        credit_code=who.credit_code,
        contact_person=who.contact_person,
        email=who.email,
        address=who.address,
        postcode=who.postcode,
        doc_number_hint=doc_number,
    )


# --- Subjects and replies -------------------------------------------------------------------

# What people ask each handling agency for ({year}, {place}, {village}, {school}, {company}).
TOPICS: dict[str, tuple[str, ...]] = {
    "general-office": (
        "{year}年张店区政府常务会议研究{place}老旧小区改造事项的会议纪要",
        "{place}片区国有土地上房屋征收决定及补偿方案",
        "{year}年张店区重点建设项目计划及投资额",
        "{place}道路拓宽改造工程的立项批复文件",
        "{year}年张店区政府向区人大报告的民生实事项目完成情况",
        "张店区{year}年政府信息公开工作年度报告所依据的统计数据",
    ),
    "education": (
        "{year}年张店区义务教育学校招生划片范围及依据",
        "{school}校舍改扩建工程的招标文件和中标结果",
        "{year}年张店区普惠性民办幼儿园认定名单及补助标准",
        "{school}{year}年学生课后服务收费及经费使用情况",
        "{year}年张店区中小学教师职称评审推荐名单",
    ),
    "health": (
        "{year}年张店区医疗机构执业登记及校验结果",
        "区中医院{year}年医疗服务项目收费标准",
        "{year}年张店区基本公共卫生服务项目资金分配情况",
        "{place}社区卫生服务站的设置审批文件",
        "{year}年张店区家庭医生签约服务补助标准",
    ),
    "civil-affairs": (
        "{year}年{place}城乡最低生活保障资金发放总额",
        "{year}年张店区临时救助资金使用情况",
        "{place}养老服务中心建设补贴的审批和发放情况",
        "{year}年张店区社会组织年度检查结果",
        "{year}年张店区高龄津贴发放标准及发放人数",
    ),
    "hrss": (
        "{year}年张店区事业单位公开招聘进入考察范围人员名单",
        "{year}年张店区一次性创业补贴发放情况",
        "{year}年张店区灵活就业人员社会保险补贴标准",
        "{company}{year}年劳动保障监察责令改正决定",
        "{year}年张店区公益性岗位开发及补贴发放情况",
    ),
    "mashang": (
        "马尚镇{village}{year}年土地承包经营权流转合同备案情况",
        "马尚镇{village}旧村改造安置补偿方案",
        "马尚镇{year}年财政预算执行情况",
        "马尚镇{village}{year}年集体资产收支明细",
    ),
}

# Subjects of agencies that have no handler in the demonstration (received, not yet assigned).
OTHER_TOPICS: dict[str, tuple[str, ...]] = {
    "housing": (
        "{year}年张店区公共租赁住房配租名单及轮候情况",
        "{place}棚户区改造项目安置房分配方案",
    ),
}


@dataclass(frozen=True)
class Special:
    """An application whose subject decides its outcome."""

    agency: str  # asked (and, unless closed at receipt, handling)
    description: str
    reply: str
    withheld: tuple[services.Withheld, ...] = ()
    referred: str = ""


SPECIAL: dict[str, Special] = {
    Outcome.WITHHELD_SECRET: Special(
        "general-office",
        "张店区{year}年国防动员和人民防空工作部署方案",
        "您申请的信息经保密审查属于国家秘密，依据《中华人民共和国政府信息公开条例》第十四条，"
        "不予公开。",
        (W("国防动员和人民防空工作部署方案全文", Exemption.SECRET, "经定密属于国家秘密"),),
    ),
    Outcome.WITHHELD_PROHIBITED: Special(
        "general-office",
        "{company}在第五次全国经济普查中填报的原始调查表",
        "依据《中华人民共和国统计法》第二十五条，统计调查中获得的能够识别单个统计调查对象的资料"
        "应当保密，依据《条例》第十四条，不予公开。",
        (W("单个调查对象的原始普查资料", Exemption.PROHIBITED, "统计法第二十五条"),),
    ),
    Outcome.WITHHELD_SECURITY: Special(
        "general-office",
        "张店区城区供水水源地及重点目标安全防护部署图",
        "您申请的信息公开后可能危及公共安全，依据《条例》第十四条，不予公开。",
        (W("水源地及重点目标安全防护部署图", Exemption.SECURITY, "公开后可能危及公共安全"),),
    ),
    Outcome.WITHHELD_THIRD_PARTY: Special(
        "education",
        "{company}举办的民办培训学校申请办学许可时提交的财务审计报告",
        "您申请的信息涉及第三方商业秘密，经书面征求第三方意见，第三方不同意公开，依据《条例》"
        "第十五条，不予公开。",
        (W("民办培训学校财务审计报告", Exemption.THIRD_PARTY, "第三方商业秘密，第三方不同意公开"),),
    ),
    Outcome.WITHHELD_INTERNAL: Special(
        "education",
        "区教育局机关{year}年内部考勤及人事管理规定",
        "您申请的信息属于本机关内部人事管理信息，依据《条例》第十六条第一款，可以不予公开。",
        (W("机关内部考勤和人事管理规定", Exemption.INTERNAL, "内部人事管理信息"),),
    ),
    Outcome.WITHHELD_PROCESS: Special(
        "health",
        "区卫生局关于区中医院扩建项目的内部讨论记录和请示报告",
        "您申请的信息属于讨论记录、请示报告等过程性信息，依据《条例》第十六条第二款，可以不予"
        "公开。",
        (W("内部讨论记录和请示报告", Exemption.PROCESS, "过程性信息"),),
    ),
    Outcome.WITHHELD_ENFORCEMENT: Special(
        "health",
        "区卫生局对{place}一家诊所{year}年行政处罚案件的全部案卷材料",
        "您申请的信息属于行政执法案卷信息，依据《条例》第十六条第二款，可以不予公开；行政处罚"
        "决定已在区政府网站公示。",
        (W("行政处罚案件案卷材料", Exemption.ENFORCEMENT, "行政执法案卷"),),
    ),
    Outcome.WITHHELD_QUERY: Special(
        "hrss",
        "本人{year}年以来的社会保险个人缴费记录",
        "您申请的信息属于社会保险个人权益记录，可持身份证件到区社保经办机构或通过“爱山东”"
        "查询，依据《条例》第三十六条第（七）项告知您按相关规定办理。",
        (W("社会保险个人权益记录", Exemption.QUERY, "有专门的查询办理程序"),),
    ),
    Outcome.PARTLY_DISCLOSED: Special(
        "civil-affairs",
        "{year}年{place}低保对象名单及家庭收入核查材料",
        "您申请的信息中，低保对象的姓名、保障人数和金额予以公开（见附件）；家庭成员身份证号码、"
        "住址和收入明细涉及个人隐私，依据《条例》第十五条不予公开。",
        (
            W("低保家庭成员的身份证号码和住址", Exemption.THIRD_PARTY, "个人隐私"),
            W("家庭收入核查明细", Exemption.THIRD_PARTY, "个人隐私，第三方不同意公开"),
        ),
    ),
    Outcome.OTHER_AGENCY: Special(
        "civil-affairs",
        "{year}年张店区户籍人口出生登记数量",
        "您申请的信息不属于本机关负责公开，建议向淄博市公安局张店分局申请。",
        referred="淄博市公安局张店分局",
    ),
    Outcome.NEEDS_CREATION: Special(
        "civil-affairs",
        "按村（居）分类汇总的{year}年以来全区低保对象年龄结构统计表",
        "您申请的信息需要本机关对现有信息进行加工、分析后制作，依据《条例》第三十八条，不予提供。",
    ),
    Outcome.STILL_UNCLEAR: Special(
        "general-office",
        "关于我家那块地的所有文件",
        "经补正，您的申请内容仍不明确，本机关无法确定您所需的政府信息，依据《条例》第三十条，"
        "无法提供。",
    ),
    Outcome.PETITION: Special(
        "urban-management",
        "反映{place}一小区违章建筑长期未拆除，要求依法查处",
        "您反映的事项属于投诉举报，不属于政府信息公开申请，请通过12345政务服务便民热线或区城管"
        "执法局投诉渠道反映。",
    ),
    Outcome.PUBLICATION: Special(
        "archives",
        "要求提供《张店区志》（1986—2005）一套",
        "您要求提供的《张店区志》为公开出版物，可到区图书馆查阅或通过新华书店购买，依据《条例》"
        "第三十九条，不予处理。",
    ),
    Outcome.CONFIRMATION: Special(
        "housing",
        "要求对本人已取得的{year}年房屋征收补偿协议复印件加盖公章予以确认",
        "您要求对已获取的政府信息进行确认或重新出具，不属于政府信息公开申请的内容，不予处理。",
    ),
    Outcome.OTHER: Special(
        "zhangdian",
        "{year}年张店区政府购买服务项目目录",
        "申请人来电表示撤回申请，本机关终止办理。",
    ),
    Outcome.NO_CORRECTION: Special(
        "zhangdian",
        "要求公开有关部门的相关文件",
        "",
    ),
}

REPLIES: dict[str, str] = {
    Outcome.DISCLOSED: "经查，您申请的信息属于公开范围，现将有关信息提供给您（见附件）。",
    Outcome.ALREADY_PUBLIC: "您申请的信息已在张店区人民政府门户网站“政府信息公开”栏目主动公开，"
    "可通过网站检索查阅，依据《条例》第三十六条第（一）项告知获取方式。",
    Outcome.NOT_HELD: "经检索，本机关未制作或获取您申请的信息，该政府信息不存在，依据《条例》"
    "第三十六条第（四）项告知您。",
    Outcome.REPEAT: "您的申请与此前已答复的申请{earlier}内容相同，依据《条例》第三十六条第（六）项"
    "不予重复处理。",
    Outcome.EXCESSIVE: "您本月提出的申请数量明显超过合理范围，经要求说明理由，理由不合理，"
    "依据《条例》第三十五条不予处理。",
}

CORRECTIONS = (
    ("请说明所需信息的名称、文号或者便于查询的其他特征。", "所需信息为{year}年相关批复文件"),
    ("请补充申请人有效身份证件及联系方式。", "已补充身份证件复印件和联系电话"),
    ("请明确所需信息所涉及的具体区域和时间范围。", "范围为{place}，时间为{year}年"),
)
RETURNS = (
    "答复依据条款引用不准确，请核实后修改。",
    "告知书缺少救济途径的表述，请补充。",
    "请补充附件清单并核对信息名称。",
)
DELIVERIES: dict[str, str] = {
    Delivery.POST: "EMS邮寄送达",
    Delivery.EMAIL: "电子邮件送达",
    Delivery.COLLECTION: "申请人到区政务服务中心领取",
    Delivery.ONLINE: "在申请状态页提供查阅下载",
}
THIRD_PARTIES = ("淄博{company}", "{place}一家民办培训学校举办者", "区中医院扩建项目施工单位")


# --- Stories ---------------------------------------------------------------------------------


@dataclass
class Step:
    on: datetime.date
    action: str
    args: dict[str, Any]


@dataclass
class Case:
    """One application's story: who asked whom, how and when, and the steps that followed."""

    agency: str  # slug asked
    channel: str
    data: services.Application
    received: datetime.date  # the legal receipt date
    arrived: datetime.date
    moment: datetime.datetime  # online: when the form was sent
    steps: list[Step] = field(default_factory=list)
    # Filled in while the story is played.
    request: InfoRequest | None = None
    consultations: list[Consultation] = field(default_factory=list)
    fee: FeeNotice | None = None


class Flow:
    """The dated steps of one application, on working days, keeping the reply on time.

    ``used`` counts the working days the reply clock has counted; every counted move is cut so
    that it never passes the limit (with its extension), so a reply is never late unless a
    story leaves it unanswered on purpose.
    """

    def __init__(self, rng: random.Random, case: Case, rules: RuleSet, end: datetime.date) -> None:
        self.rng = rng
        self.case = case
        self.rules = rules
        self.end = end
        self.day = case.received
        self.used = 0
        self.limit = rules.reply_limit

    def move(self, low: int, high: int, *, counted: bool = True) -> datetime.date:
        days = self.rng.randint(low, high)
        if self.day > self.end:
            return self.day  # the story goes on after the end: these steps are not played
        if counted:
            days = max(0, min(days, self.limit - self.used))
        if days == 0 and not is_working_day(self.day):
            days = 1  # an office acts on a working day (only the receipt day may be a rest day)
        self.day = add_working_days(self.day, days)
        if counted:
            self.used += days
        return self.day

    def step(
        self,
        action: str,
        low: int = 0,
        high: int | None = None,
        *,
        counted: bool = True,
        **args: Any,
    ) -> datetime.date:
        on = self.move(low, low if high is None else high, counted=counted)
        self.case.steps.append(Step(on, action, args))
        return on

    def deadline(self, since: datetime.date, days: int) -> None:
        """The daily job's closing on the day after ``days`` working days from ``since``."""
        if since <= self.end:
            self.day = add_working_days(since, days) + datetime.timedelta(days=1)
            self.case.steps.append(Step(self.day, "deadline", {}))

    # Common sequences.

    def correction(self, what: str, *, answered: bool, text: str = "") -> datetime.date:
        """The office asks for a correction (within 7 working days under the 2019 rules); the
        applicant answers, which restarts the clock (2019) or resumes it (2007)."""
        on = self.step("correction", 1, 4, what=what)
        if answered:
            self.step("corrected", 2, 10, counted=False, text=text)
            if self.rules.correction_restarts_clock:
                self.used = 0
        return on

    def reply(
        self,
        outcome: str,
        text: str,
        *,
        head: bool,
        withheld: tuple[services.Withheld, ...] = (),
        referred: str = "",
        returned: bool = False,
    ) -> None:
        self.step("draft", 2, 6, outcome=outcome, text=text, withheld=withheld, referred=referred)
        self.step("submit", 0, 1)
        if returned:
            self.step("review", 1, 2, approve=False, comment=self.rng.choice(RETURNS))
            self.step("draft", 1, 2, outcome=outcome, text=text, withheld=withheld,
                      referred=referred)  # fmt: skip
            self.step("submit", 0, 0)
        self.step("review", 0, 2, approve=True, comment="")
        if head:
            self.step("head", 0, 1)

    def finish(self) -> None:
        """Delivered (the way the applicant asked: online at once, else in a few days) and
        closed (办结)."""
        delivery = self.case.data.delivery
        days = (0, 0) if delivery == Delivery.ONLINE else (1, 3)
        self.step("deliver", *days, counted=False, how=DELIVERIES[delivery])
        self.step("close", 0, 3, counted=False)


@dataclass
class Plan:
    """How an application goes, drawn for the random ones and fixed for the pinned ones."""

    outcome: str = Outcome.DISCLOSED
    correction: bool = False
    accept_first: bool = False
    transfer: str = ""  # slug of the agency it moves to
    consult: str = ""  # the answer of a consulted third party (a Consultation.Answer)
    consult_agency: bool = False  # another agency is consulted instead (REG 34)
    extend: bool = False
    fee: str = ""  # "per_page:paid", "per_application:waived" …
    pages: int = 0
    returned: bool = False
    remedy: str = ""  # a Remedy.Kind


class Planner:
    """Builds every case of 2014 and of 2024–2026 from one seeded random generator."""

    def __init__(self, rng: random.Random, end: datetime.date, staff: Staff) -> None:
        self.rng = rng
        self.end = end
        self.staff = staff
        self.people = People(rng)
        self.correction_days = policy().correction_days
        self.fee_pauses = policy().fee_pauses_clock
        self.channels = list(Channel.values)  # the first cases cover every channel

    # Helpers.

    def fill(self, text: str, day: datetime.date) -> str:
        rng = self.rng
        return text.format(
            year=max(day.year - rng.choice((0, 0, 1)), 2019),
            place=rng.choice(PLACES),
            village=rng.choice(VILLAGES),
            school=rng.choice(SCHOOLS),
            company=f"淄博{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司",
            earlier="{earlier}",
        )

    def working_days_of(self, month: datetime.date) -> list[datetime.date]:
        days = (month + datetime.timedelta(days=n) for n in range(31))
        return [day for day in days if day.month == month.month and is_working_day(day)]

    def working(self, day: datetime.date) -> datetime.date:
        """``day``, or the next working day when it is a rest day."""
        return day if is_working_day(day) else add_working_days(day, 1)

    def channel(self) -> str:
        if self.channels:
            return self.channels.pop()
        return self.rng.choices(
            list(Channel.values),
            weights=[55, 12, 12, 6, 3, 4, 2],  # online, in person, registered, ordinary …
        )[0]

    def case(
        self,
        agency: str,
        day: datetime.date,
        description: str,
        *,
        who: Applicant | None = None,
        channel: str = "",
        **application_args: Any,
    ) -> Case:
        """An application received on ``day`` (moved to a working day unless online)."""
        rng = self.rng
        who = who or self.people.anyone()
        channel = channel or self.channel()
        received = day if channel == Channel.ONLINE else self.working(day)
        arrived = received
        if channel == Channel.ORDINARY_MAIL:
            arrived = add_working_days(received, -rng.randint(0, 2))
        elif channel in (Channel.FAX, Channel.EMAIL):
            arrived = add_working_days(received, -rng.randint(0, 1))
        moment = datetime.datetime.combine(
            received, datetime.time(rng.randint(7, 22), rng.randrange(60)), tzinfo=SHANGHAI
        )
        data = application(rng, who, description, channel=channel, **application_args)
        return Case(agency, channel, data, received, arrived, moment)

    def handling_of(self, agency: str) -> str:
        """The agency that answers an application to ``agency``: the government's are answered
        by its general office unless the subject belongs to a department."""
        return "general-office" if agency == "zhangdian" else agency

    # The recent stories.

    def story(self, case: Case, handling: str, plan: Plan) -> None:
        """The steps of an application answered by ``handling`` (or closed before)."""
        rng, staff = self.rng, self.staff
        flow = Flow(rng, case, rule_set_for(case.received), self.end)
        outcome = plan.outcome
        special = SPECIAL.get(outcome)

        if outcome == Outcome.NO_CORRECTION:
            what, _answer = rng.choice(CORRECTIONS)
            asked = flow.correction(what, answered=False)
            flow.deadline(asked, self.correction_days)
            return
        if plan.correction:
            what, answer = rng.choice(CORRECTIONS)
            flow.correction(what, answered=True, text=self.fill(answer, case.received))
        if outcome in (Outcome.PETITION, Outcome.PUBLICATION, Outcome.REPEAT, Outcome.EXCESSIVE,
                       Outcome.CONFIRMATION, Outcome.OTHER):  # fmt: skip
            if plan.accept_first and not plan.correction:
                flow.step("accept", 0, 1)
            text = special.reply if special else REPLIES[outcome]
            flow.step("close_at_receipt", 1, 3, outcome=outcome, text=text)
            return

        if plan.correction or plan.accept_first:
            if not plan.correction:
                flow.step("accept", 0, 1)
            flow.step("assign", 0, 2, agency=handling)
        else:
            flow.step("accept", 0, 2, agency=handling)
        if plan.transfer:
            flow.step("transfer", 1, 2, agency=plan.transfer,
                      reason="所申请信息由该单位制作和保存，依职责转其承办。")  # fmt: skip
            handling = plan.transfer
        if plan.consult:
            if plan.consult_agency:
                kind, party = Consultation.Kind.AGENCY, "张店区住房和城乡建设局"
            else:
                kind = Consultation.Kind.THIRD_PARTY
                party = self.fill(rng.choice(THIRD_PARTIES), case.received)
            flow.step("consult", 1, 3, kind=kind, party=party)
            if plan.consult == Consultation.Answer.NO_ANSWER:
                flow.step("settle", 16, 17, counted=False, answer=plan.consult,
                          note="第三方逾期未提出意见。")  # fmt: skip
            else:
                note = "第三方同意公开。" if plan.consult == "agrees" else "第三方书面反对公开。"
                flow.step("settle", 3, 12, counted=False, answer=plan.consult, note=note)
        if plan.fee:
            method, settlement = plan.fee.split(":")
            issued = flow.step("fee", 1, 3, method=method, pages=plan.pages,
                               payment="请持缴费通知书到区政务服务中心收费窗口缴纳，或通过"
                                       "山东省非税收入电子缴款平台缴纳。")  # fmt: skip
            if settlement == "lapsed":
                flow.deadline(issued, flow.rules.fee_payment_limit)
                return
            note = "" if settlement == "paid" else "申请人为城乡低保对象，申请减免，经审核同意。"
            flow.step("settle_fee", 2, 12, counted=not self.fee_pauses, settlement=settlement,
                      note=note)  # fmt: skip
        if plan.extend:
            left = flow.limit - flow.used
            flow.step("extend", max(0, left - 4), max(0, left - 1), days=rng.choice((10, 15, 20)),
                      reason="所需信息涉及多个科室和历年档案，需逐项检索核实。")  # fmt: skip
            flow.limit += flow.case.steps[-1].args["days"]
            flow.move(5, 12)  # the extra time is used
        if special is not None and outcome not in REPLIES:
            text, withheld, referred = special.reply, special.withheld, special.referred
        else:
            text, withheld, referred = REPLIES[outcome], (), ""
        flow.reply(outcome, text, head=handling in staff.head_approval, withheld=withheld,
                   referred=referred, returned=plan.returned)  # fmt: skip
        flow.finish()
        if plan.remedy:
            flow.step("remedy", 15, 30, counted=False, kind=plan.remedy)

    def random_plan(self) -> Plan:
        rng = self.rng
        outcome = rng.choices(
            [Outcome.DISCLOSED, Outcome.ALREADY_PUBLIC, Outcome.PARTLY_DISCLOSED,
             Outcome.NOT_HELD, Outcome.OTHER_AGENCY, Outcome.NEEDS_CREATION, Outcome.PETITION,
             Outcome.CONFIRMATION, Outcome.OTHER, Outcome.NO_CORRECTION,
             Outcome.WITHHELD_PROCESS, Outcome.WITHHELD_THIRD_PARTY, Outcome.WITHHELD_QUERY],
            weights=[34, 16, 9, 12, 5, 3, 5, 2, 2, 1, 1, 1, 1],
        )[0]  # fmt: skip
        plan = Plan(outcome=outcome)
        plan.correction = rng.random() < 0.07 and outcome != Outcome.NO_CORRECTION
        plan.accept_first = rng.random() < 0.25
        if outcome in (Outcome.PARTLY_DISCLOSED, Outcome.WITHHELD_THIRD_PARTY):
            plan.consult = rng.choice(("objects", "objects", "no_answer"))
        elif outcome == Outcome.DISCLOSED and rng.random() < 0.06:
            plan.consult = "agrees"
        plan.extend = rng.random() < 0.05
        plan.returned = rng.random() < 0.08
        return plan

    def random_case(self, day: datetime.date) -> tuple[Case, str, Plan]:
        rng = self.rng
        plan = self.random_plan()
        special = SPECIAL.get(plan.outcome)
        if special is not None:
            handling = special.agency if special.agency in HANDLERS else ""
            asked = special.agency
            description = self.fill(special.description, day)
        else:
            handling = rng.choices(list(TOPICS), weights=[22, 20, 16, 18, 18, 6])[0]
            asked = "zhangdian" if handling == "general-office" and rng.random() < 0.6 else handling
            if handling != "general-office" and rng.random() < 0.15:
                asked = "zhangdian"  # asked of the government, answered by the department
            description = self.fill(rng.choice(TOPICS[handling]), day)
        if special is not None and special.agency == "general-office" and rng.random() < 0.5:
            asked = "zhangdian"
        return self.case(asked, day, description), handling or "general-office", plan

    def recent(self) -> list[Case]:
        """:data:`RECENT_COUNT` applications from :data:`RECENT_START` to the end."""
        rng, end = self.rng, self.end
        pinned = list(self.pinned_history()) + list(self.pinned_open())
        cases = [case for case, _handling, _plan in pinned]
        for case, handling, plan in pinned:
            if plan is not None:
                self.story(case, handling, plan)
        tail_start = end - datetime.timedelta(days=HISTORY_TAIL)
        history_days = (tail_start - RECENT_START).days
        for n in range(RECENT_COUNT - len(cases)):
            if n % 5 == 4:  # a fifth in the last months, some of them still open
                day = tail_start + datetime.timedelta(days=rng.randrange(HISTORY_TAIL - 1))
            else:
                day = RECENT_START + datetime.timedelta(days=rng.randrange(history_days))
            case, handling, plan = self.random_case(day)
            self.story(case, handling, plan)
            cases.append(case)
        return cases

    def at_fraction(self, fraction: float) -> datetime.date:
        """The date ``fraction`` of the way through the closed history (before the tail)."""
        span = (self.end - datetime.timedelta(days=HISTORY_TAIL) - RECENT_START).days
        return self.working(RECENT_START + datetime.timedelta(days=int(span * fraction)))

    def pinned_history(self) -> Iterator[tuple[Case, str, Plan | None]]:
        """Applications closed long ago that every outcome, fee, consultation and remedy needs
        at least once; their dates are spread over the history."""
        plans: list[Plan] = [
            Plan(Outcome.WITHHELD_SECRET),
            Plan(Outcome.WITHHELD_PROHIBITED),
            Plan(Outcome.WITHHELD_SECURITY),
            Plan(Outcome.WITHHELD_THIRD_PARTY, consult="objects"),
            Plan(Outcome.WITHHELD_INTERNAL),
            Plan(Outcome.WITHHELD_PROCESS, remedy=Remedy.Kind.RECONSIDERATION),
            Plan(Outcome.WITHHELD_ENFORCEMENT),
            Plan(Outcome.WITHHELD_QUERY),
            Plan(Outcome.PARTLY_DISCLOSED, consult="objects", returned=True),
            Plan(Outcome.OTHER_AGENCY),
            Plan(Outcome.NEEDS_CREATION),
            Plan(Outcome.STILL_UNCLEAR, correction=True),
            Plan(Outcome.PETITION),
            Plan(Outcome.PUBLICATION),
            Plan(Outcome.CONFIRMATION, accept_first=True),
            Plan(Outcome.OTHER),
            Plan(Outcome.NO_CORRECTION),
            Plan(Outcome.NOT_HELD, remedy=Remedy.Kind.LITIGATION),
            Plan(Outcome.ALREADY_PUBLIC),
            Plan(Outcome.DISCLOSED, fee="per_page:paid", pages=45),
            Plan(Outcome.UNPAID_FEE, fee="per_page:lapsed", pages=300),
            Plan(Outcome.DISCLOSED, transfer="health", accept_first=True),
            Plan(Outcome.DISCLOSED, extend=True, consult="agrees", consult_agency=True),
        ]
        for n, plan in enumerate(plans):
            day = self.at_fraction((n + 0.5) / (len(plans) + 3))
            if plan.transfer:
                handling = "general-office"
                template = "{year}年张店区医疗机构执业登记及校验结果"
                case = self.case("zhangdian", day, self.fill(template, day))
            elif plan.fee:
                handling = "general-office"
                template = "{year}年以来全区政府投资项目的招标文件、合同及验收报告"
                case = self.case("zhangdian", day, self.fill(template, day))
            elif plan.outcome in SPECIAL:
                special = SPECIAL[plan.outcome]
                handling = special.agency if special.agency in HANDLERS else "general-office"
                case = self.case(special.agency, day, self.fill(special.description, day))
            else:
                handling = ("education", "health", "hrss", "mashang")[n % 4]
                case = self.case(handling, day, self.fill(self.rng.choice(TOPICS[handling]), day))
            yield case, handling, plan

        # A repeat (REG 36(6)): the same person asks again for what was answered.
        who = self.people.person()
        first_day = self.at_fraction(0.3)
        subject = self.fill(TOPICS["civil-affairs"][1], first_day)
        first = self.case("civil-affairs", first_day, subject, who=who, channel=Channel.ONLINE)
        yield first, "civil-affairs", Plan(Outcome.DISCLOSED)
        again = first_day + datetime.timedelta(days=75)
        yield (
            self.case("civil-affairs", again, subject, who=who, channel=Channel.ONLINE),
            "civil-affairs",
            Plan(Outcome.REPEAT),
        )

        # A prolific applicant: 13 applications in one month; the 11th is charged per
        # application (waived), the 13th is refused as unreasonable in volume (REG 35).
        who = self.people.person()
        month = self.at_fraction(0.45).replace(day=1)
        while len(days := self.working_days_of(month)) < 13:  # a month of long holidays
            month = (month + datetime.timedelta(days=31)).replace(day=1)
        days = sorted(self.rng.sample(days, 13))
        for n, day in enumerate(days, 1):
            handling = list(TOPICS)[n % 5]
            description = self.fill(TOPICS[handling][n % len(TOPICS[handling])], day)
            case = self.case(handling, day, description, who=who, channel=Channel.ONLINE)
            if n == 11:
                plan = Plan(Outcome.DISCLOSED, fee="per_application:waived")
            elif n == 13:
                plan = Plan(Outcome.EXCESSIVE)
            else:
                plan = Plan(self.rng.choice((Outcome.DISCLOSED, Outcome.ALREADY_PUBLIC,
                                             Outcome.NOT_HELD)))  # fmt: skip
            yield case, handling, plan

    def pinned_open(self) -> Iterator[tuple[Case, str, Plan | None]]:
        """Applications in every open state at the end, and two overdue; their steps are fixed
        so that each is in its state whatever the day."""
        back = self.back

        def open_case(agency: str, received: datetime.date, channel: str = "") -> Case:
            topic = self.rng.choice(TOPICS.get(self.handling_of(agency)) or OTHER_TOPICS[agency])
            return self.case(agency, received, self.fill(topic, received), channel=channel)

        # Received, not yet accepted.
        yield open_case("zhangdian", back(0), Channel.ONLINE), "", None
        yield open_case("housing", back(1), Channel.REGISTERED_MAIL), "", None
        # A correction asked, awaited.
        case = open_case("health", back(4), Channel.ONLINE)
        case.steps.append(Step(back(2), "correction", {"what": CORRECTIONS[0][0]}))
        yield case, "", None
        # Accepted, no handling agency yet.
        case = open_case("zhangdian", back(3), Channel.IN_PERSON)
        case.steps.append(Step(back(2), "accept", {}))
        yield case, "", None
        # Handling.
        case = open_case("civil-affairs", back(5))
        case.steps.append(Step(back(4), "accept", {"agency": "civil-affairs"}))
        yield case, "", None
        # A third party consulted.
        case = open_case("health", back(9))
        case.steps += [
            Step(back(8), "accept", {"agency": "health"}),
            Step(back(5), "consult", {"kind": Consultation.Kind.THIRD_PARTY,
                                      "party": "区中医院扩建项目施工单位"}),
        ]  # fmt: skip
        yield case, "", None
        # Awaiting a fee (per page, 80 pages).
        case = open_case("general-office", back(12), Channel.ONLINE)
        case.steps += [
            Step(back(11), "accept", {"agency": "general-office"}),
            Step(back(8), "fee", {"method": "per_page", "pages": 80,
                                  "payment": "请到区政务服务中心收费窗口缴纳。"}),
        ]  # fmt: skip
        yield case, "", None
        # In legal review.
        case = open_case("hrss", back(10))
        case.steps += [
            Step(back(9), "accept", {"agency": "hrss"}),
            Step(back(4), "draft", {"outcome": Outcome.DISCLOSED,
                                    "text": REPLIES[Outcome.DISCLOSED]}),
            Step(back(3), "submit", {}),
        ]  # fmt: skip
        yield case, "", None
        # Awaiting the head's approval.
        case = open_case(HEAD_AGENCY, back(12))
        case.steps += [
            Step(back(11), "accept", {"agency": HEAD_AGENCY}),
            Step(back(6), "draft", {"outcome": Outcome.ALREADY_PUBLIC,
                                    "text": REPLIES[Outcome.ALREADY_PUBLIC]}),
            Step(back(5), "submit", {}),
            Step(back(3), "review", {"approve": True, "comment": ""}),
        ]  # fmt: skip
        yield case, "", None
        # Replied, delivery not yet recorded; delivered, not yet closed.
        for state, agency, start in (
            ("replied", "civil-affairs", 14),
            ("delivered", "mashang", 16),
        ):
            case = open_case(agency, back(start))
            case.steps += [
                Step(back(start - 1), "accept", {"agency": agency}),
                Step(back(start - 6), "draft", {"outcome": Outcome.DISCLOSED,
                                                "text": REPLIES[Outcome.DISCLOSED]}),
                Step(back(start - 6), "submit", {}),
                Step(back(start - 8), "review", {"approve": True, "comment": ""}),
            ]  # fmt: skip
            if state == "delivered":
                case.steps.append(Step(back(start - 10), "deliver", {"how": "EMS邮寄送达"}))
            yield case, "", None
        # Extended and still within the extended limit.
        case = open_case("health", back(25))
        case.steps += [
            Step(back(24), "accept", {"agency": "health"}),
            Step(back(7), "extend", {"days": 10, "reason": "需调取多个年度的档案逐项核实。"}),
        ]
        yield case, "", None
        # Overdue: received long ago and still being handled, one of them after an extension
        # (due 20 and 35 working days after receipt).
        received = back(45)
        case = open_case("general-office", received)
        case.steps.append(
            Step(add_working_days(received, 1), "accept", {"agency": "general-office"})
        )
        yield case, "", None
        received = back(60)
        case = open_case("hrss", received, Channel.REGISTERED_MAIL)
        case.steps += [
            Step(add_working_days(received, 2), "accept", {"agency": "hrss"}),
            Step(add_working_days(received, 18), "extend",
                 {"days": 15, "reason": "涉及跨年度资金拨付记录，需与财政部门核对。"}),
        ]  # fmt: skip
        yield case, "", None

    def back(self, days: int) -> datetime.date:
        """The ``days``-th working day before the end (the end itself for 0)."""
        return add_working_days(self.end, -days)


# The district's 2014 applications (seed, part 六): (asked, handling, channel, received, subject,
# outcome). The seed gives no outcomes; these are plausible, several of them documents the
# catalogue shows as published before the application (其中 already public).
ONLINE, REGISTERED, ORDINARY = Channel.ONLINE, Channel.REGISTERED_MAIL, Channel.ORDINARY_MAIL
APPLICATIONS_2014: list[tuple[str, str, str, str, str, str]] = [
    ("zhangdian", "general-office", REGISTERED, "2014-03-11",
     "张店区2014年政府工作报告全文", Outcome.ALREADY_PUBLIC),
    ("zhangdian", "general-office", ONLINE, "2014-08-05",
     "张政办发〔2014〕43号《关于印发张店区深入推进行政审批制度改革实施方案的通知》全文",
     Outcome.ALREADY_PUBLIC),
    ("zhangdian", "civil-affairs", ORDINARY, "2014-05-20",
     "2014年张店区城乡居民最低生活保障标准调整文件", Outcome.DISCLOSED),
    ("general-office", "general-office", REGISTERED, "2014-10-28",
     "张店区保留和调整的区级行政审批事项目录", Outcome.ALREADY_PUBLIC),
    ("education", "education", ONLINE, "2014-06-09",
     "2014年张店区义务教育学校招生划片范围", Outcome.ALREADY_PUBLIC),
    ("education", "education", REGISTERED, "2014-07-02",
     "张店区第三小学2013年校舍维修工程资金使用情况", Outcome.DISCLOSED),
    ("education", "education", ORDINARY, "2014-09-16",
     "2014年张店区新审批设立的民办幼儿园名单", Outcome.DISCLOSED),
    ("health", "health", ONLINE, "2014-04-22",
     "张店区2013年新型农村合作医疗基金收支情况", Outcome.DISCLOSED),
    ("health", "health", ONLINE, "2014-11-11",
     "中埠镇一家药店的药品经营许可证信息", Outcome.OTHER_AGENCY),
    ("civil-affairs", "civil-affairs", REGISTERED, "2014-07-22",
     "张店区城乡居民临时困难救助办法及2014年上半年救助情况", Outcome.DISCLOSED),
    ("civil-affairs", "civil-affairs", ORDINARY, "2014-12-02",
     "2005年和平街道低保审批档案中本人家庭的审批表", Outcome.NOT_HELD),
    ("hrss", "hrss", ONLINE, "2014-04-08",
     "一次性创业补贴的申领条件和补贴标准", Outcome.ALREADY_PUBLIC),
    ("hrss", "hrss", REGISTERED, "2014-06-24",
     "张店区卫生系统事业单位公开招聘进入考察范围人员名单", Outcome.DISCLOSED),
    ("hrss", "hrss", ORDINARY, "2014-09-03",
     "张店区2014年公开招聘教师笔试、面试和总成绩", Outcome.PARTLY_DISCLOSED),
    ("mashang", "mashang", REGISTERED, "2014-10-09",
     "马尚镇东营村土地承包经营权确权登记颁证工作方案", Outcome.DISCLOSED),
]  # fmt: skip

REPLIES_2014: dict[str, str] = {
    Outcome.ALREADY_PUBLIC: "您申请的信息已在张店区人民政府门户网站“政府信息公开”栏目主动公开，"
    "现告知您获取该信息的方式和途径。",
    Outcome.DISCLOSED: "经审查，您申请的信息属于公开范围，现将该信息提供给您。",
    Outcome.OTHER_AGENCY: "您申请的信息不属于本机关公开的范围，该信息由张店区食品药品监督管理局"
    "负责公开，请向其申请。",
    Outcome.NOT_HELD: "经检索，您申请公开的政府信息不存在。",
    Outcome.PARTLY_DISCLOSED: "您申请的考生成绩予以公开（见附件）；考生身份证号码和联系电话涉及个人"
    "隐私，不予公开。",
}


def plan_2014(planner: Planner) -> list[Case]:
    """The 15 applications of 2014, each answered within the 15 working days of the 2007
    rules: accepted and assigned, drafted, reviewed by the legal office, delivered, closed."""
    rng, staff = planner.rng, planner.staff
    cases = []
    for asked, handling, channel, day, subject, outcome in APPLICATIONS_2014:
        received = datetime.date.fromisoformat(day)
        delivery = Delivery.ONLINE if channel == ONLINE else Delivery.POST
        who = planner.people.person()
        case = planner.case(asked, received, subject, who=who, channel=channel, delivery=delivery)
        flow = Flow(rng, case, rule_set_for(received), planner.end)
        flow.step("accept", 1, 2, agency=handling)
        withheld: tuple[services.Withheld, ...] = ()
        if outcome == Outcome.PARTLY_DISCLOSED:
            withheld = (W("考生身份证号码和联系电话", Exemption.THIRD_PARTY, "个人隐私"),)
        referred = "张店区食品药品监督管理局" if outcome == Outcome.OTHER_AGENCY else ""
        flow.step("draft", 3, 6, outcome=outcome, text=REPLIES_2014[outcome],
                  withheld=withheld, referred=referred)  # fmt: skip
        flow.step("submit", 0, 0)
        flow.step("review", 1, 2, approve=True, comment="")
        if handling in staff.head_approval:
            flow.step("head", 0, 1)
        flow.finish()
        cases.append(case)
    return cases


# --- Playing the stories ---------------------------------------------------------------------


class DemoQueryCodeHasher(PBKDF2PasswordHasher):
    """The query codes of the demonstration's applications, hashed with few iterations.

    Nobody is given these codes, and hashing hundreds of them at the production cost would
    take minutes; the hashes remain ordinary ``pbkdf2_sha256`` ones (the iteration count is
    stored in each), so ``check_query_code`` reads them with the configured hashers.
    """

    iterations = 1000


class Runner:
    """Performs the steps through the services, as the actors of each would."""

    def __init__(self, staff: Staff, agencies: dict[str, Agency], end: datetime.date) -> None:
        self.staff = staff
        self.agencies = agencies
        self.end = end
        self.keys = iter(range(1, 100_000))

    def create(self, case: Case) -> None:
        agency = self.agencies[case.agency]
        if case.channel == Channel.ONLINE:
            key = f"demo-{case.received.year}-{next(self.keys):04d}"
            request, _code = services.submit_request(
                case.data, agency=agency, submission_key=key, now=case.moment
            )
        else:
            dates: dict[str, datetime.date] = {}
            if case.channel == Channel.REGISTERED_MAIL:
                dates["signed_on"] = case.received
            elif case.channel in (Channel.ORDINARY_MAIL, Channel.FAX, Channel.EMAIL):
                dates["confirmed_on"] = case.received
            request, _code = services.register_request(
                case.data,
                actor=self.staff.office,
                agency=agency,
                channel=case.channel,
                arrived_on=case.arrived,
                **dates,
            )
            # register_request stamps the moment the letter is typed in; the demonstration's
            # letters were typed in on the day they arrived (a timestamp, not a state).
            typed = datetime.time(9 + case.moment.hour % 8, case.moment.minute)
            arrived_at = datetime.datetime.combine(case.arrived, typed, tzinfo=SHANGHAI)
            InfoRequest.objects.filter(pk=request.pk).update(submitted_at=arrived_at)
        case.request = request

    def perform(self, case: Case, step: Step) -> None:
        action: Callable[..., Any] = getattr(self, f"_{step.action}")
        if case.request is None:
            raise RuntimeError("a step was played before its application was made")
        result = action(case, case.request, step.on, **step.args)
        if isinstance(result, InfoRequest):
            case.request = result
        else:
            case.request = InfoRequest.objects.get(pk=case.request.pk)

    # One method per step, each one service call (except the remedy: see _remedy).

    def _accept(self, case: Case, request: InfoRequest, on: datetime.date, agency: str = "") -> Any:
        handling = self.agencies[agency] if agency else None
        return services.accept_request(
            request, actor=self.staff.office, handling_agency=handling, on=on
        )

    def _assign(self, case: Case, request: InfoRequest, on: datetime.date, agency: str) -> Any:
        return services.assign_request(
            request, actor=self.staff.office, agency=self.agencies[agency], on=on
        )

    def _transfer(
        self, case: Case, request: InfoRequest, on: datetime.date, agency: str, reason: str
    ) -> Any:
        return services.transfer_request(
            request, actor=self.staff.office, agency=self.agencies[agency], reason=reason, on=on
        )

    def _correction(self, case: Case, request: InfoRequest, on: datetime.date, what: str) -> Any:
        return services.request_correction(request, actor=self.staff.office, what=what, on=on)

    def _corrected(self, case: Case, request: InfoRequest, on: datetime.date, text: str) -> Any:
        # The applicant sends the correction on the status page (no staff actor).
        return services.receive_correction(request, actor=None, text=text, on=on)

    def _close_at_receipt(
        self, case: Case, request: InfoRequest, on: datetime.date, outcome: str, text: str
    ) -> Any:
        earlier = request.repeat_of.number if request.repeat_of else ""
        text = text.replace("{earlier}", f"（{earlier}）" if earlier else "")
        return services.close_at_receipt(
            request, actor=self.staff.office, outcome=outcome, reply_text=text, on=on
        )

    def _extend(
        self, case: Case, request: InfoRequest, on: datetime.date, days: int, reason: str
    ) -> Any:
        return services.extend_request(
            request, actor=self.staff.office, days=days, reason=reason, on=on
        )

    def _consult(
        self, case: Case, request: InfoRequest, on: datetime.date, kind: str, party: str
    ) -> Any:
        consultation = services.consult(
            request, actor=self.staff.handler(request), kind=kind, party=party, on=on
        )
        case.consultations.append(consultation)
        return consultation

    def _settle(
        self, case: Case, request: InfoRequest, on: datetime.date, answer: str, note: str
    ) -> Any:
        return services.settle_consultation(
            case.consultations[-1], actor=self.staff.handler(request), answer=answer, note=note,
            on=on,
        )  # fmt: skip

    def _fee(
        self, case: Case, request: InfoRequest, on: datetime.date, method: str, pages: int,
        payment: str,
    ) -> Any:  # fmt: skip
        case.fee = services.issue_fee_notice(
            request, actor=self.staff.handler(request), method=method, pages=pages,
            payment=payment, on=on,
        )  # fmt: skip
        return case.fee

    def _settle_fee(
        self, case: Case, request: InfoRequest, on: datetime.date, settlement: str, note: str
    ) -> Any:
        if case.fee is None:
            raise RuntimeError("a fee was settled before its notice was issued")
        return services.settle_fee(
            case.fee, actor=self.staff.handler(request), settlement=settlement, note=note, on=on
        )

    def _draft(
        self,
        case: Case,
        request: InfoRequest,
        on: datetime.date,
        outcome: str,
        text: str,
        withheld: tuple[services.Withheld, ...] = (),
        referred: str = "",
    ) -> Any:
        return services.draft_reply(
            request, actor=self.staff.handler(request), outcome=outcome, reply_text=text,
            withheld=withheld, referred_agency=referred, on=on,
        )  # fmt: skip

    def _submit(self, case: Case, request: InfoRequest, on: datetime.date) -> Any:
        return services.submit_for_review(request, actor=self.staff.handler(request), on=on)

    def _review(
        self, case: Case, request: InfoRequest, on: datetime.date, approve: bool, comment: str
    ) -> Any:
        reviewer = self.staff.reviewers[request.handling_agency_id or 0]
        return services.review_request(
            request, actor=reviewer, approve=approve, comment=comment, on=on
        )

    def _head(self, case: Case, request: InfoRequest, on: datetime.date) -> Any:
        head = self.staff.heads[request.handling_agency_id or 0]
        return services.approve_as_head(request, actor=head, approve=True, comment="同意。", on=on)

    def _deliver(self, case: Case, request: InfoRequest, on: datetime.date, how: str) -> Any:
        return services.deliver_request(request, actor=self.staff.handler(request), how=how, on=on)

    def _close(self, case: Case, request: InfoRequest, on: datetime.date) -> Any:
        return services.close_request(request, actor=self.staff.handler(request), on=on)

    def _deadline(self, case: Case, request: InfoRequest, on: datetime.date) -> Any:
        # The daily job on the day after the correction or payment was due.
        return services.close_for_missed_deadline(request, today=on)

    def _remedy(self, case: Case, request: InfoRequest, on: datetime.date, kind: str) -> Any:
        """Reconsideration or a lawsuit about the reply (table 四). There is no service for
        remedies yet, so the row is created directly, recorded by nobody (``recorded_by=None``)."""
        if kind == Remedy.Kind.RECONSIDERATION:
            decided = add_working_days(on, 40)  # decided within 60 days (行政复议法)
            done = decided <= self.end
            return Remedy.objects.create(
                request=request,
                kind=kind,
                body="张店区人民政府",
                case_number=f"张政复决字〔{on.year}〕第{on.month * 3 + 7}号",
                filed_on=on,
                result=Remedy.Result.UPHELD if done else Remedy.Result.PENDING,
                decided_on=decided if done else None,
                note="申请人认为过程性信息应予公开；复议机关维持原答复。" if done else "",
                recorded_by=None,
            )
        return Remedy.objects.create(
            request=request,
            kind=kind,
            body="淄博市张店区人民法院",
            case_number=f"（{on.year}）鲁0303行初{on.month * 4 + 11}号",
            filed_on=on,
            result=Remedy.Result.PENDING,
            note="原告请求判令被告重新答复；尚未审结。",
            recorded_by=None,
        )


def play(cases: list[Case], runner: Runner) -> None:
    """Create every application and perform every step up to the end, all in date order."""
    agenda: list[tuple[datetime.date, int, int]] = []
    for index, case in enumerate(cases):
        agenda.append((case.received, index, -1))
        agenda += [
            (step.on, index, n) for n, step in enumerate(case.steps) if step.on <= runner.end
        ]
    agenda.sort()
    for _on, index, n in agenda:
        case = cases[index]
        if n < 0:
            runner.create(case)
        else:
            runner.perform(case, case.steps[n])


def end_date() -> datetime.date:
    """The last day of the demonstration: a working day a few days before today, and early
    enough in the calendar's last year that every limit counted from it is covered."""
    end = timezone.localdate() - datetime.timedelta(days=DAYS_BEFORE_TODAY)
    # Every limit counted from a step up to the end runs at most 20 working days further.
    last = datetime.date(max(covered_years()), 12, 31)
    end = min(end, add_working_days(last, -22))
    return end if is_working_day(end) else add_working_days(end, -1)


def load(stdout: TextIO) -> None:
    """The applications loader of ``load_demo`` (after the agencies and catalogue loaders)."""
    existing = InfoRequest.objects.count()
    if existing:
        stdout.write(
            _("Applications: %(count)d present already, none loaded.\n") % {"count": existing}
        )
        return
    slugs = {*HANDLERS, "zhangdian", "housing", *(special.agency for special in SPECIAL.values())}
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=slugs)}
    staff = prepare_staff(agencies)
    end = end_date()
    planner = Planner(random.Random(SEED), end, staff)  # noqa: S311 - reproducible demo data
    old = plan_2014(planner)
    recent = planner.recent()
    runner = Runner(staff, agencies, end)
    # The roles do not change while the stories are played: look each user's up once, as a
    # request does.
    memo = request_memo.set({})
    try:
        with override_settings(PASSWORD_HASHERS=["gongkai.info_requests.demo.DemoQueryCodeHasher"]):
            play(old + recent, runner)
    finally:
        request_memo.reset(memo)
    open_count = InfoRequest.objects.exclude(state=State.CLOSED).count()
    stdout.write(
        _(
            "Applications: %(total)d loaded (%(old)d of 2014, %(recent)d of 2024–2026, "
            "%(open)d open).\n"
        )
        % {"total": len(old) + len(recent), "old": len(old), "recent": len(recent),
           "open": open_count}
    )  # fmt: skip
