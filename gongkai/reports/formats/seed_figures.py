"""The figures of the seed's 2014 report structure (``seed2014``), counted from the records.

Each function reads one capability through its selectors and returns named
:class:`~gongkai.reports.content.Figure`\\ s, with :class:`~gongkai.reports.content.Ref`\\ s
to the records behind them where the figure counts records. Keys are stable ASCII; labels are
the Chinese of the report (content, not interface). Nothing here is typed in: the seed's
figures (15 applications, 376 letters, 18 normative documents …) come back from the
demonstration's records because those records were made to match them.

Definitions (where the seed leaves room):

* an application is *by letter* when it came by registered or ordinary mail; *online* through
  the online form; anything else (in person, fax, e-mail) is *other*. Applications count for
  the agency asked; *to the district government and its departments* means an agency of kind
  government, general office or department, *to the towns and sub-districts* one of kind town or
  sub-district; *answered* means answered (replied, or closed with an outcome) by 31 December;
* *fees* are the processing fees paid in the year and *waivers* the fee notices waived in it;
  *reconsideration and litigation* the remedies filed in the year;
* *posts* are the public documents of the scope's agencies first published in the year, of
  every kind; *disclosed* those of kind document or interpretation;
* the *power list* is the list standing on 31 December (published by then and not withdrawn);
  *procurement notices* those published in the year, *results* the results of those projects
  (matched by agency and project name) published by the day the report is made — a project
  announced in December is decided in January, and the seed's report (written in the new year)
  counts its result;
* *letters* are the portal's letters and the reply rate is decision 0017's, read on 31 December;
* the *hotline*, the *archive* and the other service points are decision 0016's yearly totals;
* *key tasks* are the year's plan (9 categories, 42 tasks in 2014): categories, tasks, those
  accepted by 31 December;
* *membership* is read on 1 January and 31 December, the changes between them, and the public
  institutions' share of the members (``agencies.selectors.membership_share``).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gongkai.agencies import selectors as agency_selectors
from gongkai.agencies.models import Agency, MembershipChange
from gongkai.catalogue.selectors import lists as list_selectors
from gongkai.catalogue.selectors import public as catalogue_selectors
from gongkai.core.context import once_a_request
from gongkai.info_requests import selectors as request_selectors
from gongkai.info_requests.models import InfoRequest, Remedy
from gongkai.interaction.channels import selectors as channel_selectors
from gongkai.interaction.channels.models import LEVEL_METRICS, ServicePoint
from gongkai.interaction.letters import statistics as letter_statistics
from gongkai.reports import tables
from gongkai.reports.content import Figure, LazyRefs, Ref
from gongkai.reports.formats.base import Subject
from gongkai.reports.formats.common import percent
from gongkai.supervision.plans import selectors as plan_selectors

Figures = dict[str, Figure]
JOINED, LEFT = MembershipChange.Change.JOINED, MembershipChange.Change.LEFT

LETTER_CHANNELS = frozenset(
    {InfoRequest.Channel.REGISTERED_MAIL, InfoRequest.Channel.ORDINARY_MAIL}
)
DISTRICT_KINDS = frozenset(
    {Agency.Kind.GOVERNMENT, Agency.Kind.GENERAL_OFFICE, Agency.Kind.DEPARTMENT}
)
TOWN_KINDS = frozenset({Agency.Kind.TOWN, Agency.Kind.SUBDISTRICT})
DISCLOSED_KINDS = frozenset({"document", "interpretation"})  # catalogue Document.Kind values
LICENSING = "行政许可"  # the power list's power_type for licensing items
LITIGATION_KINDS = frozenset({Remedy.Kind.LITIGATION, Remedy.Kind.LITIGATION_AFTER})
# What each channel metric is called in the report and its unit (content, not interface).
CHANNEL_METRICS: dict[str, tuple[str, str]] = {
    "posts": ("发布信息", "条次"),
    "messages_received": ("收到网民留言", "条次"),
    "messages_answered": ("回复网民留言", "条次"),
    "issues": ("编发", "期"),
    "copies": ("印刷发行", "份"),
    "messages_sent": ("发送短信", "条"),
    "followers": ("粉丝", "人"),
    "subscribers": ("订阅用户", "户"),
}


def channel_clause(code: str, *, total: bool = False) -> str:
    """The words before a channel figure: ``本年发布信息``, ``年底粉丝``, ``开通以来累计编发``."""
    label = CHANNEL_METRICS[code][0]
    if total:
        return f"开通以来累计{label}"
    return ("年底" if code in LEVEL_METRICS else "本年") + label


SERVICE_FIGURES = (
    ("visitors", "接待查阅群众", "人次"),
    ("phone_consultations", "接待电话咨询", "人次"),
    ("files_consulted", "查询利用档案", "卷次"),
    ("pages_copied", "复印档案资料", "页"),
    ("certificates_issued", "出具证明", "份"),
)


def _figure(
    figures: Figures,
    key: str,
    label: str,
    value: int | Decimal,
    unit: str = "",
    refs: Iterable[Ref] = (),
) -> None:
    figures[key] = Figure(key=key, label=label, value=value, unit=unit, refs=tuple(refs))


def _refs(kind: str, keys: Iterable[object]) -> tuple[Ref, ...]:
    return tuple(Ref(kind, str(key)) for key in keys)


# --------------------------------------------------------------------------- applications


def application_figures(subject: Subject) -> Figures:
    """Section 六–八: applications received, by channel and by addressee, answered; fees and
    waivers; reconsiderations and lawsuits filed."""
    scope = subject.scope
    # The applications received in the year, answered or not by 31 December: those table 三
    # read (its row 一), by the day received and tracking number. Never the applicant's fields.
    rows = sorted(
        (
            (
                application.received_on,
                application.number,
                application.channel,
                application.agency_id,
                application.answered_on is not None,
            )
            for application in tables.table_three(scope).applications
            if application.received_on >= scope.start
        ),
        key=lambda row: (row[0], row[1]),
    )
    kinds = {
        agency.pk: agency.kind
        for agency in agency_selectors.membership().agencies_in(
            {agency_id for *_, agency_id, _answered in rows}
        )
    }

    groups: dict[str, list[str]] = {
        name: []
        for name in (
            "received",
            "online",
            "letter",
            "other_channel",
            "district",
            "town",
            "other_body",
            "answered",
        )
    }
    for _received_on, number, channel, agency_id, answered in rows:
        kind = kinds.get(agency_id)
        groups["received"].append(number)
        if channel == InfoRequest.Channel.ONLINE:
            groups["online"].append(number)
        elif channel in LETTER_CHANNELS:
            groups["letter"].append(number)
        else:
            groups["other_channel"].append(number)
        if kind in DISTRICT_KINDS:
            groups["district"].append(number)
        elif kind in TOWN_KINDS:
            groups["town"].append(number)
        else:
            groups["other_body"].append(number)
        if answered:
            groups["answered"].append(number)
    labels = {
        "received": "收到政府信息公开申请",
        "online": "通过互联网申请",
        "letter": "以信函形式申请",
        "other_channel": "以其他方式申请",
        "district": "向区政府及其工作部门提出的申请",
        "town": "向镇政府（街道办事处）提出的申请",
        "other_body": "向其他单位提出的申请",
        "answered": "年内已答复的申请",
    }
    figures: Figures = {}
    total = len(groups["received"])
    for name, members in groups.items():
        refs = _refs("info_request", members)
        _figure(figures, f"requests_{name}", labels[name], len(members), "件", refs)
        if name != "received":
            _figure(
                figures,
                f"requests_{name}_share",
                f"{labels[name]}占申请总数的比例",
                percent(len(members), total),
                "%",
                refs,
            )
    handling = None if subject.is_government else list(scope.agency_ids)
    collected, waivers = request_selectors.fees_and_waivers(scope.year, agency_ids=handling)
    _figure(figures, "fees_collected", "收取政府信息公开处理费", collected, "元")
    _figure(
        figures, "fee_waivers", "减免收费的申请", len(waivers), "件", _refs("info_request", waivers)
    )
    # Filed in the year, from the read table 四 shares (``remedies_of_year``).
    remedies = [
        (kind, number)
        for kind, _result, _decided_on, filed_on, number in tables.remedies_of_year(scope)
        if filed_on >= scope.start
    ]
    reconsiderations = [number for kind, number in remedies if kind == Remedy.Kind.RECONSIDERATION]
    lawsuits = [number for kind, number in remedies if kind in LITIGATION_KINDS]
    _figure(
        figures,
        "reconsiderations",
        "因政府信息公开申请提起的行政复议",
        len(reconsiderations),
        "件",
        _refs("info_request", reconsiderations),
    )
    _figure(
        figures,
        "lawsuits",
        "因政府信息公开申请提起的行政诉讼",
        len(lawsuits),
        "件",
        _refs("info_request", lawsuits),
    )
    return figures


# --------------------------------------------------------------------------- catalogue


def catalogue_figures(subject: Subject) -> Figures:
    """Section 二 and 五: posts and disclosed items of the year, interpretations, normative
    documents registered, page visits (the government's only), the power list, procurement."""
    scope = subject.scope
    figures: Figures = {}
    documents = list(
        catalogue_selectors.documents_published_between(
            scope.start, scope.end, agency_ids=scope.agency_ids
        )
        .order_by("published_at", "id")
        .values_list("pk", "kind")
    )
    _figure(
        figures,
        "posts",
        "发布各类政务信息",
        len(documents),
        "条",
        _refs("document", (pk for pk, _ in documents)),
    )
    disclosed = [pk for pk, kind in documents if kind in DISCLOSED_KINDS]
    _figure(
        figures,
        "disclosed",
        "在政府信息公开栏目公开政府信息",
        len(disclosed),
        "条",
        _refs("document", disclosed),
    )
    interpretations = [pk for pk, kind in documents if kind == "interpretation"]
    _figure(
        figures,
        "interpretations",
        "发布政策解读",
        len(interpretations),
        "篇",
        _refs("document", interpretations),
    )
    # Registered in the year: table 二's "made" column, counted by the database once a
    # request for both; the documents read only when someone reads them.
    made = tables.normative_counts(scope)["made"]
    figures["normative"] = Figure(
        key="normative",
        label="登记发布规范性文件",
        value=made,
        unit="件",
        refs=LazyRefs(
            "document", lambda: tables.normative_document_ids(scope)["made"], nonempty=made > 0
        ),
    )
    if subject.is_government:
        _figure(
            figures,
            "visits",
            "政府门户网站访问量",
            catalogue_selectors.visit_total(year=scope.year),
            "次",
        )

    # The power list on 31 December, the year's procurement notices and their results by the
    # report's day, in one query.
    periods = {
        "power-list": (None, scope.end),
        "procurement-notice": (scope.start, scope.end),
        "procurement-result": (scope.start, report_day(scope.year)),
    }
    by_type: dict[str, list[tuple[int, int, dict]]] = {code: [] for code in periods}
    for code, pk, agency_id, data in list_selectors.records_public_between_of_types(
        periods, agency_ids=scope.agency_ids
    ).values_list("record_type__code", "pk", "agency_id", "data"):
        by_type[code].append((pk, agency_id, data))
    power = by_type["power-list"]
    licensing = [pk for pk, _, data in power if data.get("power_type") == LICENSING]
    other = [pk for pk, _, data in power if data.get("power_type") != LICENSING]
    _figure(
        figures,
        "power_licensing",
        "保留行政许可事项",
        len(licensing),
        "项",
        _refs("list_record", licensing),
    )
    _figure(
        figures, "power_other", "保留非行政许可事项", len(other), "项", _refs("list_record", other)
    )
    departments = [
        agency.slug
        for agency in agency_selectors.membership().agencies_in(
            {agency_id for _, agency_id, _ in power}
        )
    ]
    _figure(
        figures,
        "power_departments",
        "行政权力清单涉及的部门单位",
        len(departments),
        "个",
        _refs("agency", departments),
    )

    notices = [
        (pk, agency_id, data.get("project_name"))
        for pk, agency_id, data in by_type["procurement-notice"]
    ]
    projects = {(agency_id, name) for _, agency_id, name in notices}
    results = [
        pk
        for pk, agency_id, data in by_type["procurement-result"]
        if (agency_id, data.get("project_name")) in projects
    ]
    _figure(
        figures,
        "procurement_notices",
        "发布政府采购招标公告",
        len(notices),
        "个",
        _refs("list_record", (pk for pk, *_ in notices)),
    )
    _figure(
        figures,
        "procurement_results",
        "发布成交结果公告",
        len(results),
        "个",
        _refs("list_record", results),
    )
    return figures


def report_day(year: int) -> datetime.date:
    """The day the year's report is due under the 2007 Regulation (31 March of the next
    year): results of the year's procurements published by then count for the year."""
    return datetime.date(year + 1, 3, 31)


# --------------------------------------------------------------------------- interaction


@dataclass(frozen=True)
class Programme:
    """A hotline programme of the year, in order, with its figures' key prefix."""

    prefix: str  # "hotline_1", "hotline_2" …
    name: str


@dataclass(frozen=True)
class ChannelLine:
    """A channel reported in the year, in order: its figures' key prefix, its name and the
    metrics it has figures for — in the year (``in_year``), since it opened (``totals``)."""

    prefix: str  # "channel_1", "channel_2" …
    name: str
    in_year: tuple[str, ...]
    totals: tuple[str, ...]


def channel_figures(summary: channel_selectors.YearSummary) -> tuple[Figures, list[ChannelLine]]:
    """The channels' figures of the year (decision 0016): a count added up over the year, a
    level (followers, subscribers) at the year's end, and a count's total since the channel
    opened where every month since is covered."""
    figures: Figures = {}
    lines: list[ChannelLine] = []
    ordered = sorted(summary.channels, key=lambda row: (row.channel.sort_order, row.channel.pk))
    for n, row in enumerate(ordered, 1):
        prefix, name = f"channel_{n}", row.channel.name
        refs = (Ref("channel", str(row.channel.pk)),)
        in_year: list[str] = []
        totals: list[str] = []
        for metric in row.figures:
            code = metric.metric.value
            if code not in CHANNEL_METRICS or metric.in_year is None:
                continue
            unit = CHANNEL_METRICS[code][1]
            _figure(
                figures, f"{prefix}_{code}", name + channel_clause(code), metric.in_year, unit, refs
            )
            in_year.append(code)
            if metric.since_opening is not None:
                _figure(
                    figures,
                    f"{prefix}_{code}_total",
                    name + channel_clause(code, total=True),
                    metric.since_opening,
                    unit,
                    refs,
                )
                totals.append(code)
        if in_year:
            lines.append(ChannelLine(prefix, name, tuple(in_year), tuple(totals)))
    return figures, lines


def interaction_figures(
    subject: Subject,
) -> tuple[Figures, list[Programme], list[str], list[str], list[ChannelLine]]:
    """Section 三 and 五: the portal's letters and their reply rate, the hotline programmes
    (each, and in all), the archive's services, the channels. Returns the figures, the
    programmes in order, the names of the archive's service points and of the letter types
    written to online, and the channels in order."""
    scope = subject.scope
    figures: Figures = {}
    # The letters with their types (the types written to online are named) in one query.
    facts, letter_types = letter_statistics.load_facts_and_types(
        scope.start, scope.end, as_of=scope.end
    )
    agency_filter: letter_statistics.AgencyFilter = (
        letter_statistics.ALL if subject.is_government else scope.agency_id
    )
    counted = letter_statistics.figures(
        facts, start=scope.start, end=scope.end, as_of=scope.end, agency=agency_filter
    )
    online = [
        fact
        for fact in facts
        if fact.channel == letter_statistics.Channel.ONLINE
        and scope.start <= fact.received_on <= scope.end
        and (subject.is_government or fact.answered_by(scope.end) == scope.agency_id)
    ]
    replied = [fact.pk for fact in online if fact.replied_by(scope.end)]
    _figure(
        figures,
        "letters_online",
        "政民互动栏目收到咨询、投诉、建议",
        counted.received_online,
        "条",
        _refs("letter", (f.pk for f in online)),
    )
    _figure(
        figures,
        "letters_replied",
        "年内已回复",
        counted.replied_online,
        "条",
        _refs("letter", replied),
    )
    _figure(
        figures,
        "letters_reply_rate",
        "回复率",
        counted.reply_rate or Decimal(0),
        "%",
        _refs("letter", (f.pk for f in online)),
    )
    # Over every channel (post, phone, visit, hotline too), as decision 0017 counts them.
    _figure(figures, "letters_late", "超过办理时限回复的来信", counted.late, "件")
    _figure(figures, "letters_overdue", "年底仍超期未复的来信", counted.overdue, "件")

    agencies = agency_selectors.membership().agencies_in(
        [scope.agency_id] if scope.agency_id else []
    )
    agency = agencies[0] if agencies else None
    records = channel_selectors.load_year(scope.year, opinions=False)
    summary = channel_selectors.summarise(records, agency=agency)
    # The sessions behind the hotline figures, from the rows just read, in the order aired.
    programme_order = {programme.pk: programme.sort_order for programme in records.programmes}
    sessions = sorted(
        (row for row in records.sessions if agency is None or agency.pk in row.agency_ids),
        key=lambda row: (row.aired_on, programme_order.get(row.programme_id, 0), row.pk),
    )
    session_refs = _refs("hotline_session", (s.pk for s in sessions))
    _figure(
        figures, "hotline_sessions", "热线节目播出", summary.hotline.sessions, "期", session_refs
    )
    _figure(figures, "hotline_calls", "热线节目接听来电", summary.hotline.calls, "个", session_refs)
    _figure(
        figures,
        "hotline_agencies",
        "上线部门单位",
        summary.hotline.agencies_on_air,
        "个",
        session_refs,
    )
    programmes: list[Programme] = []
    ordered = sorted(
        summary.programmes, key=lambda row: (row.programme.sort_order, row.programme.pk)
    )
    for n, row in enumerate(ordered, 1):
        prefix = f"hotline_{n}"
        name = row.programme.name
        programmes.append(Programme(prefix, name))
        refs = _refs(
            "hotline_session", (s.pk for s in sessions if s.programme_id == row.programme.pk)
        )
        _figure(figures, f"{prefix}_sessions", f"“{name}”播出", row.totals.sessions, "期", refs)
        _figure(figures, f"{prefix}_calls", f"“{name}”接听来电", row.totals.calls, "个", refs)
        _figure(
            figures,
            f"{prefix}_answered",
            f"“{name}”现场答复",
            row.totals.answered_on_air,
            "个",
            refs,
        )
        _figure(
            figures,
            f"{prefix}_follow_ups",
            f"“{name}”下线后调查办理",
            row.totals.follow_ups,
            "件",
            refs,
        )

    archives = [row for row in summary.points if row.point.kind == ServicePoint.Kind.ARCHIVE]
    point_refs = _refs("service_point", (row.point.pk for row in archives))
    for name, label, unit in SERVICE_FIGURES:
        value = sum(getattr(row.totals, name) for row in archives)
        _figure(figures, f"archive_{name}", f"档案馆{label}", value, unit, point_refs)
    type_ids = {fact.type_id for fact in online}
    # The active types written to online, in their display order (``active_letter_types``).
    types = [
        row.name
        for row in sorted(letter_types.values(), key=lambda row: (row.sort_order, row.pk))
        if row.active and row.pk in type_ids
    ]
    channels, lines = channel_figures(summary)
    figures.update(channels)
    return figures, programmes, [row.point.name for row in archives], types, lines


# --------------------------------------------------------------------------- supervision


def task_figures(subject: Subject) -> tuple[Figures, str]:
    """Section 四 and 十一: the year's key-task plan — categories, tasks, accepted by 31
    December, open then, completion reported after the deadline (as extended) — for the
    government; for an agency, the tasks it leads. Returns the figures and the plan's title
    with its document number ("" when the year has no plan)."""
    scope = subject.scope
    figures: Figures = {}
    plan, tasks = plan_selectors.plan_and_tasks_of_year(scope.year)
    if not subject.is_government:
        tasks = [task for task in tasks if task.lead_agency_id == scope.agency_id]
    categories = sorted({task.category_id for task in tasks})
    accepted = [t for t in tasks if t.accepted_on is not None and t.accepted_on <= scope.end]
    late = [
        t
        for t in tasks
        if t.completion_reported_on is not None
        and t.deadline < t.completion_reported_on <= scope.end
    ]
    _figure(figures, "task_categories", "重点工作类别", len(categories), "个")
    _figure(
        figures, "tasks", "重点工作任务", len(tasks), "项", _refs("key_task", (t.pk for t in tasks))
    )
    _figure(
        figures,
        "tasks_accepted",
        "年内办结的重点工作任务",
        len(accepted),
        "项",
        _refs("key_task", (t.pk for t in accepted)),
    )
    open_tasks = [t for t in tasks if t not in accepted]
    _figure(
        figures,
        "tasks_open",
        "年底尚未办结的重点工作任务",
        len(open_tasks),
        "项",
        _refs("key_task", (t.pk for t in open_tasks)),
    )
    _figure(
        figures,
        "tasks_late",
        "超过完成时限才报请办结的重点工作任务",
        len(late),
        "项",
        _refs("key_task", (t.pk for t in late)),
    )
    title = ""
    if plan is not None:
        title = f"《{plan.title}》" + (f"（{plan.doc_number}）" if plan.doc_number else "")
    return figures, title


# --------------------------------------------------------------------------- membership


def membership_figures(subject: Subject) -> Figures:
    """Section 二 and 十: the members at the start of the year (the end of 31 December of the
    one before) and on 31 December, those joining and leaving
    in the year, the members with a responsible leader and a contact, and the public
    institutions' share (事业单位占成员单位的比例) at both ends of the year. For an agency:
    its own public institutions that are members on 31 December."""
    scope = subject.scope
    figures: Figures = {}
    membership = agency_selectors.membership()  # the members on both days, the changes
    end_members = [
        (a.slug, a.kind, a.parent_id, a.leader_name, a.contact_name)
        for a in membership.members_on(scope.end)
    ]
    if not subject.is_government:
        own = [
            slug
            for slug, kind, parent, *_ in end_members
            if parent == scope.agency_id and kind == Agency.Kind.PUBLIC_INSTITUTION
        ]
        _figure(
            figures,
            "own_institutions",
            "所属事业单位中的成员单位",
            len(own),
            "个",
            _refs("agency", own),
        )
        return figures
    # 年初 is the end of the previous year, so that start + joined − left = end.
    before = scope.start - datetime.timedelta(days=1)
    start_members = [(a.slug, a.kind) for a in membership.members_on(before)]
    # The shares from the members just read (membership_share would read them again).
    start = agency_selectors.membership_share_of(before, Counter(k for _, k in start_members))
    end = agency_selectors.membership_share_of(
        scope.end, Counter(kind for _, kind, *_ in end_members)
    )
    institution = Agency.Kind.PUBLIC_INSTITUTION
    changes = membership.changes_between(scope.start, scope.end)
    joined = [c for c in changes if c.change == JOINED]
    left = [c for c in changes if c.change == LEFT]
    joined_institutions = [c for c in joined if c.agency.kind == Agency.Kind.PUBLIC_INSTITUTION]
    staffed = [slug for slug, _, _, leader, contact in end_members if leader and contact]
    _figure(
        figures,
        "members_start",
        "年初政府信息公开成员单位",
        start["members"],
        "个",
        _refs("agency", (slug for slug, _ in start_members)),
    )
    _figure(
        figures,
        "members_end",
        "年底政府信息公开成员单位",
        end["members"],
        "个",
        _refs("agency", (row[0] for row in end_members)),
    )
    _figure(
        figures,
        "members_staffed",
        "明确分管领导和联系人的成员单位",
        len(staffed),
        "个",
        _refs("agency", staffed),
    )
    _figure(
        figures,
        "members_joined",
        "年内新增成员单位",
        len(joined),
        "个",
        _refs("membership_change", (c.pk for c in joined)),
    )
    _figure(
        figures,
        "members_left",
        "年内减少成员单位",
        len(left),
        "个",
        _refs("membership_change", (c.pk for c in left)),
    )
    _figure(
        figures,
        "institutions_joined",
        "年内新纳入的事业单位",
        len(joined_institutions),
        "个",
        _refs("membership_change", (c.pk for c in joined_institutions)),
    )
    _figure(
        figures,
        "institutions_start",
        "年初成员单位中的事业单位",
        start["public_institutions"],
        "个",
        _refs("agency", (slug for slug, kind in start_members if kind == institution)),
    )
    _figure(
        figures,
        "institutions_end",
        "年底成员单位中的事业单位",
        end["public_institutions"],
        "个",
        _refs("agency", (row[0] for row in end_members if row[1] == institution)),
    )
    _figure(
        figures,
        "institution_share_start",
        "年初事业单位占成员单位的比例",
        start["public_institution_share"],
        "%",
    )
    _figure(
        figures,
        "institution_share_end",
        "年底事业单位占成员单位的比例",
        end["public_institution_share"],
        "%",
    )
    return figures


def joined_names(subject: Subject) -> list[str]:
    """Short names of the public institutions that joined in the year (for section 十)."""
    scope = subject.scope
    return [
        change.agency.display_name
        for change in agency_selectors.membership().changes_between(scope.start, scope.end)
        if change.change == JOINED and change.agency.kind == Agency.Kind.PUBLIC_INSTITUTION
    ]


# --------------------------------------------------------------------------- everything


@dataclass(frozen=True)
class Names:
    """What the drafts name besides figures, read from the records."""

    office: Agency | None  # who compiles the report: the general office, or the agency itself
    programmes: list[Programme]
    archives: list[str]
    channels: list[ChannelLine]
    letter_types: list[str]
    plan_title: str
    institutions_joined: list[str]


@dataclass(frozen=True)
class Gathered:
    figures: Figures
    names: Names


def compiler(subject: Subject) -> Agency | None:
    """The body that compiles the report: the government's general office (区政府办公室)
    among the members, or the agency itself."""
    agencies = agency_selectors.membership().agencies_in(subject.scope.agency_ids)
    if subject.is_government:
        for kind in (Agency.Kind.GENERAL_OFFICE, Agency.Kind.GOVERNMENT):
            found = next((agency for agency in agencies if agency.kind == kind), None)
            if found is not None:
                return found
        return None
    return agencies[0] if agencies else None


def gather(subject: Subject) -> Gathered:
    """Every figure of the report for ``subject``, and the names its drafts need: once a
    request (a report's page builds it, drafts its prose and checks it from the same figures;
    callers copy what they change)."""
    return once_a_request(("reports.seed2014_figures", subject), lambda: _gather(subject))


def _gather(subject: Subject) -> Gathered:
    figures: Figures = {}
    figures.update(membership_figures(subject))
    figures.update(catalogue_figures(subject))
    interaction, programmes, archives, types, channels = interaction_figures(subject)
    figures.update(interaction)
    tasks, plan_title = task_figures(subject)
    figures.update(tasks)
    figures.update(application_figures(subject))
    names = Names(
        office=compiler(subject),
        programmes=programmes,
        archives=archives,
        channels=channels,
        letter_types=types,
        plan_title=plan_title,
        institutions_joined=joined_names(subject) if subject.is_government else [],
    )
    return Gathered(figures, names)
