"""Demonstration key tasks and supervision notices: the 2014 plan as the seed reports it, and a
2025 and a 2026 plan (``demo_data``).

``load(stdout)`` is an entry of ``load_demo``'s ``DEMO_LOADERS``, run after
the agencies, catalogue and interaction loaders, inside the command's transaction. Every step
goes through the services on the day of its story (``on=``), so the events, the audit trail,
the progress and the deadlines are what real use leaves behind:

* 2014: the 42 tasks of 张政办发〔2014〕50号 in 9 categories, assigned on 2014-08-18, signed for
  within days, reported on with the catalogue documents the seed names as evidence (when the
  catalogue's demonstration holds them), and all accepted (办结) by the end of the year — one
  after an approved extension (the power list), one after a refused one, two after being sent
  back once. The November supervision notice goes to every lead agency, two of which answer
  late.
* 2025: twelve tasks, all accepted but one still overdue (its extension refused).
* 2026, the current plan: tasks in every state (assigned, signed for, in progress, completion
  reported, sent back, accepted) and at every warning level; the open tasks' deadlines are
  counted in working days from today, so that a blue, a yellow and a red warning show whenever
  the demonstration is loaded. A supervision notice waits for four agencies' answers; another
  is still a draft.

Who acts: the ``office`` sign-in for the disclosure office; for each lead agency an existing
sign-in that is its editor or head (``edu-editor``, ``health-editor``, ``multi`` …) or, where
the demonstration has none, an editor created here, ``liaison-<agency>`` (the documented
demonstration password). Steps dated after the last day of the demonstration are not played.

Idempotent: a plan whose year exists, and a notice whose subject exists, are left alone.
Reproducible: every choice comes from ``random.Random(SEED)``; only the open tasks' dates
depend on today.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies import demo_data as agency_data
from gongkai.agencies import services as agency_services
from gongkai.agencies.models import Agency, StaffRole
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core.context import request_memo
from gongkai.core.models import User
from gongkai.core.workdays import (
    add_working_days,
    covered_years,
    is_working_day,
    working_days_between,
)
from gongkai.supervision.plans import services
from gongkai.supervision.plans.demo_data import (
    NOTICES_2014,
    NOTICES_2025,
    NOTICES_2026,
    PLAN_2014,
    PLAN_2025,
    PLAN_2026,
    NoticeRow,
    PlanRow,
    TaskRow,
)
from gongkai.supervision.plans.models import KeyTask, SupervisionNotice, WorkPlan

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 20140818
OFFICE = "office"
ACTING_ROLES = (StaffRole.Role.EDITOR, StaffRole.Role.HEAD)
PLANS: list[tuple[PlanRow, list[NoticeRow]]] = [
    (PLAN_2014, NOTICES_2014),
    (PLAN_2025, NOTICES_2025),
    (PLAN_2026, NOTICES_2026),
]

SIGN_NOTES = [
    "已签收，由{short}办公室负责具体落实。",
    "已签收，明确分管领导和具体经办人。",
    "已签收，纳入本单位年度重点工作。",
]
FIRST_REPORTS = [
    "已制定工作方案，明确责任科室和时间节点，相关信息正在梳理。",
    "已完成前期梳理，公开内容正在进行保密审查。",
    "已召开专题会议部署，部分信息已在网站公开。",
]
SECOND_REPORTS = [
    "主要工作已基本完成，正在对公开内容进行校对和完善。",
    "大部分内容已公开，剩余部分正在审核。",
]
CONTRIBUTIONS = [
    "我单位负责的配合事项已完成，相关材料已报送牵头单位。",
    "已按牵头单位要求提供数据和材料。",
]
COMPLETIONS = "已按要求完成：{output}相关信息已在区政府网站公开，可在政府信息公开栏目查阅。"
ACCEPT_NOTES = ["经核查，公开内容完整、及时，同意办结。", "材料齐全，同意办结。", ""]
SEND_BACK_REASONS = [
    "公开内容不完整，缺少分配结果和退出信息，请补充后重新报送。",
    "未提供公开网址和佐证材料，请补充后重新报送。",
    "部分信息超过公开时限，请说明原因并补充公开。",
]
EXTENSION_REASONS = [
    "相关数据需待上级部门反馈后才能公开，申请延期。",
    "涉及多个部门，材料汇总需要更多时间。",
]
REFUSALS = ["该任务按上级要求须按期完成，不同意延期。", "时限不能推迟，请加快推进。"]
ANSWERS = (
    "{short}关于落实情况的报告：我单位牵头的{count}项任务均已按安排表推进，"
    "已办结{done}项，其余正在按计划落实。相关公开网址和佐证材料附后。"
)


# --- The days -------------------------------------------------------------------------------


def wd(day: datetime.date, n: int) -> datetime.date:
    return add_working_days(day, n)


# The open tasks' dates reach this many working days past today (an extension asked for, a
# notice's reply deadline): the calendar must cover them.
MARGIN = 20


def _latest_day() -> datetime.date:
    """Today, or earlier when the calendar ends less than :data:`MARGIN` working days later."""
    last = datetime.date(max(covered_years()), 12, 31)
    return min(timezone.localdate(), add_working_days(last, -MARGIN))


def end_date() -> datetime.date:
    """The last day of the demonstration: the last working day up to :func:`_latest_day`."""
    end = _latest_day()
    return end if is_working_day(end) else add_working_days(end, -1)


def today_anchor() -> datetime.date:
    """The day the open tasks' deadlines are counted from: today, so that their warnings are
    the intended ones today (unless the calendar ends too soon after it)."""
    return _latest_day()


# --- Stories ---------------------------------------------------------------------------------


@dataclass
class Step:
    on: datetime.date
    action: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story:
    number: int
    row: TaskRow
    category: str
    assigned: datetime.date
    deadline: datetime.date
    steps: list[Step] = field(default_factory=list)
    task: KeyTask | None = None


class Planner:
    """Writes what happens to each task on which day."""

    def __init__(self, rng: random.Random, *, end: datetime.date, cap: datetime.date) -> None:
        self.rng = rng
        self.end = end
        self.cap = cap  # nothing is accepted after this day (the plan's year end for 2014)

    def _after(self, story: Story, day: datetime.date) -> datetime.date:
        last = story.steps[-1].on if story.steps else story.assigned
        return max(day, last)

    def add(self, story: Story, day: datetime.date, action: str, **args: Any) -> datetime.date:
        day = self._after(story, day)
        story.steps.append(Step(day, action, args))
        return day

    def _sign(self, story: Story) -> datetime.date:
        return self.add(story, wd(story.assigned, self.rng.randint(1, 3)), "sign")

    def _progress(self, story: Story, day: datetime.date, low: int, high: int, kind: str) -> None:
        self.add(story, day, "progress", percentage=self.rng.randint(low, high), kind=kind)

    def _work(self, story: Story, until: datetime.date, *, second: bool = True) -> None:
        """Signing and one or two progress reports before ``until`` (and a co-responsible
        agency's part, when it has one)."""
        signed = self._sign(story)
        span = max(2, working_days_between(signed, until))
        self._progress(story, wd(signed, max(1, span * 35 // 100)), 25, 50, "first")
        if story.row.co:
            self.add(
                story, wd(signed, max(1, span * 50 // 100)), "contribute", agency=story.row.co[0]
            )
        if second and span >= 6:
            self._progress(story, wd(signed, span * 70 // 100), 65, 90, "second")

    def _complete_and_accept(self, story: Story, complete: datetime.date) -> None:
        done = self.add(story, complete, "complete")
        accept = min(wd(done, self.rng.randint(1, 3)), max(self.cap, done))
        self.add(story, accept, "accept")

    def story(self, story: Story) -> Story:
        kind = story.row.story
        deadline = story.deadline
        rng = self.rng
        if kind == "accepted":
            self._work(story, wd(deadline, -3))
            self._complete_and_accept(story, wd(deadline, -rng.randint(0, 3)))
        elif kind == "accepted_late":
            self._work(story, deadline)
            self._complete_and_accept(story, wd(deadline, rng.randint(2, 5)))
        elif kind == "accepted_extended":
            self._work(story, wd(deadline, -6), second=False)
            until = wd(deadline, 15)
            asked = self.add(story, wd(deadline, -5), "extend", until=until)
            self.add(story, wd(asked, 1), "approve")
            self._progress(story, wd(until, -8), 70, 90, "second")
            self._complete_and_accept(story, wd(until, -2))
        elif kind == "accepted_refused":
            self._work(story, wd(deadline, -9), second=False)
            asked = self.add(story, wd(deadline, -8), "extend", until=wd(deadline, 25))
            self.add(story, wd(asked, 1), "refuse")
            self._progress(story, wd(deadline, -4), 80, 95, "second")
            self._complete_and_accept(story, wd(deadline, -1))
        elif kind == "accepted_after_send_back":
            self._work(story, wd(deadline, -7))
            first = self.add(story, wd(deadline, -6), "complete")
            back = self.add(story, wd(first, 1), "send_back")
            self._progress(story, wd(back, 2), 92, 98, "again")
            self._complete_and_accept(story, wd(back, 3))
        elif kind == "completion_reported":
            self._work(story, wd(self.end, -2))
            self.add(story, wd(self.end, -1), "complete")
        elif kind == "completion_reported_late":
            self._work(story, wd(deadline, -1))
            self.add(story, wd(self.end, -3), "complete")
        elif kind == "sent_back":
            self._work(story, wd(self.end, -5))
            first = self.add(story, wd(self.end, -4), "complete")
            self.add(story, wd(first, 2), "send_back")
        elif kind == "in_progress":
            self._work(story, wd(self.end, -2))
        elif kind == "in_progress_extended":
            self._work(story, wd(deadline, -7), second=False)
            until = datetime.date(deadline.year, 12, 31)
            asked = self.add(story, wd(deadline, -6), "extend", until=until)
            self.add(story, wd(asked, 1), "approve")
            self._progress(story, wd(self.end, -8), 60, 80, "second")
        elif kind == "extension_pending":
            self._work(story, wd(self.end, -3))
            self.add(story, wd(self.end, -1), "extend", until=wd(deadline, 15))
        elif kind == "extension_refused":
            self._work(story, wd(deadline, -4), second=False)
            asked = self.add(story, wd(deadline, -3), "extend", until=wd(deadline, 10))
            self.add(story, wd(asked, 1), "refuse")
            self._progress(story, wd(self.end, -2), 75, 85, "second")
        elif kind == "signed":
            self._sign(story)
        elif kind in ("assigned", "assigned_recent"):
            pass
        else:
            raise ValueError(f"unknown story {kind!r}")
        return story


def _deadline(row: TaskRow, anchor: datetime.date) -> datetime.date:
    if isinstance(row.deadline, int):
        return wd(anchor, row.deadline)
    return row.deadline


def _assigned(row: TaskRow, plan: PlanRow, deadline: datetime.date, end: datetime.date):
    if row.story == "assigned":
        return wd(deadline, -40)  # added to the plan in the autumn, never signed for
    if row.story == "assigned_recent":
        return wd(end, -1)
    if row.story == "signed":
        return wd(end, -12)
    return plan.issued


# --- Who acts --------------------------------------------------------------------------------


class Staff:
    """The office's sign-in and, for each agency, a user who acts for it (its editor or head)."""

    def __init__(self, agencies: dict[str, Agency]) -> None:
        self.agencies = agencies
        office = User.objects.filter(username=OFFICE).first()
        if office is None:
            raise RuntimeError("the agencies loader must run first: the office sign-in is missing")
        self.office = office
        self.acting: dict[int, User] = {}
        rows = (
            StaffRole.objects.filter(role__in=ACTING_ROLES, user__is_active=True)
            .select_related("user")
            .order_by("role", "user__username")  # editors before heads
        )
        for row in rows:
            self.acting.setdefault(row.agency_id, row.user)
        self.created = 0
        self._password_hash = ""

    def _password(self) -> str:
        """The published demonstration password, hashed once for every liaison created (the
        default hasher is deliberately slow: 18 hashes cost seconds)."""
        if not self._password_hash:
            self._password_hash = make_password(agency_data.DEMO_PASSWORD)
        return self._password_hash

    def lead(self, slug: str) -> User:
        """Someone who acts for the agency; a ``liaison-<slug>`` editor is created if needed."""
        agency = self.agencies[slug]
        user = self.acting.get(agency.pk)
        if user is not None:
            return user
        username = f"liaison-{slug}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=f"{agency.short_name or agency.name}信息员（演示）",
                email=f"{username}@example.com",
                password=self._password(),
            )
            user.full_clean()
            user.save()
            self.created += 1
        if not StaffRole.objects.filter(user=user, agency=agency, role=StaffRole.Role.EDITOR):
            agency_services.grant_role(
                user, agency=agency, role=StaffRole.Role.EDITOR, actor=None, system=True
            )
        self.acting[agency.pk] = user
        return user

    def existing(self, slug: str) -> User | None:
        agency = self.agencies.get(slug)
        return self.acting.get(agency.pk) if agency is not None else None


# --- Evidence --------------------------------------------------------------------------------


class Evidence:
    """The catalogue's published documents by title, with their publication day."""

    def __init__(self, titles: set[str]) -> None:
        self.found: dict[str, tuple[str, datetime.date]] = {}
        rows = public_document_rows().filter(title__in=titles).exclude(index_number=None)
        for title, number, published in rows.values_list("title", "index_number", "published_at"):
            day = timezone.localtime(published, SHANGHAI).date() if published else None
            if day is not None and number and title not in self.found:
                self.found[title] = (number, day)

    def numbers(self, titles: tuple[str, ...], *, on: datetime.date) -> list[str]:
        """The index numbers of those documents published by ``on``."""
        return [
            self.found[title][0]
            for title in titles
            if title in self.found and self.found[title][1] <= on
        ]


# --- Playing ---------------------------------------------------------------------------------


class Runner:
    """Performs the steps through the services, as the actor of each would."""

    def __init__(self, staff: Staff, evidence: Evidence, rng: random.Random) -> None:
        self.staff = staff
        self.evidence = evidence
        self.rng = rng

    def perform(self, story: Story, step: Step) -> None:
        action: Callable[..., Any] = getattr(self, f"_{step.action}")
        action(story, story.task, step.on, **step.args)

    def _lead(self, story: Story) -> User:
        return self.staff.lead(story.row.lead)

    def _short(self, story: Story) -> str:
        agency = self.staff.agencies[story.row.lead]
        return agency.short_name or agency.name

    def _sign(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        note = self.rng.choice(SIGN_NOTES).format(short=self._short(story))
        services.sign_task(task, actor=self._lead(story), comment=note, on=on)

    def _progress(
        self, story: Story, task: KeyTask, on: datetime.date, percentage: int, kind: str
    ) -> None:
        if kind == "again":
            text = "已按退回意见补充公开内容和佐证材料。"
        else:
            text = self.rng.choice(FIRST_REPORTS if kind == "first" else SECOND_REPORTS)
        numbers = self.evidence.numbers(story.row.evidence[:1], on=on) if kind == "first" else []
        services.report_progress(
            task, actor=self._lead(story), text=text, percentage=percentage,
            document_numbers=numbers, on=on,
        )  # fmt: skip

    def _contribute(self, story: Story, task: KeyTask, on: datetime.date, agency: str) -> None:
        user = self.staff.existing(agency)
        if user is None or user == self._lead(story):
            return  # no sign-in at that agency: its part is not recorded in the demonstration
        services.report_progress(task, actor=user, text=self.rng.choice(CONTRIBUTIONS), on=on)

    def _extend(self, story: Story, task: KeyTask, on: datetime.date, until: datetime.date) -> None:
        services.request_extension(
            task, actor=self._lead(story), until=until,
            reason=self.rng.choice(EXTENSION_REASONS), on=on,
        )  # fmt: skip

    def _approve(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        services.decide_extension(task, actor=self.staff.office, approve=True, on=on)

    def _refuse(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        services.decide_extension(
            task, actor=self.staff.office, approve=False, comment=self.rng.choice(REFUSALS), on=on
        )

    def _complete(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        services.report_completion(
            task, actor=self._lead(story),
            text=COMPLETIONS.format(output=story.row.output),
            document_numbers=self.evidence.numbers(story.row.evidence, on=on), on=on,
        )  # fmt: skip

    def _accept(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        services.accept_task(
            task, actor=self.staff.office, comment=self.rng.choice(ACCEPT_NOTES), on=on
        )

    def _send_back(self, story: Story, task: KeyTask, on: datetime.date) -> None:
        services.send_back_task(
            task, actor=self.staff.office, reason=self.rng.choice(SEND_BACK_REASONS), on=on
        )


def load_plan(
    row: PlanRow, *, staff: Staff, evidence: Evidence, end: datetime.date, anchor: datetime.date
) -> WorkPlan:
    rng = random.Random(f"{SEED}-{row.year}")  # noqa: S311 - reproducible demo data
    agencies = staff.agencies
    owner = agencies[agency_data.GENERAL_OFFICE_SLUG]
    plan = services.create_plan(
        actor=staff.office, year=row.year, agency=owner, title=row.title,
        doc_number=row.doc_number, description=row.description,
    )  # fmt: skip
    cap = datetime.date(row.year, 12, 31) if row.year < end.year else end
    planner = Planner(rng, end=end, cap=cap)
    stories: list[Story] = []
    number = 0
    for name, rows in row.categories:
        category = services.add_category(plan, actor=staff.office, name=name)
        for task_row in rows:
            number += 1
            deadline = _deadline(task_row, anchor)
            assigned = _assigned(task_row, row, deadline, end)
            story = Story(number, task_row, name, assigned, deadline)
            story.task = services.assign_task(
                plan,
                services.TaskInput(
                    category=category, title=task_row.title, expected_output=task_row.output,
                    lead_agency=agencies[task_row.lead], deadline=deadline,
                    description=task_row.description,
                    co_agencies=[agencies[slug] for slug in task_row.co],
                    weight=task_row.weight,
                ),
                actor=staff.office, number=number, on=min(assigned, end),
            )  # fmt: skip
            stories.append(planner.story(story))
    runner = Runner(staff, evidence, rng)
    for story in stories:
        staff.lead(story.row.lead)
    for story in stories:
        for step in story.steps:
            if step.on <= end:
                runner.perform(story, step)
    services.publish_plan(
        plan,
        actor=staff.office,
        now=datetime.datetime.combine(row.issued, datetime.time(10), tzinfo=SHANGHAI),
    )
    return plan


def load_notice(
    row: NoticeRow, plan: WorkPlan, *, staff: Staff, end: datetime.date, rng: random.Random
) -> SupervisionNotice | None:
    if SupervisionNotice.objects.filter(subject=row.subject).exists():
        return None
    issued = row.issued if isinstance(row.issued, datetime.date) else wd(end, row.issued)
    deadline = wd(issued, row.reply_days)
    leads = (
        plan.tasks.exclude(state=KeyTask.State.ACCEPTED)
        if plan.year == end.year
        else plan.tasks.all()
    )
    ids = list(dict.fromkeys(leads.order_by("number").values_list("lead_agency_id", flat=True)))
    agencies = sorted(
        (agency for agency in staff.agencies.values() if agency.pk in ids),
        key=lambda agency: (agency.sort_order, agency.pk),
    )
    notice = services.create_notice(
        actor=staff.office, subject=row.subject, text=row.text, reply_deadline=deadline,
        agencies=agencies, plan=plan, doc_number=row.doc_number, on=wd(issued, -1),
    )  # fmt: skip
    if row.draft:
        return notice
    services.issue_notice(notice, actor=staff.office, on=issued)
    counts = {agency_id: (total, done) for agency_id, total, done in _counts(plan)}
    answers = []
    for recipient in notice.recipients.select_related("agency"):
        slug = recipient.agency.slug
        if slug in row.unanswered:
            continue
        if slug in row.late:
            day = wd(deadline, rng.randint(1, 3))
        else:
            day = wd(issued, rng.randint(2, max(2, row.reply_days)))
        answers.append((day, recipient.pk, recipient))
    for day, _pk, recipient in sorted(answers, key=lambda item: (item[0], item[1])):
        if day > end:
            continue
        total, done = counts.get(recipient.agency_id, (0, 0))
        text = ANSWERS.format(
            short=recipient.agency.short_name or recipient.agency.name, count=total, done=done
        )
        services.answer_notice(
            recipient, actor=staff.lead(recipient.agency.slug), text=text, on=day
        )
    if row.closed:
        last = max([day for day, _pk, _r in answers if day <= end] + [deadline])
        closing = wd(last, 3)
        if closing <= end:
            services.close_notice(notice, actor=staff.office, on=closing)
    return notice


def _counts(plan: WorkPlan) -> list[tuple[int, int, int]]:
    rows: dict[int, list[int]] = {}
    for lead, state in plan.tasks.values_list("lead_agency_id", "state"):
        total_done = rows.setdefault(lead, [0, 0])
        total_done[0] += 1
        total_done[1] += state == KeyTask.State.ACCEPTED
    return [(lead, total, done) for lead, (total, done) in rows.items()]


def load(stdout: TextIO) -> None:
    """The key-task loader of ``load_demo`` (after the agencies and catalogue loaders)."""
    slugs = {
        slug
        for row, _notices in PLANS
        for _name, rows in row.categories
        for task in rows
        for slug in (task.lead, *task.co)
    } | {agency_data.GENERAL_OFFICE_SLUG}
    agencies = {agency.slug: agency for agency in Agency.objects.filter(slug__in=slugs)}
    missing = slugs - set(agencies)
    if missing:
        raise RuntimeError(f"the agencies loader must run first: {sorted(missing)} are missing")
    staff = Staff(agencies)
    titles = {title for row, _n in PLANS for _c, rows in row.categories for t in rows
              for title in t.evidence}  # fmt: skip
    evidence = Evidence(titles)
    end = end_date()
    anchor = today_anchor()
    loaded, kept = [], []
    memo = request_memo.set({})
    try:
        for row, notices in PLANS:
            plan = WorkPlan.objects.filter(year=row.year).first()
            if plan is None:
                plan = load_plan(row, staff=staff, evidence=evidence, end=end, anchor=anchor)
                loaded.append(row.year)
            else:
                kept.append(row.year)
            rng = random.Random(f"{SEED}-{row.year}-notices")  # noqa: S311 - demo data
            for notice in notices:
                load_notice(notice, plan, staff=staff, end=end, rng=rng)
    finally:
        request_memo.reset(memo)
    stdout.write(
        _(
            "Key tasks: plans of %(loaded)s loaded (%(tasks)d tasks), %(kept)s present "
            "already; %(liaisons)d liaison sign-ins created.\n"
        )
        % {
            "loaded": ", ".join(map(str, loaded)) or "—",
            "kept": ", ".join(map(str, kept)) or "—",
            "tasks": KeyTask.objects.filter(plan__year__in=loaded).count(),
            "liaisons": staff.created,
        }
    )
