"""Generated Chinese government titles and bodies for the demonstration catalogue.

Everything here is assembled from a small vocabulary of the usual phrases of district
government documents and news items (会议、部署、通知、实施方案 …): the texts are generated, not
copied from any real document. A :class:`TextGenerator` built with the same seed produces the
same texts in the same order, so the demonstration data are reproducible and the loader can
match what it made before.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

CN_NUMERALS = "一二三四五六七八九十"

# Subjects by area: what a body's documents and news items are about.
SUBJECTS: dict[str, tuple[str, ...]] = {
    "general": (
        "政府信息公开",
        "政务服务",
        "安全生产",
        "文明城市创建",
        "重点项目建设",
        "行政审批制度改革",
        "社会治安综合治理",
        "节能减排",
        "防汛抗旱",
        "冬季供暖保障",
        "电子政务",
        "机关作风建设",
        "依法行政",
        "民生实事",
        "营商环境优化",
    ),
    "health": (
        "基本公共卫生服务",
        "医院管理",
        "卫生应急保障",
        "红十字会工作",
        "卫生系统安全生产",
        "卫生系统纪检监察",
        "乡村医生培训",
        "新型农村合作医疗",
        "重大传染病防控",
        "医疗服务价格公示",
        "职业卫生监督",
        "健康教育",
    ),
    "environment": (
        "大气污染防治",
        "细颗粒物（PM2.5）监测",
        "老旧机动车淘汰",
        "APEC会议期间环境保障",
        "建设项目环境影响评价",
        "环境监察执法",
        "重点污染源监管",
        "饮用水水源地保护",
        "扬尘污染治理",
        "燃煤锅炉整治",
        "建设项目竣工环境保护验收",
    ),
    "education": (
        "义务教育段学校招生",
        "校园安全",
        "教师队伍建设",
        "学前教育",
        "中小学生资助",
        "校舍维修改造",
        "教育信息化",
        "素质教育",
    ),
    "civil": (
        "城乡低保",
        "临时困难救助",
        "养老服务",
        "社区建设",
        "优抚安置",
        "救灾物资储备",
        "殡葬管理",
        "婚姻登记",
    ),
    "employment": (
        "创业扶持",
        "灵活就业人员公共就业服务",
        "高校毕业生就业",
        "社会保险扩面征缴",
        "劳动保障监察",
        "职业技能培训",
        "事业单位公开招聘",
        "工伤保险",
    ),
    "housing": (
        "保障性安居工程",
        "经济适用住房",
        "廉租住房货币补贴",
        "公共租赁住房",
        "物业服务管理",
        "房屋征收",
    ),
    "economy": (
        "工业经济运行",
        "招商引资",
        "财政预算执行",
        "政府采购",
        "统计调查",
        "企业服务",
        "服务业发展",
        "项目建设",
    ),
    "rural": (
        "农村土地承包经营权确权登记颁证",
        "农田水利建设",
        "动物防疫",
        "农业技术推广",
        "植树造林",
        "美丽乡村建设",
        "农村三资管理",
    ),
    "town": (
        "社区网格化管理",
        "环境卫生整治",
        "安全隐患排查",
        "困难群众走访慰问",
        "征兵",
        "计划生育服务",
        "农村集体经济发展",
        "文化惠民",
    ),
}

NEWS_VERBS = (
    "召开{subject}工作会议",
    "部署{subject}工作",
    "扎实推进{subject}工作",
    "开展{subject}专项检查",
    "组织{subject}业务培训",
    "召开{subject}工作推进会",
    "全面完成{subject}阶段性任务",
    "开展{subject}宣传活动",
    "督导检查{subject}工作",
    "{subject}工作取得明显成效",
)
NOTICE_TITLES = (
    "关于{month}月份{subject}工作安排的通知",
    "关于开展{subject}工作的公告",
    "关于{subject}有关事项的通告",
    "{subject}工作公示",
    "关于做好{year}年{subject}工作的通知",
)
# (template, genre code): the 体裁 follows from the form of the title.
DOCUMENT_TITLES: tuple[tuple[str, str], ...] = (
    ("关于进一步做好{subject}工作的通知", "tongzhi"),
    ("关于印发{place}{subject}实施方案的通知", "tongzhi"),
    ("关于加强{subject}工作的意见", "yijian"),
    ("关于开展{subject}专项检查的通知", "tongzhi"),
    ("{place}{year}年{subject}工作要点", "qita"),
    ("关于{year}年{subject}工作情况的报告", "baogao"),
    ("{place}{subject}管理办法", "banfa"),
    ("关于{subject}工作的通报", "tongbao"),
    ("关于调整{subject}工作领导小组成员的通知", "tongzhi"),
    ("{place}{subject}工作规定", "guiding"),
)
OPENINGS = (
    "为深入贯彻落实上级关于{subject}的决策部署，进一步提高工作水平，结合我区实际，现就有关事项通知如下。",
    "根据有关法律法规和上级文件精神，为切实做好{subject}工作，经研究，制定本{genre}。",
    "为规范{subject}工作，保障人民群众合法权益，推动各项任务落到实处，现提出如下意见。",
)
SECTION_HEADINGS = ("总体要求", "主要任务", "工作步骤", "保障措施", "有关要求")
SENTENCES = (
    "各镇政府、街道办事处，区政府各部门要高度重视，明确分管领导和具体责任人。",
    "要坚持问题导向，对照任务清单逐项梳理，做到底数清、情况明。",
    "要加强部门之间的沟通协调，形成齐抓共管的工作合力。",
    "要建立健全工作台账，按月报送工作进展情况，确保各项任务按期完成。",
    "区政府办公室将适时组织督导检查，检查结果纳入年度目标管理考核。",
    "要充分利用政府网站、政务微博、《张店通讯》等渠道，加大宣传力度，营造良好氛围。",
    "对工作中发现的问题，要及时研究解决，重大事项及时向区政府报告。",
    "要严格落实工作责任制，对工作不力、推诿扯皮的，依照有关规定严肃问责。",
    "要注重总结经验做法，推动工作由阶段性向常态化转变。",
    "要强化资金保障，专款专用，确保资金使用安全高效。",
    "各有关单位要于每季度末将工作开展情况书面报送牵头部门。",
    "要坚持公开透明，依法主动公开工作进展和结果，自觉接受社会监督。",
)
NEWS_SENTENCES = (
    "会议传达学习了上级有关会议精神，总结了前一阶段工作，安排部署了下一步重点任务。",
    "会议要求，各单位要进一步统一思想、提高认识，切实增强做好工作的责任感和紧迫感。",
    "活动期间，工作人员现场发放宣传材料、解答群众咨询，受到居民群众好评。",
    "检查组采取听取汇报、查阅资料、实地察看等方式，对工作开展情况进行了全面检查。",
    "下一步，将继续加大工作力度，完善长效机制，推动各项工作再上新台阶。",
    "与会人员围绕工作中遇到的困难和问题进行了交流发言，并提出了意见建议。",
    "此次培训邀请有关专家授课，进一步提升了工作人员的业务能力和服务水平。",
    "截至目前，已累计完成年度任务的百分之八十以上，工作进度走在全市前列。",
)
ENV_PROJECTS = (
    "年产五万吨新型建材项目",
    "商住小区建设项目",
    "污水处理厂提标改造项目",
    "加油站改扩建项目",
    "物流园区建设项目",
    "热电联产机组改造项目",
    "医院门诊楼扩建项目",
    "汽车维修服务中心项目",
    "食品加工厂技术改造项目",
    "精细化工中间体项目",
)
ENV_TITLES = (
    "{place}{month}月{day}日空气质量监测数据",
    "关于{project}环境影响评价文件受理情况的公示",
    "关于{project}环境影响评价文件拟审批意见的公示",
    "关于{project}环境影响评价文件审批决定的公告",
    "关于{project}竣工环境保护验收情况的公示",
    "{month}月份重点污染源监督性监测结果",
    "{month}月份环境监察执法情况通报",
    "关于做好{subject}工作的通知",
)
ENTERPRISE_WORDS = (
    "鑫源",
    "华润",
    "恒通",
    "鲁中",
    "齐鲁",
    "金晶",
    "宏达",
    "盛世",
    "博远",
    "天成",
    "瑞丰",
    "永泰",
)
KEYWORDS_COMMON = ("通知", "工作", "实施", "管理", "服务")


@dataclass(frozen=True)
class GeneratedText:
    """One generated title with what goes with it."""

    title: str
    genre: str  # Genre code
    subject: str
    summary: str
    keywords: str


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二 (enough for section numbers)."""
    if n <= 10:
        return CN_NUMERALS[n - 1]
    return "十" + CN_NUMERALS[n - 11]


class TextGenerator:
    """Titles, summaries and bodies from the vocabulary above, reproducible from ``seed``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demonstration text, no secret

    def choice(self, values: Sequence[str]) -> str:
        return values[self.rng.randrange(len(values))]

    def subject(self, area: str) -> str:
        return self.choice(SUBJECTS.get(area, SUBJECTS["general"]))

    def news_title(self, *, body_name: str, area: str) -> GeneratedText:
        subject = self.subject(area)
        title = body_name + self.choice(NEWS_VERBS).format(subject=subject)
        return self._with_extras(title, "qita", subject)

    def notice_title(self, *, area: str, date: datetime.date) -> GeneratedText:
        subject = self.subject(area)
        title = self.choice(NOTICE_TITLES).format(subject=subject, month=date.month, year=date.year)
        genre = "gonggao" if "公告" in title else "tongzhi"
        return self._with_extras(title, genre, subject)

    def document_title(
        self, *, area: str, date: datetime.date, place: str = "张店区"
    ) -> GeneratedText:
        subject = self.subject(area)
        template, genre = DOCUMENT_TITLES[self.rng.randrange(len(DOCUMENT_TITLES))]
        title = template.format(subject=subject, place=place, year=date.year)
        return self._with_extras(title, genre, subject)

    def environment_title(self, *, date: datetime.date) -> GeneratedText:
        subject = self.subject("environment")
        project = self.choice(ENTERPRISE_WORDS) + self.choice(ENV_PROJECTS)
        template = self.choice(ENV_TITLES)
        title = template.format(
            subject=subject, project=project, place="张店区", month=date.month, day=date.day
        )
        genre = "gonggao" if "公告" in title else ("tongbao" if "通报" in title else "qita")
        if title.startswith("关于做好"):
            genre = "tongzhi"
        return self._with_extras(title, genre, subject)

    def _with_extras(self, title: str, genre: str, subject: str) -> GeneratedText:
        summary = f"{title.removesuffix('的通知').removesuffix('的意见')}有关情况和要求。"
        words = [subject, *self.rng.sample(KEYWORDS_COMMON, 2)]
        return GeneratedText(title, genre, subject, summary, " ".join(words))

    def document_body(self, text: GeneratedText, *, issuer: str, date: datetime.date) -> str:
        """An official document: opening, numbered sections, the issuer and the date."""
        genre_word = {"banfa": "办法", "guiding": "规定", "yijian": "意见"}.get(text.genre, "方案")
        parts = [
            f"<p>{escape(self.choice(OPENINGS).format(subject=text.subject, genre=genre_word))}</p>"
        ]
        headings = self.rng.sample(SECTION_HEADINGS, self.rng.randint(2, 4))
        for number, heading in enumerate(headings, 1):
            sentences = "".join(self.rng.sample(SENTENCES, self.rng.randint(2, 3)))
            parts.append(f"<h3>{chinese_numeral(number)}、{heading}</h3><p>{sentences}</p>")
        parts.append(f"<p>{escape(issuer)}</p><p>{date.year}年{date.month}月{date.day}日</p>")
        return "".join(parts)

    def news_body(self, text: GeneratedText, *, body_name: str, date: datetime.date) -> str:
        """A news item: the event in its first sentence, then two or three sentences."""
        lead = (
            f"{date.month}月{date.day}日，{body_name}围绕{text.subject}工作"
            f"{self.choice(('召开专题会议', '组织开展集中行动', '进行专题调度'))}。"
        )
        rest = "".join(self.rng.sample(NEWS_SENTENCES, self.rng.randint(2, 3)))
        return f"<p>{escape(lead)}</p><p>{escape(rest)}</p>"

    def interpretation_body(self, policy_title: str, *, subject: str) -> str:
        """A text interpretation (政策解读): background, main content, what changes."""
        return (
            f"<h3>一、出台背景</h3><p>为做好{escape(subject)}工作，区政府研究制定了"
            f"《{escape(policy_title)}》。</p>"
            f"<h3>二、主要内容</h3><p>{''.join(self.rng.sample(SENTENCES, 2))}</p>"
            "<h3>三、解读机关及联系方式</h3><p>如有疑问，请在工作时间向起草部门咨询。</p>"
        )
