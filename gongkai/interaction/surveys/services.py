"""Every change to a survey: one function per action.

Staff actions check the actor's permission (``surveys.permissions``), run in one transaction
with the survey's row locked, move the state only through ``surveys.workflow.transition`` and
write a :class:`SurveyEvent` and an audit entry. A refused action raises :class:`SurveyError`
(or its :class:`SurveyPermissionDenied`) and changes nothing. ``now`` is injectable.

The path of a survey::

    create_survey → [update_survey, add_question, update_question, move_question,
                     remove_question]* → publish_survey → submit_response* →
    close_survey | close_due_surveys (the closing time)

A visitor's answers go through :func:`submit_response`, which writes no audit entry: the audit
trail records the client's address, and a survey promises not to keep it. Who may answer is the
survey's ``answer_control``, chosen while it is a draft: anyone once per browser (a keyed hash
of the cookie token), or signed-in citizens once per account (a keyed hash of the account id).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongkai.agencies.models import Agency
from gongkai.core import audit
from gongkai.core.models import User
from gongkai.interaction.surveys import permissions, workflow
from gongkai.interaction.surveys.models import (
    RATING_HIGHEST,
    RATING_LOWEST,
    TEXT_ANSWER_MAX_LENGTH,
    Answer,
    Choice,
    Question,
    Response,
    Survey,
    SurveyEvent,
)
from gongkai.interaction.surveys.visitors import account_hash, visitor_hash
from gongkai.interaction.surveys.workflow import (
    SurveyError,
    SurveyPermissionDenied,
    WorkflowError,
)

if TYPE_CHECKING:
    from gongkai.citizens.models import CitizenAccount

__all__ = [
    "AlreadyAnswered",
    "AnswerValue",
    "QuestionSpec",
    "SignInRequired",
    "SurveyError",
    "SurveyPermissionDenied",
    "SurveyUnavailable",
    "WorkflowError",
    "add_question",
    "answer_control_fixed_message",
    "close_at_closing_time",
    "close_survey",
    "create_survey",
    "move_question",
    "publish_survey",
    "remove_question",
    "require_questions_editable",
    "sign_in_required_message",
    "submit_response",
    "update_question",
    "update_survey",
]

State = Survey.State
Kind = Question.Kind
Code = SurveyEvent.Code

MAX_QUESTIONS = 100
MAX_CHOICES = 30
SUBMISSION_KEY_MAX = 64


class AlreadyAnswered(SurveyError):
    """This visitor has answered the survey already; nothing was stored."""


class SurveyUnavailable(SurveyError):
    """The survey takes no answers now (not yet open, closed or not published)."""


class SignInRequired(SurveyError):
    """The survey takes answers from signed-in citizens only, and none is; nothing was stored."""


@dataclass(frozen=True)
class QuestionSpec:
    """What an editor sets on a question; ``choices`` are the choices' texts in order."""

    text: str
    kind: str
    required: bool = True
    help_text: str = ""
    choices: Sequence[str] = ()
    scale_min: int | None = None
    scale_max: int | None = None
    min_label: str = ""
    max_label: str = ""


@dataclass(frozen=True)
class AnswerValue:
    """A visitor's answer to one question: chosen choices (ids), a rating or a text."""

    choice_ids: tuple[int, ...] = ()
    rating: int | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.choice_ids and self.rating is None and not self.text.strip()


@dataclass
class _Settings:
    title: str
    introduction: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    results_shown: str
    answer_control: str
    changed: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def _lock(survey: Survey) -> Survey:
    """Lock the survey's row for this transaction and refresh the instance from it."""
    Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk").first()
    survey.refresh_from_db()
    return survey


def _event(
    survey: Survey,
    code: str,
    *,
    actor: User | None,
    now: datetime.datetime,
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
) -> SurveyEvent:
    return SurveyEvent.objects.create(
        survey=survey,
        code=code,
        actor=actor,
        created_at=now,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )


def _audit(action: str, actor: User | None, survey: Survey, **details: Any) -> None:
    audit.record(
        f"surveys.{action}", actor=actor, obj=survey, agency_id=survey.agency_id, details=details
    )


def _clean_settings(
    *,
    title: str,
    introduction: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    results_shown: str,
    answer_control: str,
) -> _Settings:
    title = (title or "").strip()
    if not title:
        raise SurveyError(_("Give the survey a title."), field="title")
    if len(title) > Survey._meta.get_field("title").max_length:  # type: ignore[operator]
        raise SurveyError(_("The title is too long."), field="title")
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at):
        raise SurveyError(_("Give the times with their time zone."), field="opens_at")
    if closes_at <= opens_at:
        raise SurveyError(_("The survey must close after it opens."), field="closes_at")
    if results_shown not in Survey.ResultsShown.values:
        raise SurveyError(_("Choose when the results are shown."), field="results_shown")
    if answer_control not in Survey.AnswerControl.values:
        raise SurveyError(_("Choose who may answer."), field="answer_control")
    return _Settings(
        title=title,
        introduction=(introduction or "").strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        results_shown=results_shown,
        answer_control=answer_control,
    )


def _clean_spec(spec: QuestionSpec) -> QuestionSpec:
    """The spec with its text trimmed, or a SurveyError naming the field that is wrong."""
    text = (spec.text or "").strip()
    if not text:
        raise SurveyError(_("Write the question."), field="text")
    if len(text) > Question._meta.get_field("text").max_length:  # type: ignore[operator]
        raise SurveyError(_("The question is too long."), field="text")
    if spec.kind not in Kind.values:
        raise SurveyError(_("Choose the kind of question."), field="kind")
    choices: tuple[str, ...] = ()
    scale_min = scale_max = None
    min_label = max_label = ""
    if spec.kind in Question.CHOICE_KINDS:
        choices = tuple(c.strip() for c in spec.choices if c and c.strip())
        if len(choices) < 2:
            raise SurveyError(_("A choice question needs at least two choices."), field="choices")
        if len(choices) > MAX_CHOICES:
            raise SurveyError(
                _("A question can have at most %(max)d choices.") % {"max": MAX_CHOICES},
                field="choices",
            )
        if len(set(choices)) != len(choices):
            raise SurveyError(_("Two choices have the same text."), field="choices")
        longest = Choice._meta.get_field("text").max_length or 200
        if any(len(c) > longest for c in choices):
            raise SurveyError(
                _("A choice can have at most %(max)d characters.") % {"max": longest},
                field="choices",
            )
    elif spec.kind == Kind.RATING:
        scale_min, scale_max = spec.scale_min, spec.scale_max
        if scale_min is None or scale_max is None:
            raise SurveyError(_("Give the lowest and the highest rating."), field="scale_min")
        if not (RATING_LOWEST <= scale_min < scale_max <= RATING_HIGHEST):
            raise SurveyError(
                _("The ratings go from a lower to a higher number between %(low)d and %(high)d.")
                % {"low": RATING_LOWEST, "high": RATING_HIGHEST},
                field="scale_max",
            )
        min_label, max_label = spec.min_label.strip(), spec.max_label.strip()
    return QuestionSpec(
        text=text,
        kind=spec.kind,
        required=bool(spec.required),
        help_text=(spec.help_text or "").strip(),
        choices=choices,
        scale_min=scale_min,
        scale_max=scale_max,
        min_label=min_label,
        max_label=max_label,
    )


def answer_control_fixed_message() -> str:
    """Why who may answer a published survey cannot change (the services and the form say it)."""
    return _(
        "Who may answer can only be changed while the survey is a draft: once it is published, "
        "a change would let the answers already given and those to come follow different rules."
    )


def sign_in_required_message() -> str:
    return _("Only citizens signed in to their account can answer this survey, once each.")


def _require_settings_editable(actor: User, survey: Survey) -> None:
    if permissions.can_edit_survey(actor, survey):
        return
    if survey.state == State.CLOSED and permissions.can_view_survey_staff(actor, survey):
        raise WorkflowError(_("A closed survey cannot be changed."))
    raise SurveyPermissionDenied(_("Only an editor of the agency may change this survey."))


def require_questions_editable(actor: User, survey: Survey) -> None:
    """Refuse unless ``actor`` may change the survey's questions now: an editor of its agency,
    before the survey is closed and before its first answer (pages ask before showing a form;
    every question service asks again with the survey locked)."""
    if not permissions.can_edit_questions(actor, survey):
        raise SurveyPermissionDenied(
            _("Only an editor of the agency may change the questions of this survey.")
        )
    if survey.state == State.CLOSED:
        raise WorkflowError(_("A closed survey cannot be changed."))
    answered = survey.responses.count()
    if answered:
        raise WorkflowError(
            ngettext(
                "This survey has %(count)d answer: its questions can no longer be changed, "
                "since that would change the meaning of the answer already given.",
                "This survey has %(count)d answers: its questions can no longer be changed, "
                "since that would change the meaning of the answers already given.",
                answered,
            )
            % {"count": answered}
        )


def _write_choices(question: Question, texts: Sequence[str]) -> None:
    Choice.objects.bulk_create(
        [
            Choice(question=question, position=index, text=text)
            for index, text in enumerate(texts, 1)
        ]
    )


def _apply_spec(question: Question, spec: QuestionSpec) -> None:
    question.text = spec.text
    question.help_text = spec.help_text
    question.kind = spec.kind
    question.required = spec.required
    question.scale_min = spec.scale_min
    question.scale_max = spec.scale_max
    question.min_label = spec.min_label
    question.max_label = spec.max_label


# --- building --------------------------------------------------------------------------------


def create_survey(
    *,
    agency: Agency,
    actor: User,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    introduction: str = "",
    results_shown: str = Survey.ResultsShown.AFTER_CLOSING,
    answer_control: str = Survey.AnswerControl.BROWSER,
    now: datetime.datetime | None = None,
) -> Survey:
    """A new draft survey of ``agency``, made by one of its editors."""
    if not permissions.can_create_survey(actor, agency):
        raise SurveyPermissionDenied(_("Only an editor of the agency may make a new survey."))
    cleaned = _clean_settings(
        title=title,
        introduction=introduction,
        opens_at=opens_at,
        closes_at=closes_at,
        results_shown=results_shown,
        answer_control=answer_control,
    )
    moment = _now(now)
    with transaction.atomic():
        survey = Survey.objects.create(
            agency=agency,
            title=cleaned.title,
            introduction=cleaned.introduction,
            opens_at=cleaned.opens_at,
            closes_at=cleaned.closes_at,
            results_shown=cleaned.results_shown,
            answer_control=cleaned.answer_control,
            state=State.DRAFT,
            created_by=actor,
            created_at=moment,
            updated_at=moment,
        )
        _event(survey, Code.CREATED, actor=actor, now=moment, to_state=State.DRAFT)
        _audit("create", actor, survey)
    return survey


def update_survey(
    survey: Survey,
    *,
    actor: User,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    introduction: str = "",
    results_shown: str = Survey.ResultsShown.AFTER_CLOSING,
    answer_control: str | None = None,
    now: datetime.datetime | None = None,
) -> Survey:
    """Change the survey's title, introduction, times and results setting (not once closed),
    and who may answer (only while it is a draft; None leaves it as it is).

    A published survey may be moved to other times, for instance kept open longer; its
    questions are another matter (:func:`update_question`). Who may answer is fixed from the
    publication on: the reviewer published the survey with that rule, visitors were told it,
    and a change would let the answers given and those to come follow different rules."""
    moment = _now(now)
    with transaction.atomic():
        _lock(survey)
        cleaned = _clean_settings(
            title=title,
            introduction=introduction,
            opens_at=opens_at,
            closes_at=closes_at,
            results_shown=results_shown,
            answer_control=survey.answer_control if answer_control is None else answer_control,
        )
        _require_settings_editable(actor, survey)
        changed = [
            name
            for name in (
                "title",
                "introduction",
                "opens_at",
                "closes_at",
                "results_shown",
                "answer_control",
            )
            if getattr(survey, name) != getattr(cleaned, name)
        ]
        if "answer_control" in changed and survey.state != State.DRAFT:
            raise WorkflowError(answer_control_fixed_message(), field="answer_control")
        if not changed:
            return survey
        for name in changed:
            setattr(survey, name, getattr(cleaned, name))
        survey.updated_at = moment
        survey.save(update_fields=[*changed, "updated_at"])
        _event(survey, Code.UPDATED, actor=actor, now=moment, data={"fields": changed})
        _audit("update", actor, survey, fields=changed)
    return survey


def add_question(
    survey: Survey, spec: QuestionSpec, *, actor: User, now: datetime.datetime | None = None
) -> Question:
    """A new question at the end of the survey, with its choices."""
    cleaned = _clean_spec(spec)
    moment = _now(now)
    with transaction.atomic():
        _lock(survey)
        require_questions_editable(actor, survey)
        last = survey.questions.aggregate(last=Max("position"))["last"] or 0
        if last >= MAX_QUESTIONS:
            raise SurveyError(
                _("A survey can have at most %(max)d questions.") % {"max": MAX_QUESTIONS}
            )
        question = Question(survey=survey, position=last + 1)
        _apply_spec(question, cleaned)
        question.save()
        _write_choices(question, cleaned.choices)
        _touch(survey, moment)
        _event(
            survey,
            Code.QUESTION_ADDED,
            actor=actor,
            now=moment,
            data={"question": question.position},
        )
        _audit("add_question", actor, survey, question=question.position)
    return question


def update_question(
    question: Question, spec: QuestionSpec, *, actor: User, now: datetime.datetime | None = None
) -> Question:
    """Change a question and its choices, until the survey has its first answer.

    The choices are written anew: no answer can point to them yet."""
    cleaned = _clean_spec(spec)
    moment = _now(now)
    survey = question.survey
    with transaction.atomic():
        _lock(survey)
        require_questions_editable(actor, survey)
        question.refresh_from_db()
        _apply_spec(question, cleaned)
        question.save()
        question.choices.all().delete()
        _write_choices(question, cleaned.choices)
        _touch(survey, moment)
        _event(
            survey,
            Code.QUESTION_CHANGED,
            actor=actor,
            now=moment,
            data={"question": question.position},
        )
        _audit("update_question", actor, survey, question=question.position)
    return question


def move_question(
    question: Question, *, up: bool, actor: User, now: datetime.datetime | None = None
) -> Question:
    """Swap the question with the one before it (``up``) or after it."""
    moment = _now(now)
    survey = question.survey
    with transaction.atomic():
        _lock(survey)
        require_questions_editable(actor, survey)
        question.refresh_from_db()
        neighbours = survey.questions.exclude(pk=question.pk)
        other = (
            neighbours.filter(position__lt=question.position).order_by("-position").first()
            if up
            else neighbours.filter(position__gt=question.position).order_by("position").first()
        )
        if other is None:
            return question
        old, new = question.position, other.position
        # Through a free number: the positions are unique at every moment.
        free = (survey.questions.aggregate(last=Max("position"))["last"] or 0) + 1
        Question.objects.filter(pk=question.pk).update(position=free)
        Question.objects.filter(pk=other.pk).update(position=old)
        Question.objects.filter(pk=question.pk).update(position=new)
        question.position = new
        _touch(survey, moment)
        _event(
            survey,
            Code.QUESTION_MOVED,
            actor=actor,
            now=moment,
            data={"from": old, "to": new},
        )
        _audit("move_question", actor, survey, question=old, to=new)
    return question


def remove_question(
    question: Question, *, actor: User, now: datetime.datetime | None = None
) -> None:
    """Delete a question (with its choices) and close the gap in the numbers."""
    moment = _now(now)
    survey = question.survey
    with transaction.atomic():
        _lock(survey)
        require_questions_editable(actor, survey)
        position = question.position
        question.delete()
        for later in survey.questions.filter(position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        _touch(survey, moment)
        _event(
            survey,
            Code.QUESTION_REMOVED,
            actor=actor,
            now=moment,
            data={"question": position},
        )
        _audit("remove_question", actor, survey, question=position)


def _touch(survey: Survey, moment: datetime.datetime) -> None:
    survey.updated_at = moment
    survey.save(update_fields=["updated_at"])


# --- publishing and closing ------------------------------------------------------------------


def publish_survey(survey: Survey, *, actor: User, now: datetime.datetime | None = None) -> Survey:
    """Publish a draft: it shows on the public list and takes answers between its times.

    Refused for a survey without questions, with a choice question of fewer than two choices,
    or whose closing time has passed."""
    moment = _now(now)
    with transaction.atomic():
        _lock(survey)
        if not permissions.can_publish_survey(actor, survey):
            if survey.state != State.DRAFT and permissions.can_view_survey_staff(actor, survey):
                raise WorkflowError(_("Only a draft can be published."))
            raise SurveyPermissionDenied(_("Only a reviewer of the agency may publish a survey."))
        questions = list(survey.questions.all())
        if not questions:
            raise SurveyError(_("Add at least one question before publishing the survey."))
        choice_counts = {
            q.pk: q.choices.count() for q in questions if q.kind in Question.CHOICE_KINDS
        }
        if any(count < 2 for count in choice_counts.values()):
            raise SurveyError(_("Every choice question needs at least two choices."))
        if survey.closes_at <= moment:
            raise SurveyError(
                _("The closing time has passed: move it later before publishing the survey.")
            )
        previous = workflow.transition(survey, State.PUBLISHED)
        survey.published_at = moment
        survey.updated_at = moment
        survey.save(update_fields=["state", "published_at", "updated_at"])
        _event(
            survey,
            Code.PUBLISHED,
            actor=actor,
            now=moment,
            from_state=previous,
            to_state=State.PUBLISHED,
        )
        _audit("publish", actor, survey)
    return survey


def close_survey(survey: Survey, *, actor: User, now: datetime.datetime | None = None) -> Survey:
    """Close a published survey now (a reviewer's decision): no more answers; results that
    were kept for the closing are shown."""
    moment = _now(now)
    with transaction.atomic():
        _lock(survey)
        if not permissions.can_close_survey(actor, survey):
            if survey.state != State.PUBLISHED and permissions.can_view_survey_staff(actor, survey):
                raise WorkflowError(_("Only a published survey can be closed."))
            raise SurveyPermissionDenied(_("Only a reviewer of the agency may close a survey."))
        _close(survey, actor=actor, moment=moment)
        _audit("close", actor, survey)
    return survey


def _close(survey: Survey, *, actor: User | None, moment: datetime.datetime) -> None:
    previous = workflow.transition(survey, State.CLOSED)
    survey.closed_at = moment
    survey.updated_at = moment
    survey.save(update_fields=["state", "closed_at", "updated_at"])
    _event(
        survey,
        Code.CLOSED,
        actor=actor,
        now=moment,
        from_state=previous,
        to_state=State.CLOSED,
        data={} if actor is not None else {"reason": "closing_time"},
    )


def close_at_closing_time(survey: Survey, *, now: datetime.datetime | None = None) -> bool:
    """Record as closed a published survey whose closing time has passed (the system does
    it, as of the closing time); False, and nothing changed, when it is not due."""
    moment = _now(now)
    with transaction.atomic():
        _lock(survey)
        if survey.state != State.PUBLISHED or survey.closes_at > moment:
            return False
        _close(survey, actor=None, moment=survey.closes_at)
        _audit("close", None, survey, reason="closing_time")
    return True


# --- answering -------------------------------------------------------------------------------


def _check_answers(
    questions: Sequence[Question],
    answers: Mapping[int, AnswerValue],
    choices_of: Mapping[int, list[int]],
) -> dict[int, AnswerValue]:
    """The answers to keep, by question id; a SurveyError (field ``q<id>``) for the first
    that is wrong."""
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise SurveyError(_("The answers do not belong to this survey. Reload the page."))
    kept: dict[int, AnswerValue] = {}
    for question in questions:
        value = answers.get(question.pk, AnswerValue())
        name = f"q{question.pk}"
        if value.empty:
            if question.required:
                raise SurveyError(_("Answer this question."), field=name)
            continue
        if question.kind in Question.CHOICE_KINDS:
            if value.rating is not None or value.text.strip():
                raise SurveyError(_("Choose from the choices given."), field=name)
            if len(set(value.choice_ids)) != len(value.choice_ids):
                raise SurveyError(_("A choice was given twice."), field=name)
            if not set(value.choice_ids) <= set(choices_of.get(question.pk, [])):
                raise SurveyError(_("Choose from the choices given."), field=name)
            if question.kind == Kind.SINGLE and len(value.choice_ids) != 1:
                raise SurveyError(_("Choose one answer."), field=name)
        elif question.kind == Kind.RATING:
            if value.choice_ids or value.text.strip():
                raise SurveyError(_("Give a rating."), field=name)
            if value.rating not in question.scale():
                raise SurveyError(
                    _("Give a rating from %(low)d to %(high)d.")
                    % {"low": question.scale_min, "high": question.scale_max},
                    field=name,
                )
        else:
            if value.choice_ids or value.rating is not None:
                raise SurveyError(_("Write your answer."), field=name)
            if len(value.text.strip()) > TEXT_ANSWER_MAX_LENGTH:
                raise SurveyError(
                    _("Write at most %(max)d characters.") % {"max": TEXT_ANSWER_MAX_LENGTH},
                    field=name,
                )
            value = AnswerValue(text=value.text.strip())
        kept[question.pk] = value
    return kept


def _respondent(
    survey: Survey, *, visitor_token: str, citizen: CitizenAccount | None
) -> dict[str, str]:
    """The column and keyed hash that stand for who answers, by the survey's setting.

    Refused when the survey is for signed-in citizens and ``citizen`` is None or an account
    that could not sign in (address not confirmed, closed), or when a browser survey gets no
    cookie token. A citizen's account is not recorded on a survey answered once per browser."""
    if survey.answer_control == Survey.AnswerControl.CITIZEN:
        if citizen is None or not citizen.is_active or not citizen.is_verified:
            raise SignInRequired(sign_in_required_message())
        return {"account_hash": account_hash(survey.pk, citizen.pk)}
    if not visitor_token:
        raise SurveyError(_("Your browser did not send the survey's cookie. Reload the page."))
    return {"visitor_hash": visitor_hash(survey.pk, visitor_token)}


def submit_response(
    survey: Survey,
    answers: Mapping[int, AnswerValue],
    *,
    visitor_token: str = "",
    citizen: CitizenAccount | None = None,
    submission_key: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Response, bool]:
    """Store a visitor's answers; returns the response and whether it is new.

    Who answers is ``visitor_token`` (the cookie's token) on a survey answered once per
    browser, the signed-in ``citizen`` on one for signed-in citizens only; either is stored
    only as a keyed hash. Refused (nothing stored) when the survey needs a signed-in citizen
    and has none (:class:`SignInRequired`), when it is not open, when an answer is missing or
    wrong (:class:`SurveyError` naming the question's field ``q<id>``), or when this visitor or
    account has answered already (:class:`AlreadyAnswered`). The same form sent twice (same
    ``submission_key``) returns the first response, not new.
    """
    who = _respondent(survey, visitor_token=visitor_token, citizen=citizen)
    key = submission_key if 0 < len(submission_key) <= SUBMISSION_KEY_MAX else None
    if key is not None:
        earlier = Response.objects.filter(survey=survey, submission_key=key).first()
        if earlier is not None:
            return earlier, False
    moment = _now(now)
    try:
        with transaction.atomic():
            _lock(survey)
            if survey.phase(moment) != Survey.Phase.OPEN:
                raise SurveyUnavailable(_("This survey is not taking answers."))
            # Again from the locked row: the setting is fixed once published, but the instance
            # given may be older than the publication.
            who = _respondent(survey, visitor_token=visitor_token, citizen=citizen)
            if Response.objects.filter(survey=survey, **who).exists():
                raise AlreadyAnswered(_("You have already answered this survey."))
            questions = list(survey.questions.order_by("position"))
            choices_of: dict[int, list[int]] = {}
            for question_id, choice_id in Choice.objects.filter(
                question__survey=survey
            ).values_list("question_id", "pk"):
                choices_of.setdefault(question_id, []).append(choice_id)
            kept = _check_answers(questions, answers, choices_of)
            number = (survey.responses.aggregate(last=Max("number"))["last"] or 0) + 1
            response = Response.objects.create(
                survey=survey,
                number=number,
                submitted_at=moment,
                submission_key=key,
                **who,
            )
            stored = Answer.objects.bulk_create(
                [
                    Answer(
                        response=response,
                        question_id=question_id,
                        rating=value.rating,
                        text=value.text,
                    )
                    for question_id, value in kept.items()
                ]
            )
            links = [
                Answer.choices.through(answer_id=answer.pk, choice_id=choice_id)
                for answer in stored
                for choice_id in kept[answer.question_id].choice_ids
            ]
            Answer.choices.through.objects.bulk_create(links)
    except IntegrityError:
        # The same visitor or account (or the same form) at the same moment: the other one won.
        if key is not None:
            earlier = Response.objects.filter(survey=survey, submission_key=key).first()
            if earlier is not None:
                return earlier, False
        if Response.objects.filter(survey=survey, **who).exists():
            raise AlreadyAnswered(_("You have already answered this survey.")) from None
        raise
    return response, True
