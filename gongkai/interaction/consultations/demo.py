"""Demonstration consultations on drafts (建议征集), played through the services.

``load(stdout)`` is an entry of ``interaction.demo.PART_LOADERS``, run by ``load_demo`` after the
agencies and catalogue loaders inside the command's transaction. Each consultation goes
through the services on the dates of its story (``now=``), so the events, the audit trail, the
moderation and the feedback figures are what real use leaves behind:

* 2025, the health bureau: 《张店区家庭医生签约服务管理办法（征求意见稿）》, by article,
  moderated before showing; closed, with its feedback (points grouped, each comment decided,
  one hidden advertisement) linked to the final document, which the loader publishes in the
  catalogue through the catalogue's services when it is not there yet.
* 2026, the education bureau: the draft of the 2026 admission plan (招生入学工作实施方案),
  comments shown at once; closed early, with its feedback linked to the plan the catalogue's
  demonstration publishes (reused when present, else published here).
* Now, the education bureau: a draft open for comments (from a week ago to three weeks ahead),
  with shown comments and two awaiting moderation in the reviewer's queue. (No attachment: the
  loader writes no file into the media storage.)

Everything personal is invented: names are generated, phone numbers have 0000 in the middle.
Idempotent: a consultation is matched on its agency and title; one found is left as it is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import services as catalogue_services
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.models import User
from gongkai.interaction.consultations import services
from gongkai.interaction.consultations.articles import ArticleData
from gongkai.interaction.consultations.models import (
    CONSULTATION_TZ,
    Comment,
    Consultation,
    Decision,
)

Moderation = Consultation.Moderation
ADOPTED, PARTLY, NOT_ADOPTED = Decision.ADOPTED, Decision.PARTLY, Decision.NOT_ADOPTED


def _at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CONSULTATION_TZ)


@dataclass
class DemoComment:
    day_offset: int  # days after the opening day
    name: str
    text: str
    article: str = ""  # the article's number; "" for the whole draft
    show_name: bool = False
    hide: str = ""  # the moderator's reason to hide it
    pending: bool = False  # left awaiting moderation
    decision: str = ""  # or the key of a point
    reason: str = ""
    point: str = ""


@dataclass
class DemoPoint:
    key: str
    text: str
    decision: str
    reason: str = ""


@dataclass
class FinalDocument:
    title: str
    doc_number: str
    published: datetime.date
    body: str


@dataclass
class DemoConsultation:
    key: str
    agency: str
    editor: str
    reviewer: str
    title: str
    summary: str
    articles: list[ArticleData]
    opens_on: datetime.date
    closes_on: datetime.date
    moderation: str
    comments: list[DemoComment] = field(default_factory=list)
    points: list[DemoPoint] = field(default_factory=list)
    closed_early_on: datetime.date | None = None
    close_reason: str = ""
    feedback_on: datetime.date | None = None
    feedback_summary: str = ""
    final: FinalDocument | None = None


def _articles(*rows: tuple[str, str, str]) -> list[ArticleData]:
    return [ArticleData(number=n, heading=h, text=t) for n, h, t in rows]


FAMILY_DOCTOR = DemoConsultation(
    key="family-doctor-2025",
    agency="health",
    editor="health-editor",
    reviewer="health-reviewer",
    title="张店区家庭医生签约服务管理办法（征求意见稿）",
    summary=(
        "为规范家庭医生签约服务，提高基层医疗卫生服务质量，区卫生局起草了本办法征求意见稿，"
        "现向社会公开征求意见。请于征求意见截止日前提出意见和建议。"
    ),
    articles=_articles(
        (
            "第一条",
            "目的依据",
            "为规范家庭医生签约服务，推进分级诊疗，根据有关规定，结合本区实际，制定本办法。",
        ),
        (
            "第二条",
            "适用范围",
            "本办法适用于本区各社区卫生服务中心、镇卫生院提供的家庭医生签约服务。",
        ),
        (
            "第三条",
            "签约对象",
            "本区常住居民均可自愿签约，老年人、孕产妇、儿童、慢性病患者为重点人群。",
        ),
        (
            "第四条",
            "服务团队",
            "家庭医生团队由全科医生、护士和公共卫生人员组成，每个团队签约人数原则上不超过二千人。",
        ),
        (
            "第五条",
            "服务内容",
            "签约服务包括基本医疗、公共卫生和约定的健康管理服务，签约周期为一年。",
        ),
        ("第六条", "服务费用", "签约服务费由医保基金、基本公共卫生服务经费和签约居民共同分担。"),
        ("第七条", "考核", "区卫生局每年对签约服务的数量和质量进行考核，考核结果与绩效工资挂钩。"),
        ("第八条", "施行日期", "本办法自发布之日起施行。"),
    ),
    opens_on=datetime.date(2025, 5, 6),
    closes_on=datetime.date(2025, 6, 5),
    moderation=Moderation.BEFORE,
    points=[
        DemoPoint(
            "hours",
            "多位居民建议家庭医生在周末和晚间提供服务或电话咨询。",
            PARTLY,
            "已增加“家庭医生团队应公布咨询电话，工作日晚间提供电话咨询”的规定；"
            "周末门诊受人员编制所限，暂由各中心轮流值班解决。",
        ),
        DemoPoint(
            "team-size",
            "关于每个团队签约人数上限的意见。",
            ADOPTED,
        ),
    ],
    comments=[
        DemoComment(
            1,
            "王建华",
            "建议家庭医生周末也能提供门诊服务，上班族平时没有时间。",
            article="第五条",
            point="hours",
        ),
        DemoComment(
            2,
            "李秀英",
            "希望晚上能打电话咨询家庭医生。",
            article="第五条",
            point="hours",
            show_name=True,
        ),
        DemoComment(
            3,
            "赵明",
            "二千人太多了，一个团队照顾不过来，建议降到一千五百人。",
            article="第四条",
            point="team-size",
        ),
        DemoComment(
            4, "刘国平", "团队人数上限应按实际人员数量核定。", article="第四条", point="team-size"
        ),
        DemoComment(
            5,
            "陈玉",
            "建议将残疾人列入重点人群。",
            article="第三条",
            decision=ADOPTED,
            reason="已将残疾人、计划生育特殊家庭成员列入重点人群。",
        ),
        DemoComment(
            8,
            "周立军",
            "签约服务费中个人负担部分应对低保对象减免。",
            article="第六条",
            decision=ADOPTED,
            show_name=True,
        ),
        DemoComment(
            10,
            "吴晓",
            "建议取消签约周期，改为长期有效。",
            article="第五条",
            decision=NOT_ADOPTED,
            reason="一年的签约周期便于居民重新选择家庭医生，也便于考核服务质量，故保留。",
        ),
        DemoComment(12, "徐海", "代办各类证件，联系微信。", hide="广告，与征求意见无关。"),
        DemoComment(
            15,
            "孙春",
            "考核结果应向社会公开。",
            article="第七条",
            decision=PARTLY,
            reason="考核结果将在区卫生局网站公布汇总情况，各团队的具体得分不单独公布。",
        ),
        DemoComment(20, "马新", "整体赞成，建议尽快实施。", decision=ADOPTED),
    ],
    feedback_on=datetime.date(2025, 7, 8),
    feedback_summary=(
        "2025年5月6日至6月5日，区卫生局就《张店区家庭医生签约服务管理办法（征求意见稿）》"
        "向社会公开征求意见。经认真研究，对合理的意见予以采纳，并对办法作了相应修改；"
        "对未采纳的意见说明了理由。"
    ),
    final=FinalDocument(
        title="张店区家庭医生签约服务管理办法",
        doc_number="张卫发〔2025〕12号",
        published=datetime.date(2025, 7, 1),
        body="<p>为规范家庭医生签约服务，推进分级诊疗，制定本办法。</p>"
        "<p>本办法自发布之日起施行。</p>",
    ),
)

ADMISSION = DemoConsultation(
    key="admission-2026",
    agency="education",
    editor="edu-editor",
    reviewer="edu-reviewer",
    title="张店区2026年义务教育学校招生入学工作实施方案（征求意见稿）",
    summary=(
        "为做好2026年义务教育学校招生入学工作，区教育局起草了实施方案征求意见稿，"
        "现公开征求社会各界意见。"
    ),
    articles=_articles(
        ("第一条", "招生原则", "坚持免试就近入学，公办、民办学校同步招生。"),
        ("第二条", "划片范围", "各学校招生范围按学区划分，学区范围在报名前向社会公布。"),
        ("第三条", "报名材料", "适龄儿童凭户口簿、房产证明或居住证报名。"),
        ("第四条", "随迁子女", "进城务工人员随迁子女凭居住证和就业证明，由区教育局统筹安排入学。"),
        ("第五条", "时间安排", "网上报名时间为7月1日至7月10日。"),
    ),
    opens_on=datetime.date(2026, 3, 9),
    closes_on=datetime.date(2026, 3, 31),
    moderation=Moderation.AT_ONCE,
    comments=[
        DemoComment(
            0,
            "杨丽",
            "学区范围应提前一个月公布，方便家长准备。",
            article="第二条",
            decision=ADOPTED,
            show_name=True,
        ),
        DemoComment(
            1,
            "黄志",
            "建议报名材料可以网上提交，不必到学校现场。",
            article="第三条",
            decision=ADOPTED,
            reason="",
        ),
        DemoComment(
            2,
            "郭永",
            "随迁子女的就业证明难以取得，建议用社保缴纳记录代替。",
            article="第四条",
            decision=PARTLY,
            reason="就业证明可由劳动合同、营业执照或社保缴纳记录之一代替。",
        ),
        DemoComment(
            3,
            "何德",
            "建议取消划片，家长自由择校。",
            article="第一条",
            decision=NOT_ADOPTED,
            reason="免试就近入学是义务教育法的规定，不能取消。",
        ),
        DemoComment(
            4,
            "高昌",
            "报名时间与暑假安排冲突，建议提前到6月。",
            article="第五条",
            decision=NOT_ADOPTED,
            reason="学区和学位情况6月下旬方能确定，报名时间无法提前。",
        ),
    ],
    closed_early_on=datetime.date(2026, 3, 27),
    close_reason="招生计划需提前报市教育局审核，经局务会研究提前结束征求意见。",
    feedback_on=datetime.date(2026, 4, 24),
    feedback_summary=(
        "征求意见期间共收到意见建议5条。区教育局逐条研究，采纳或部分采纳3条，"
        "对未采纳的意见说明了理由。方案已于2026年4月21日正式印发。"
    ),
    final=FinalDocument(
        # The title of the catalogue demonstration's document (key "education-2026").
        title="张店区2026年义务教育学校招生入学工作实施方案",
        doc_number="张教发〔2026〕9号",
        published=datetime.date(2026, 4, 21),
        body="<p>为做好2026年义务教育学校招生入学工作，制定本方案。</p>",
    ),
)


def _open_consultation(today: datetime.date) -> DemoConsultation:
    return DemoConsultation(
        key="tutoring-open",
        agency="education",
        editor="edu-editor",
        reviewer="edu-reviewer",
        title="张店区校外培训机构监督管理办法（征求意见稿）",
        summary=(
            "为规范校外培训行为，保障学生和家长合法权益，区教育局起草了本办法征求意见稿，"
            "现向社会公开征求意见，欢迎提出意见和建议。"
        ),
        articles=_articles(
            (
                "第一条",
                "目的",
                "为规范校外培训机构办学行为，减轻学生过重校外培训负担，制定本办法。",
            ),
            ("第二条", "审批", "举办校外培训机构应当依法取得办学许可证。"),
            ("第三条", "收费", "培训机构收费时段不得超过三个月，预收费用应纳入监管账户。"),
            ("第四条", "培训时间", "线下培训结束时间不得晚于20:30。"),
            (
                "第五条",
                "监督检查",
                "区教育局会同有关部门对培训机构开展联合检查，检查结果向社会公布。",
            ),
        ),
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=23),
        moderation=Moderation.BEFORE,
        comments=[
            DemoComment(0, "林华", "预收费用监管很有必要，建议明确退费时限。", article="第三条"),
            DemoComment(1, "罗建平", "建议公布培训机构白名单。", article="第五条", show_name=True),
            DemoComment(2, "梁英", "周末的培训时间也应当限制。", article="第四条"),
            DemoComment(5, "宋文", "建议培训机构教师也要公示资格证书。", pending=True),
            DemoComment(
                6, "唐明", "希望设立投诉电话并在机构门口公示。", article="第五条", pending=True
            ),
        ],
    )


# --- Playing the stories -------------------------------------------------------------------


def _final_document(final: FinalDocument, agency: Agency, editor: User, reviewer: User) -> Document:
    """The final document: the published one of the catalogue when it is there (the catalogue
    demonstration's), else published now through the catalogue's own services."""
    existing = (
        public_document_rows().filter(agency=agency, title=final.title).order_by("pk").first()
    )
    if existing is not None:
        return existing
    at = _at(final.published, 10)
    document = catalogue_services.create_document(
        agency=agency,
        actor=editor,
        kind=Document.Kind.DOCUMENT,
        title=final.title,
        summary=f"《{final.title}》全文。",
        body=final.body,
        formation_date=final.published - datetime.timedelta(days=5),
        doc_number=final.doc_number,
        now=at - datetime.timedelta(hours=2),
    )
    document = catalogue_services.submit_document(
        document, actor=editor, now=at - datetime.timedelta(hours=1)
    )
    return catalogue_services.approve_document(document, actor=reviewer, now=at)


def _key(story: DemoConsultation, number: int) -> str:
    return f"demo-{story.key}-{number:04d}"[:64]


def play(
    story: DemoConsultation, agency: Agency, users: dict[str, User], now: datetime.datetime
) -> Consultation:
    """Create, publish, comment on, moderate, close and report on one consultation up to
    ``now`` (stories of the past end with their feedback)."""
    editor, reviewer = users[story.editor], users[story.reviewer]
    created = _at(story.opens_on - datetime.timedelta(days=3), 9)
    published_at = _at(story.opens_on - datetime.timedelta(days=1), 15)
    consultation = services.create_consultation(
        agency=agency,
        actor=editor,
        title=story.title,
        summary=story.summary,
        body="".join(f"<p>{a.number} {a.text}</p>" for a in story.articles),
        opens_on=story.opens_on,
        closes_on=story.closes_on,
        moderation=story.moderation,
        articles=story.articles,
        now=created,
    )
    services.publish_consultation(consultation, actor=reviewer, now=published_at)
    articles = {article.number: article for article in consultation.articles.all()}
    made: list[tuple[DemoComment, Comment]] = []
    for number, item in enumerate(story.comments, start=1):
        at = _at(
            story.opens_on + datetime.timedelta(days=item.day_offset),
            10 + number % 8,
            5 * number % 60,
        )
        if at > now:
            continue
        comment, _created = services.submit_comment(
            consultation,
            name=item.name,
            contact=f"1390000{number:04d}",
            text=item.text,
            show_name=item.show_name,
            article=articles.get(item.article) if item.article else None,
            submission_key=_key(story, number),
            now=at,
        )
        made.append((item, comment))
        if story.moderation == Moderation.BEFORE and not item.pending and not item.hide:
            services.moderate_comment(
                comment, actor=reviewer, show=True, now=at + datetime.timedelta(hours=2)
            )
        if item.hide:
            services.moderate_comment(
                comment,
                actor=reviewer,
                show=False,
                reason=item.hide,
                now=at + datetime.timedelta(hours=2),
            )
    if story.closed_early_on is not None and _at(story.closed_early_on, 17) <= now:
        services.close_consultation(
            consultation,
            actor=reviewer,
            reason=story.close_reason,
            now=_at(story.closed_early_on, 17),
        )
    elif consultation.closes_at <= now:
        # The daily job's run on the morning after the closing day.
        services.close_if_due(
            consultation, now=consultation.closes_at + datetime.timedelta(hours=1)
        )
    if story.feedback_on is None or _at(story.feedback_on, 15) > now:
        return consultation
    at = _at(story.feedback_on, 9)
    services.save_feedback(consultation, actor=reviewer, summary=story.feedback_summary, now=at)
    points = {
        point.key: services.add_feedback_point(
            consultation,
            actor=reviewer,
            text=point.text,
            decision=point.decision,
            reason=point.reason,
            now=at,
        )
        for point in story.points
    }
    decisions = [
        services.CommentDecision(
            comment_id=comment.pk,
            point_id=points[item.point].pk if item.point else None,
            decision="" if item.point else item.decision,
            reason="" if item.point else item.reason,
        )
        for item, comment in made
        if not item.hide
    ]
    services.record_decisions(consultation, actor=reviewer, decisions=decisions, now=at)
    final = None
    if story.final is not None:
        final = _final_document(story.final, agency, editor, reviewer)
    services.publish_feedback(
        consultation,
        actor=reviewer,
        final_document=final,
        now=at + datetime.timedelta(hours=6),
    )
    return consultation


def load(stdout: TextIO) -> None:
    """The consultations loader (after the agencies and catalogue loaders)."""
    now = timezone.now()
    today = now.astimezone(CONSULTATION_TZ).date()
    stories = [FAMILY_DOCTOR, ADMISSION, _open_consultation(today)]
    slugs = {story.agency for story in stories}
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=slugs)}
    usernames = {name for story in stories for name in (story.editor, story.reviewer)}
    users = {user.username: user for user in User.objects.filter(username__in=usernames)}
    created = kept = 0
    for story in stories:
        agency = agencies.get(story.agency)
        if agency is None or story.editor not in users or story.reviewer not in users:
            stdout.write(
                _("Consultation “%(title)s” skipped: its agency or staff are missing.\n")
                % {"title": story.title}
            )
            continue
        if Consultation.objects.filter(agency=agency, title=story.title).exists():
            kept += 1
            continue
        if _at(story.opens_on - datetime.timedelta(days=1), 15) > now:
            continue  # a story that has not begun yet on this machine's date
        play(story, agency, users, now)
        created += 1
    stdout.write(
        _("Consultations on drafts: %(created)d created, %(kept)d already present.\n")
        % {"created": created, "kept": kept}
    )
