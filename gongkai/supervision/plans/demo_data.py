"""The demonstration's key-task plans: 2014 as the seed describes it, and 2025 and 2026.

2014 (seed, part 四): "印发了《关于进一步加强政府信息公开工作的通知》
（张政办发〔2014〕50号），把当前重点领域政府信息公开工作要点细化分解为9个类别、42项具体工作
任务，并形成《当前政府信息公开重点工作安排表》，明确了每项工作的责任部门和完成时限".
The seed does not list the 42 tasks; they are drawn
here from the key areas it reports on (parts 二, 三 and 五: administrative power, public finance,
public resources, public services, public supervision, interpretation and response, the
platforms, disclosure on application, supervision and assessment), each with the department
the report names as doing the work and a deadline in the last four months of 2014. The
evidence named for a task is the catalogue document the seed names for that work (linked when
the catalogue's demonstration holds it). "11月又下发了《关于对张政办发〔2014〕50号文件落实情况开展
督查工作的通知》…要求把落实情况形成报告" is the year's supervision notice.

2025 and 2026 are invented plans in the shape of the State Council's yearly key points
(政务公开工作要点), led mostly by the agencies the demonstration has sign-ins for.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

D = datetime.date


class TaskRow(NamedTuple):
    title: str
    lead: str  # agency slug
    deadline: D | int  # a date, or working days from today (negative: past) for open tasks
    output: str  # 预期成果
    co: tuple[str, ...] = ()
    weight: int = 1
    story: str = "accepted"  # see demo.STORIES
    evidence: tuple[str, ...] = ()  # titles of catalogue documents
    description: str = ""


class PlanRow(NamedTuple):
    year: int
    title: str
    doc_number: str
    issued: D
    description: str
    categories: list[tuple[str, list[TaskRow]]]


class NoticeRow(NamedTuple):
    subject: str
    doc_number: str
    text: str
    issued: D | int  # a date, or working days from the last day of the demonstration
    reply_days: int  # working days from issue to the reply deadline
    closed: bool
    late: tuple[str, ...] = ()  # agencies that answer after the deadline
    unanswered: tuple[str, ...] = ()  # agencies that have not answered (yet)
    draft: bool = False  # still being written by the office


NOTICE_50 = "关于进一步加强政府信息公开工作的通知"
NOTICE_43 = "关于印发张店区深入推进行政审批制度改革实施方案的通知"
NOTICE_128 = "关于公布保留和调整区级行政审批事项的通知"
OPINION_59 = "关于在全区推行行政权力清单制度的实施意见"

PLAN_2014 = PlanRow(
    year=2014,
    title="当前政府信息公开重点工作安排表",
    doc_number="张政办发〔2014〕50号",
    issued=D(2014, 8, 18),
    description=(
        "按照淄政办发〔2014〕29号文件要求，把当前重点领域政府信息公开工作要点细化分解为9个类别、"
        "42项具体工作任务，明确每项工作的责任部门和完成时限。"
    ),
    categories=[
        (
            "推进行政权力运行信息公开",
            [
                TaskRow(
                    "公开保留和调整的区级行政审批事项目录",
                    "staffing-office",
                    D(2014, 10, 31),
                    "行政审批事项目录清单在区政府网站和区机构编制网公开，列明实施主体、实施依据、"
                    "收费依据和标准、办理流程、办理期限和监督电话。",
                    co=("legal-affairs", "government-services"),
                    weight=3,
                    evidence=(NOTICE_128,),
                ),
                TaskRow(
                    "公开行政审批制度改革实施方案及进展",
                    "staffing-office",
                    D(2014, 9, 30),
                    "《张店区深入推进行政审批制度改革实施方案》及改革进展情况在区政府网站公开。",
                    co=("general-office",),
                    weight=2,
                    evidence=(NOTICE_43,),
                ),
                TaskRow(
                    "推行行政权力清单制度并公开权力清单",
                    "staffing-office",
                    D(2014, 11, 28),
                    "印发并公开《关于在全区推行行政权力清单制度的实施意见》，部署各部门梳理"
                    "行政权力清单，2015年一季度全部公开。",
                    co=("legal-affairs",),
                    weight=3,
                    story="accepted_extended",
                    evidence=(OPINION_59,),
                ),
                TaskRow(
                    "公开行政许可和行政处罚结果",
                    "legal-affairs",
                    D(2014, 11, 28),
                    "各执法部门在作出决定后7个工作日内公开行政许可、行政处罚结果。",
                    co=("industry-commerce", "food-drug"),
                    weight=2,
                ),
                TaskRow(
                    "在政务服务中心公开办事指南和办理流程",
                    "government-services",
                    D(2014, 10, 31),
                    "进驻事项的办事指南、申请材料、办理流程和期限在政务服务中心和区政府网站公开。",
                ),
            ],
        ),
        (
            "推进财政资金信息公开",
            [
                TaskRow(
                    "公开2013年财政预算执行情况和2014年财政预算草案报告",
                    "finance",
                    D(2014, 9, 30),
                    "预算执行情况和预算草案的报告全文在区政府网站公开。",
                    weight=2,
                    evidence=("关于淄博市张店区2013年财政预算执行情况和2014年财政预算草案的报告",),
                ),
                TaskRow(
                    "公开2013年财政决算和2014年上半年预算执行情况报告",
                    "finance",
                    D(2014, 9, 30),
                    "财政决算和上半年预算执行情况的报告全文在区政府网站公开。",
                    weight=2,
                    evidence=("关于张店区2013年财政决算和2014年上半年财政预算执行情况的报告",),
                ),
                TaskRow(
                    "统一部门预决算公开的口径、范围和格式",
                    "finance",
                    D(2014, 11, 28),
                    "召开全区部门预算工作会议，统一部门预决算和“三公”经费预决算公开的口径、"
                    "范围和格式，细化部门预算公开内容。",
                    co=("audit",),
                    weight=2,
                ),
                TaskRow(
                    "做好“三公”经费预决算公开准备工作",
                    "finance",
                    D(2014, 12, 19),
                    "细化“三公”经费公开内容和说明，形成各部门统一使用的公开模板。",
                    co=("general-office",),
                    weight=2,
                    story="accepted_refused",
                ),
                TaskRow(
                    "公开预算执行审计工作报告",
                    "audit",
                    D(2014, 12, 19),
                    "区级预算执行和其他财政收支审计工作报告及整改情况在区政府网站公开。",
                    co=("finance",),
                ),
            ],
        ),
        (
            "推进公共资源配置信息公开",
            [
                TaskRow(
                    "公开征地信息",
                    "land-resources",
                    D(2014, 10, 31),
                    "征地补偿安置公示、征地公告和征地结案信息在区政府网站和市国土资源局网站公开。",
                    weight=2,
                ),
                TaskRow(
                    "公开国有建设用地使用权出让信息",
                    "land-resources",
                    D(2014, 11, 28),
                    "土地供应结果和工业类国有建设用地使用权出让公告、成交结果及时公开。",
                    weight=2,
                ),
                TaskRow(
                    "公开农村土地承包经营权确权和流转信息",
                    "agriculture",
                    D(2014, 11, 28),
                    "公开确权登记颁证政策文件，编印政策问答手册，在农村“三资”委托代理服务中心"
                    "设立土地流转服务窗口。",
                    co=("rural-assets",),
                    weight=2,
                    evidence=(
                        "关于进一步做好农村土地承包经营权确权登记颁证工作的指导意见",
                        "农村土地承包经营权确权登记颁证工作相关问题政策问答",
                    ),
                ),
                TaskRow(
                    "公开保障性安居工程建设和分配信息",
                    "housing",
                    D(2014, 12, 19),
                    "公开保障性安居工程建设计划和完成情况，以及分配政策、对象、房源、程序、过程、"
                    "结果和退出信息。",
                    weight=3,
                    story="accepted_after_send_back",
                ),
                TaskRow(
                    "公开政府采购全过程信息",
                    "finance",
                    D(2014, 12, 31),
                    "招标公告和中标结果在山东省、淄博市政府采购网发布，政府采购预算、执行、"
                    "结果全过程公开。",
                    weight=2,
                ),
                TaskRow(
                    "公开工程建设领域项目信息",
                    "development-reform",
                    D(2014, 11, 28),
                    "项目信息及时录入“工程建设领域项目信息公开和诚信体系建设专栏”并按月报送。",
                    co=("construction",),
                    weight=2,
                ),
            ],
        ),
        (
            "推进公共服务信息公开",
            [
                TaskRow(
                    "公开义务教育和高中段招生政策及录取结果",
                    "education",
                    D(2014, 9, 30),
                    "招生工作实施意见和招生方案在教育局网站公开，录取结果在各学校或学校网站公开。",
                    weight=2,
                    evidence=(
                        "2014年义务教育段学校招生工作实施意见",
                        "张店地区2014年高中段学校招生工作实施意见",
                    ),
                ),
                TaskRow(
                    "公开医疗卫生机构和医疗服务信息",
                    "health",
                    D(2014, 10, 31),
                    "卫生局网站和区政府网站卫生局栏目公开机构设置、政策文件、办事指南等信息，"
                    "区属医院和疾控中心通过门户网站公开单位概况和业务流程。",
                    co=("tcm-hospital", "second-hospital", "cdc"),
                    weight=2,
                ),
                TaskRow(
                    "公开医疗服务收费标准",
                    "prices",
                    D(2014, 10, 31),
                    "社区卫生服务和非营利性医疗机构收费标准在区政府网站公开，各医疗机构通过电子屏"
                    "和宣传栏公示。",
                    co=("health",),
                ),
                TaskRow(
                    "公开促进就业政策和公开招聘信息",
                    "hrss",
                    D(2014, 10, 31),
                    "创业补贴、就业援助等政策和招聘公告公开，落实招聘信息、考试成绩、拟聘用结果"
                    "“三公开”。",
                    co=("employment",),
                    weight=2,
                    evidence=("创业者一次性创业补贴的申领须知", "张店区2014年公开招聘教师公告"),
                ),
                TaskRow(
                    "公开城乡低保和社会救助信息",
                    "civil-affairs",
                    D(2014, 10, 31),
                    "城乡低保申请审批程序、临时困难救助办法和“阳光低保”承诺公开。",
                    weight=2,
                    evidence=("关于张店区城乡居民临时困难救助办法",),
                ),
                TaskRow(
                    "公开社会保险政策和个人权益查询服务",
                    "hrss",
                    D(2014, 11, 28),
                    "社会保险、医疗保险政策在人社局网站公开，提供个人相关信息网上查询。",
                    co=("social-insurance", "medical-insurance"),
                ),
            ],
        ),
        (
            "推进公共监管信息公开",
            [
                TaskRow(
                    "公开PM2.5等主要污染物监测信息",
                    "environment",
                    D(2014, 10, 31),
                    "在区政府网站和环保局网站公开细颗粒物（PM2.5）等主要污染物监测数值。",
                    weight=2,
                ),
                TaskRow(
                    "公开建设项目环境影响评价信息",
                    "environment",
                    D(2014, 11, 28),
                    "环评受理、审批和验收全过程信息公开。",
                    weight=2,
                ),
                TaskRow(
                    "公开安全生产预警和事故信息",
                    "work-safety",
                    D(2014, 11, 28),
                    "健全预警信息发布和事故应急处置信息公开机制，在重点时段发送安全生产预警短信。",
                    co=("eastern-chemical",),
                    weight=2,
                ),
                TaskRow(
                    "公开食品药品监管信息",
                    "food-drug",
                    D(2014, 10, 31),
                    "监管规范、工作动态、行政许可流程和所需材料、举报投诉电话和邮箱在局网站公开。",
                    weight=2,
                ),
                TaskRow(
                    "公开价格和收费监管信息",
                    "prices",
                    D(2014, 12, 19),
                    "行政事业性收费目录和价格监督检查结果公开。",
                ),
            ],
        ),
        (
            "加强政策解读和回应社会关切",
            [
                TaskRow(
                    "重要政策和规范性文件配发解读",
                    "general-office",
                    D(2014, 12, 19),
                    "重要政策、规范性文件和涉及公众利益、专业性较强的公文与解读同步公开。",
                    co=("legal-affairs",),
                    weight=3,
                    evidence=(NOTICE_50,),
                ),
                TaskRow(
                    "组建政策解读专家队伍并完善解读咨询栏目",
                    "general-office",
                    D(2014, 10, 31),
                    "各级各部门组建解读专家队伍，区政府网站完善“政策解读”和咨询栏目。",
                ),
                TaskRow(
                    "健全政务舆情分析研判和回应机制",
                    "news-office",
                    D(2014, 11, 28),
                    "建立政务舆情分析、研判、处置和回应机制及报告制度。",
                    co=("general-office",),
                    weight=2,
                    story="accepted_after_send_back",
                ),
                TaskRow(
                    "做好政府新闻发布工作",
                    "news-office",
                    D(2014, 12, 19),
                    "区政府网站增设“政府新闻发布”栏目，定期发布政府新闻。",
                ),
            ],
        ),
        (
            "加强政府信息公开平台建设",
            [
                TaskRow(
                    "调整优化政府网站政府信息公开栏目",
                    "general-office",
                    D(2014, 10, 31),
                    "增设“重点领域”“政策解读”“政府新闻发布”“政府信息公开工作情况公示”等栏目。",
                    weight=2,
                ),
                TaskRow(
                    "在服务大厅设置政府信息查阅触摸屏",
                    "land-resources",
                    D(2014, 11, 28),
                    "在国土、地税、人社服务大厅设置触摸屏等查阅设施。",
                    co=("local-tax", "hrss"),
                ),
                TaskRow(
                    "用好政务微博、手机报和广播电视",
                    "broadcasting",
                    D(2014, 12, 19),
                    "通过“今日张店”微博、《张店手机报》和政风行风热线发布和解读政务信息。",
                    co=("news-office",),
                ),
                TaskRow(
                    "发挥档案馆政府信息查阅服务作用",
                    "archives",
                    D(2014, 12, 19),
                    "档案馆提供政府公开信息查阅、咨询、复印和出具证明服务。",
                ),
            ],
        ),
        (
            "规范依申请公开工作",
            [
                TaskRow(
                    "规范依申请公开告知书",
                    "general-office",
                    D(2014, 9, 30),
                    "转发并落实依申请公开告知书规范要求，统一告知书格式。",
                    co=("legal-affairs",),
                    weight=2,
                    evidence=("关于进一步规范依申请公开告知书及相关工作的通知",),
                ),
                TaskRow(
                    "建立依申请公开答复合法性审查机制",
                    "legal-affairs",
                    D(2014, 10, 31),
                    "依申请公开答复在发出前由法制部门进行合法性审查。",
                    weight=2,
                ),
                TaskRow(
                    "推进所属事业单位信息公开",
                    "general-office",
                    D(2014, 11, 28),
                    "将区产业转移办、新区拆迁办等事业单位纳入政府信息公开成员单位，教育、医疗"
                    "卫生等单位公开服务承诺和办事程序。",
                    co=("education", "health"),
                ),
            ],
        ),
        (
            "健全监督保障机制",
            [
                TaskRow(
                    "落实政府信息公开考核办法和责任追究办法",
                    "general-office",
                    D(2014, 12, 19),
                    "考核指标及量化分值纳入目标管理考核方案，年终组织考核。",
                    weight=2,
                    evidence=("张店区政府信息公开工作考核办法", "政府信息公开责任追究办法"),
                ),
                TaskRow(
                    "按月公示各部门政府信息公开情况",
                    "general-office",
                    D(2014, 12, 31),
                    "每月在区政府网站公示各部门政府信息公开（网站保障）情况。",
                ),
                TaskRow(
                    "规范政府信息公开情况统计报送",
                    "general-office",
                    D(2014, 11, 28),
                    "印发统计报送通知，统一报送时间、口径和格式。",
                    evidence=("关于规范政府信息公开情况统计报送工作的通知",),
                ),
                TaskRow(
                    "开设“成绩单”公示栏目",
                    "general-office",
                    D(2014, 12, 31),
                    "在区政府网站开设“成绩单”栏目，公示各成员单位2014年政府信息公开工作情况。",
                ),
            ],
        ),
    ],
)

NOTICES_2014 = [
    NoticeRow(
        subject="关于对张政办发〔2014〕50号文件落实情况开展督查工作的通知",
        doc_number="",
        text=(
            "各镇政府、街道办事处，区政府各部门、各单位：\n"
            "为推动张政办发〔2014〕50号文件落实，区政府办公室决定对2014年政府信息公开工作的总体"
            "情况，推进行政权力运行、公共服务、公共监管等重点领域信息公开的情况，政策措施及热点"
            "舆情解读回应情况，依申请公开工作情况开展督导检查。请各牵头单位对照《当前政府信息公开"
            "重点工作安排表》，将落实情况形成书面报告，按时报送区政府办公室。"
        ),
        issued=D(2014, 11, 24),
        reply_days=9,
        closed=True,
        late=("broadcasting", "archives"),
    )
]

# --- 2025 -------------------------------------------------------------------------------------

PLAN_2025 = PlanRow(
    year=2025,
    title="2025年政务公开重点工作安排表",
    doc_number="张政办字〔2025〕8号",
    issued=D(2025, 3, 10),
    description="落实国务院办公厅2025年政务公开工作要点，明确全区政务公开重点任务、责任单位和完成时限。",
    categories=[
        (
            "以政务公开助力优化营商环境",
            [
                TaskRow(
                    "集中公开涉企政策并配发解读",
                    "development-reform",
                    D(2025, 6, 30),
                    "涉企政策在区政府网站“惠企政策”专栏集中公开，重要政策同步解读。",
                    weight=2,
                ),
                TaskRow(
                    "公开政务服务事项清单和办事指南",
                    "government-services",
                    D(2025, 9, 30),
                    "政务服务事项清单和办事指南标准化并在网上公开。",
                    weight=2,
                    story="accepted_extended",
                ),
                TaskRow(
                    "公开涉企收费目录清单",
                    "finance",
                    D(2025, 8, 29),
                    "行政事业性收费和政府性基金目录清单在区政府网站公开并动态更新。",
                ),
            ],
        ),
        (
            "做好民生领域信息公开",
            [
                TaskRow(
                    "公开义务教育招生入学政策和学位信息",
                    "education",
                    D(2025, 6, 13),
                    "招生政策、学区划分和学位情况在报名前公开，录取结果按时公示。",
                    weight=3,
                ),
                TaskRow(
                    "公开基本公共卫生服务项目和医疗机构信息",
                    "health",
                    D(2025, 9, 30),
                    "基本公共卫生服务项目、医疗机构执业信息和便民服务措施公开。",
                    weight=2,
                    story="accepted_late",
                ),
                TaskRow(
                    "公开社会救助政策和资金发放情况",
                    "civil-affairs",
                    D(2025, 10, 31),
                    "低保、特困、临时救助政策和资金发放情况按季度公开。",
                    co=("finance",),
                    weight=2,
                    story="accepted_after_send_back",
                ),
                TaskRow(
                    "公开就业创业扶持政策和招聘信息",
                    "hrss",
                    D(2025, 11, 28),
                    "就业创业扶持政策、补贴申领指南和招聘信息公开。",
                    weight=2,
                    story="extension_refused",
                ),
            ],
        ),
        (
            "加强政策解读和回应关切",
            [
                TaskRow(
                    "重要政策文件同步配发解读",
                    "general-office",
                    D(2025, 12, 19),
                    "区政府及办公室出台的重要政策文件解读率达到100%。",
                    weight=2,
                ),
                TaskRow(
                    "办好政务公开日活动",
                    "news-office",
                    D(2025, 5, 30),
                    "组织“政府开放日”活动，邀请市民代表走进政府部门。",
                ),
            ],
        ),
        (
            "提升政务公开平台和制度建设",
            [
                TaskRow(
                    "规范政务新媒体内容发布和审核",
                    "news-office",
                    D(2025, 8, 29),
                    "建立政务新媒体内容三审制度并公开账号清单。",
                ),
                TaskRow(
                    "开展政府信息公开工作培训",
                    "general-office",
                    D(2025, 7, 31),
                    "组织全区信息员业务培训，覆盖全部成员单位。",
                ),
                TaskRow(
                    "编制发布2024年度政府信息公开工作年度报告",
                    "general-office",
                    D(2025, 3, 31),
                    "按新版格式编制并按时发布区政府及各部门年度报告。",
                    weight=2,
                ),
            ],
        ),
    ],
)

NOTICES_2025 = [
    NoticeRow(
        subject="关于开展2025年政务公开重点工作落实情况督查的通知",
        doc_number="张政办字〔2025〕31号",
        text=(
            "各有关单位：\n为推动2025年政务公开重点工作安排表各项任务落实，区政府办公室将对任务完成"
            "情况开展督查。请各牵头单位对照任务清单自查，形成书面报告（附相关公开网址和佐证材料），"
            "按时报送区政府办公室。"
        ),
        issued=D(2025, 10, 13),
        reply_days=14,
        closed=True,
        late=("hrss",),
    )
]

# --- 2026: the current plan; "today" is in late November ------------------------------------
# Open tasks carry their deadline as working days from today, so that the demonstration shows
# each warning level whenever it is loaded: blue (≤ 10 left), yellow (≤ 3), red (passed).

PLAN_2026 = PlanRow(
    year=2026,
    title="2026年政务公开重点工作安排表",
    doc_number="张政办字〔2026〕6号",
    issued=D(2026, 3, 2),
    description="落实2026年政务公开工作要点，围绕重点领域、民生政策、平台建设、依申请公开和监督保障"
    "五个方面明确重点任务。",
    categories=[
        (
            "深化重点领域信息公开",
            [
                TaskRow(
                    "公开2026年区级预算和部门预算",
                    "finance",
                    D(2026, 3, 31),
                    "区级预算报告和全部部门预算在批准后20日内公开。",
                    weight=3,
                ),
                TaskRow(
                    "公开重大建设项目批准和实施信息",
                    "development-reform",
                    D(2026, 9, 30),
                    "重大建设项目批准、招标投标、施工和竣工信息公开。",
                    weight=2,
                    story="accepted_after_send_back",
                ),
                TaskRow(
                    "公开征收补偿方案和结果",
                    "housing",
                    -6,
                    "房屋征收补偿方案、补偿标准和分户补偿结果公开。",
                    weight=2,
                    story="extension_refused",
                ),
                TaskRow(
                    "公开城市管理执法事项和结果",
                    "urban-management",
                    7,
                    "城管执法事项清单、执法流程和处罚结果公开。",
                    story="in_progress",
                ),
            ],
        ),
        (
            "做好民生政策公开和解读",
            [
                TaskRow(
                    "公开义务教育招生入学政策",
                    "education",
                    D(2026, 6, 12),
                    "招生政策、学区划分和学位情况在报名前公开。",
                    weight=3,
                ),
                TaskRow(
                    "公开秋季学期课后服务安排",
                    "education",
                    2,
                    "各学校课后服务内容、时间和收费标准公开。",
                    co=("prices",),
                    story="sent_back",
                ),
                TaskRow(
                    "公开家庭医生签约服务内容",
                    "health",
                    5,
                    "家庭医生签约服务包、签约流程和团队信息公开。",
                    co=("civil-affairs",),
                    weight=2,
                    story="completion_reported",
                ),
                TaskRow(
                    "公开医疗服务价格和医保报销政策",
                    "health",
                    D(2026, 7, 31),
                    "医疗服务价格和医保报销政策在医疗机构和网站公开。",
                ),
                TaskRow(
                    "公开养老服务补贴政策和机构名录",
                    "civil-affairs",
                    1,
                    "养老服务补贴政策、申领流程和养老机构名录公开。",
                    weight=2,
                    story="extension_pending",
                ),
                TaskRow(
                    "公开稳就业政策清单",
                    "hrss",
                    -10,
                    "稳就业政策清单和补贴申领指南公开。",
                    co=("finance",),
                    weight=2,
                    story="completion_reported_late",
                ),
            ],
        ),
        (
            "加强政务公开平台建设",
            [
                TaskRow(
                    "完善政府网站政策文件库",
                    "general-office",
                    D(2026, 10, 30),
                    "现行有效规范性文件全部入库并标注有效性。",
                    weight=2,
                    story="in_progress_extended",
                ),
                TaskRow(
                    "建设政务公开专区",
                    "government-services",
                    9,
                    "在政务服务中心设立政务公开专区，提供查阅和咨询服务。",
                    story="signed",
                ),
                TaskRow(
                    "开展政务新媒体普查",
                    "news-office",
                    D(2026, 5, 29),
                    "全区政务新媒体账号普查，关停整合“僵尸”账号。",
                ),
            ],
        ),
        (
            "规范依申请公开",
            [
                TaskRow(
                    "统一依申请公开答复文书格式",
                    "legal-affairs",
                    D(2026, 6, 30),
                    "印发依申请公开答复文书示范文本，统一全区文书格式。",
                    weight=2,
                ),
                TaskRow(
                    "开展依申请公开答复质量评查",
                    "legal-affairs",
                    -3,
                    "抽查各单位依申请公开答复，通报评查结果。",
                    story="assigned",
                ),
            ],
        ),
        (
            "强化监督保障",
            [
                TaskRow(
                    "按月公示各单位政务公开工作情况",
                    "general-office",
                    D(2026, 12, 31),
                    "每月在区政府网站公示各成员单位政务公开工作情况。",
                    weight=2,
                    story="in_progress",
                ),
                TaskRow(
                    "编制发布2025年度政府信息公开工作年度报告",
                    "general-office",
                    D(2026, 3, 31),
                    "按规定格式编制并按时发布区政府及各部门年度报告。",
                    weight=2,
                ),
                TaskRow(
                    "组织年度政务公开工作考核",
                    "general-office",
                    D(2026, 12, 31),
                    "制定年度考核指标并组织考核，结果纳入目标管理考核。",
                    story="assigned_recent",
                ),
            ],
        ),
    ],
)

NOTICES_2026 = [
    NoticeRow(
        subject="关于开展2026年政务公开重点工作推进情况督查的通知",
        doc_number="张政办字〔2026〕40号",
        text=(
            "各有关单位：\n2026年政务公开重点工作安排表确定的任务即将到期。请各牵头单位对照任务清单，"
            "将推进情况、存在问题和下一步安排形成书面报告，按时报送区政府办公室。"
        ),
        issued=-6,
        reply_days=8,
        closed=False,
        unanswered=("civil-affairs", "housing", "legal-affairs", "urban-management"),
    ),
    NoticeRow(
        subject="关于做好2026年度政府信息公开工作年度报告编制准备工作的通知",
        doc_number="",
        text=(
            "各成员单位：\n请按照新版年度报告格式，提前梳理本单位2026年主动公开、依申请公开、"
            "行政复议和行政诉讼等数据，确保年度报告按时发布。"
        ),
        issued=-1,
        reply_days=12,
        closed=False,
        draft=True,
    ),
]
