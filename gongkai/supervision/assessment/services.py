"""Every action of assessment: schemes and their indicators, hand scores with their evidence,
the publication of the scorecards, and accountability records.

Each service checks the permission, runs in one transaction, refuses a change to a frozen
scheme (published, or replaced by a later version) and writes an audit entry. Audit entries
name an accountability record by its agency, measure and date, never the person.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.agencies.permissions import is_office
from gongkai.catalogue.models import Document
from gongkai.catalogue.selectors.public import public_document_rows
from gongkai.core import audit, uploads
from gongkai.core.models import User
from gongkai.supervision.assessment import permissions, scoring, selectors, workflow
from gongkai.supervision.assessment.measures import MEASURES
from gongkai.supervision.assessment.models import (
    AccountabilityRecord,
    EvidenceFile,
    HandScore,
    Indicator,
    IndicatorScheme,
    Score,
    Scorecard,
)
from gongkai.supervision.assessment.workflow import (
    AssessmentError,
    AssessmentPermissionDenied,
    require_editable,
)

State = IndicatorScheme.State
Kind = Indicator.Kind
Unscored = Indicator.Unscored
MAX_POINTS = Decimal("1000")
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str | None) -> str:
    return " ".join((value or "").split())


def _lock(instance: models.Model) -> None:
    """Lock ``instance``'s row for this transaction and refresh the instance from it."""
    type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list(
        "pk"
    ).first()
    instance.refresh_from_db()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AssessmentPermissionDenied(message)


def _require_office(actor: User) -> None:
    _require(
        permissions.can_manage_schemes(actor),
        _("Indicator schemes are defined by the disclosure office."),
    )


def _points(value: object, *, field: str, maximum: Decimal) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise AssessmentError(_("Enter the points as a number."), field=field) from None
    if not number.is_finite() or number < 0:
        raise AssessmentError(_("The points cannot be negative."), field=field)
    if number > maximum:
        raise AssessmentError(
            _("The points cannot be more than %(max)s.") % {"max": maximum}, field=field
        )
    if number != number.quantize(scoring.HUNDREDTH):
        raise AssessmentError(_("Give the points to two decimal places at most."), field=field)
    return number.quantize(scoring.HUNDREDTH)


# --------------------------------------------------------------------------- schemes


def _check_year(year: int) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise AssessmentError(_("Enter the year the scheme assesses."), field="year")
    return year


def _copy_tree(source: IndicatorScheme, target: IndicatorScheme) -> dict[int, Indicator]:
    """Copy ``source``'s indicators into ``target``, parents first; old pk → new indicator."""
    copies: dict[int, Indicator] = {}
    for node in selectors.indicator_tree(source):
        old = node.indicator
        copies[old.pk] = Indicator.objects.create(
            scheme=target,
            parent=copies[old.parent_id] if old.parent_id else None,
            code=old.code,
            name=old.name,
            description=old.description,
            kind=old.kind,
            max_points=old.max_points,
            sort_order=old.sort_order,
            measure=old.measure,
            scoring=old.scoring,
            parameters=old.parameters,
            unscored=old.unscored,
            assessor=old.assessor,
        )
    return copies


def _copy_hand_scores(copies: Mapping[int, Indicator], now: datetime.datetime) -> int:
    """The hand scores of the copied version carried over, with their evidence (the files are
    shared: evidence files are never deleted, so two rows may point at one stored file)."""
    count = 0
    rows = HandScore.objects.filter(indicator_id__in=list(copies)).prefetch_related(
        "files", "documents"
    )
    for old in rows:
        new = HandScore.objects.create(
            indicator=copies[old.indicator_id],
            agency_id=old.agency_id,
            points=old.points,
            comment=old.comment,
            assessor_id=old.assessor_id,
            scored_at=old.scored_at,
        )
        new.documents.set(old.documents.all())
        for evidence in old.files.all():
            EvidenceFile.objects.create(
                hand_score=new,
                file=evidence.file.name,
                original_name=evidence.original_name,
                content_type=evidence.content_type,
                size=evidence.size,
                sha256=evidence.sha256,
                uploaded_at=evidence.uploaded_at,
                uploaded_by_id=evidence.uploaded_by_id,
            )
        count += 1
    return count


def create_scheme(
    year: int,
    *,
    title: str,
    description: str = "",
    copy_from: IndicatorScheme | None = None,
    change_note: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> IndicatorScheme:
    """A new draft scheme for ``year``: the year's next version, empty or copied from another
    scheme (its indicators; from the same year, its hand scores too). A year has at most one
    draft at a time."""
    _require_office(actor)
    _check_year(year)
    title = _text(title)
    if not title:
        raise AssessmentError(_("Give the scheme a title."), field="title")
    if len(title) > 200:
        raise AssessmentError(_("The title is at most 200 characters."), field="title")
    now = _now(now)
    with transaction.atomic():
        existing = IndicatorScheme.objects.select_for_update().filter(year=year)
        if existing.filter(state=State.DRAFT).exists():
            raise AssessmentError(
                _("%(year)s already has a draft scheme: work on it, or activate it first.")
                % {"year": year},
                field="year",
            )
        version = (existing.aggregate(last=Max("version"))["last"] or 0) + 1
        same_year = copy_from is not None and copy_from.year == year
        scheme = IndicatorScheme(
            year=year,
            version=version,
            title=title,
            description=(description or "").strip(),
            change_note=(change_note or "").strip(),
            previous=copy_from if same_year else None,
            created_by=actor,
            created_at=now,
        )
        try:
            with transaction.atomic():
                scheme.save()
        except IntegrityError:
            raise AssessmentError(
                _("Another version of %(year)s was made at the same moment: try again.")
                % {"year": year},
                field="year",
            ) from None
        carried = 0
        if copy_from is not None:
            copies = _copy_tree(copy_from, scheme)
            if same_year:
                carried = _copy_hand_scores(copies, now)
        audit.record(
            "assessment.create_scheme",
            actor=actor,
            obj=scheme,
            details={
                "year": year,
                "version": version,
                "copied_from": copy_from.pk if copy_from else None,
                "hand_scores_carried": carried,
            },
        )
    return scheme


def new_version(
    scheme: IndicatorScheme,
    *,
    change_note: str,
    actor: User,
    now: datetime.datetime | None = None,
) -> IndicatorScheme:
    """A draft copy of the year's active scheme — the way to change a published one: the
    published scorecards stay as they are until the new version is published in turn."""
    _require_office(actor)
    if scheme.state != State.ACTIVE:
        raise AssessmentError(_("A new version is made from the year's active scheme."))
    note = (change_note or "").strip()
    if not note:
        raise AssessmentError(_("Say what the new version changes."), field="change_note")
    return create_scheme(
        scheme.year,
        title=scheme.title,
        description=scheme.description,
        copy_from=scheme,
        change_note=note,
        actor=actor,
        now=now,
    )


def update_scheme(
    scheme: IndicatorScheme, *, title: str, description: str = "", actor: User
) -> IndicatorScheme:
    """Change a scheme's title and description (not once it is frozen)."""
    _require_office(actor)
    title = _text(title)
    if not title:
        raise AssessmentError(_("Give the scheme a title."), field="title")
    if len(title) > 200:
        raise AssessmentError(_("The title is at most 200 characters."), field="title")
    with transaction.atomic():
        _lock(scheme)
        require_editable(scheme)
        before = {"title": scheme.title, "description": scheme.description}
        scheme.title, scheme.description = title, (description or "").strip()
        scheme.save(update_fields=["title", "description"])
        audit.record(
            "assessment.update_scheme",
            actor=actor,
            obj=scheme,
            details={"before": before, "after": {"title": title}},
        )
    return scheme


def _check_tree(scheme: IndicatorScheme) -> None:
    nodes = selectors.indicator_tree(scheme)
    if not nodes:
        raise AssessmentError(_("The scheme has no indicators yet."))
    parents = {node.indicator.parent_id for node in nodes}
    for node in nodes:
        indicator = node.indicator
        if indicator.kind == Kind.GROUP and indicator.pk not in parents:
            raise AssessmentError(
                _("The group “%(code)s %(name)s” has no indicators under it.")
                % {"code": indicator.code, "name": indicator.name}
            )
    if selectors.max_total(nodes) <= 0:
        raise AssessmentError(_("The scheme's indicators give no points."))


def activate_scheme(
    scheme: IndicatorScheme, *, actor: User, now: datetime.datetime | None = None
) -> IndicatorScheme:
    """Make a draft the year's scheme; the version active before it is closed (its published
    scorecards, if any, stay on the portal until this version's are published)."""
    _require_office(actor)
    now = _now(now)
    with transaction.atomic():
        IndicatorScheme.objects.select_for_update().filter(year=scheme.year).values_list("pk")
        _lock(scheme)
        if scheme.state != State.DRAFT:
            raise workflow.WorkflowError(_("Only a draft scheme can be activated."))
        _check_tree(scheme)
        replaced = (
            IndicatorScheme.objects.filter(year=scheme.year, state=State.ACTIVE)
            .exclude(pk=scheme.pk)
            .first()
        )
        if replaced is not None:
            workflow.transition(replaced, State.CLOSED)
            replaced.save(update_fields=["state"])
        workflow.transition(scheme, State.ACTIVE)
        scheme.activated_at = now
        scheme.save(update_fields=["state", "activated_at"])
        audit.record(
            "assessment.activate_scheme",
            actor=actor,
            obj=scheme,
            details={"replaced": replaced.pk if replaced else None},
        )
    return scheme


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class IndicatorInput:
    """What the office types for an indicator. ``max_points`` is ignored for a group (its
    children's sum); ``parameters`` are the scoring function's, checked by :mod:`.scoring`."""

    code: str
    name: str
    kind: str
    max_points: Decimal | str | int = Decimal("0")
    parent: Indicator | None = None
    description: str = ""
    sort_order: int = 0
    measure: str = ""
    scoring: str = ""
    parameters: Mapping[str, Any] | None = None
    unscored: str = Unscored.FULL
    assessor: User | None = None


def _descendants(indicator: Indicator) -> set[int]:
    found: set[int] = set()
    frontier = [indicator.pk]
    while frontier:
        children = list(
            Indicator.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        frontier = [pk for pk in children if pk not in found]
        found.update(frontier)
    return found


def _indicator_values(
    scheme: IndicatorScheme, data: IndicatorInput, *, current: Indicator | None
) -> dict[str, Any]:
    code = (data.code or "").strip()
    if not code:
        raise AssessmentError(_("Give the indicator a code, such as 1 or 2.3."), field="code")
    if len(code) > 20 or not CODE_PATTERN.match(code):
        raise AssessmentError(
            _("A code is up to 20 letters, digits, dots, hyphens or underscores."), field="code"
        )
    clash = Indicator.objects.filter(scheme=scheme, code=code)
    if current is not None:
        clash = clash.exclude(pk=current.pk)
    if clash.exists():
        raise AssessmentError(
            _("The scheme has an indicator %(code)s already.") % {"code": code}, field="code"
        )
    name = _text(data.name)
    if not name:
        raise AssessmentError(_("Give the indicator a name."), field="name")
    if len(name) > 200:
        raise AssessmentError(_("The name is at most 200 characters."), field="name")
    kind = data.kind
    if kind not in Kind.values:
        raise AssessmentError(_("Choose the kind of indicator."), field="kind")
    parent = data.parent
    if parent is not None:
        if parent.scheme_id != scheme.pk or parent.kind != Kind.GROUP:
            raise AssessmentError(
                _("An indicator belongs under a group of its scheme."), field="parent"
            )
        if current is not None and (parent.pk == current.pk or parent.pk in _descendants(current)):
            raise AssessmentError(
                _("An indicator cannot be placed under itself or under one of its own."),
                field="parent",
            )
    if current is not None and kind != current.kind:
        if current.kind == Kind.GROUP and current.children.exists():
            raise AssessmentError(
                _("A group with indicators under it stays a group."), field="kind"
            )
        if current.kind == Kind.MANUAL and current.hand_scores.exists():
            raise AssessmentError(
                _("Hand scores were entered on this indicator: it stays scored by hand."),
                field="kind",
            )
    sort_order = data.sort_order if isinstance(data.sort_order, int) else 0
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "description": (data.description or "").strip(),
        "kind": kind,
        "parent": parent,
        "sort_order": max(sort_order, 0),
        "measure": "",
        "scoring": "",
        "parameters": {},
        "unscored": Unscored.FULL,
        "assessor": None,
    }
    if kind == Kind.GROUP:
        values["max_points"] = current.max_points if current is not None else Decimal("0")
        return values
    max_points = _points(data.max_points, field="max_points", maximum=MAX_POINTS)
    if max_points <= 0:
        raise AssessmentError(_("Give the indicator's maximum points."), field="max_points")
    values["max_points"] = max_points
    if kind == Kind.COMPUTED:
        if data.measure not in MEASURES:
            raise AssessmentError(_("Choose what the indicator measures."), field="measure")
        if data.unscored not in (Unscored.FULL, Unscored.ZERO):
            raise AssessmentError(
                _("Choose full points or none for an agency without records."), field="unscored"
            )
        try:
            parameters = scoring.clean_parameters(data.scoring, data.parameters or {}, max_points)
        except scoring.ParameterError as error:
            field = "scoring" if data.scoring not in scoring.SCORING_RULES else "parameters"
            raise AssessmentError(error.message, field=field) from None
        values.update(
            measure=data.measure,
            scoring=data.scoring,
            parameters=parameters,
            unscored=data.unscored,
        )
    else:  # scored by hand
        if data.unscored not in Unscored.values:
            raise AssessmentError(_("Choose what an agency not scored gets."), field="unscored")
        if data.assessor is not None and not is_office(data.assessor):
            raise AssessmentError(
                _("The assessor is a member of the disclosure office."), field="assessor"
            )
        values.update(unscored=data.unscored, assessor=data.assessor)
    return values


def _refresh_group_points(scheme: IndicatorScheme) -> None:
    """Each group's maximum is the sum of its children's: recomputed bottom-up."""
    nodes = selectors.indicator_tree(scheme)
    sums: dict[int, Decimal] = {}
    for node in reversed(nodes):
        indicator = node.indicator
        if indicator.kind == Kind.GROUP:
            total = sums.get(indicator.pk, Decimal("0"))
            if indicator.max_points != total:
                indicator.max_points = total
                indicator.save(update_fields=["max_points"])
        if indicator.parent_id is not None:
            sums[indicator.parent_id] = sums.get(indicator.parent_id, Decimal("0")) + (
                indicator.max_points
            )


def _indicator_snapshot(indicator: Indicator) -> dict[str, Any]:
    return {
        "code": indicator.code,
        "name": indicator.name,
        "kind": indicator.kind,
        "max_points": str(indicator.max_points),
        "parent": indicator.parent_id,
        "measure": indicator.measure,
        "scoring": indicator.scoring,
        "parameters": indicator.parameters,
        "unscored": indicator.unscored,
        "assessor": indicator.assessor_id,
    }


def add_indicator(scheme: IndicatorScheme, data: IndicatorInput, *, actor: User) -> Indicator:
    """Add an indicator to a scheme that is not frozen."""
    _require_office(actor)
    with transaction.atomic():
        _lock(scheme)
        require_editable(scheme)
        indicator = Indicator(scheme=scheme, **_indicator_values(scheme, data, current=None))
        indicator.save()
        _refresh_group_points(scheme)
        indicator.refresh_from_db()
        audit.record(
            "assessment.add_indicator",
            actor=actor,
            obj=indicator,
            details={"scheme": scheme.pk, **_indicator_snapshot(indicator)},
        )
    return indicator


def update_indicator(indicator: Indicator, data: IndicatorInput, *, actor: User) -> Indicator:
    """Change an indicator of a scheme that is not frozen (the office assigns the assessor of
    a hand-scored one here)."""
    _require_office(actor)
    scheme = indicator.scheme
    with transaction.atomic():
        _lock(scheme)
        require_editable(scheme)
        _lock(indicator)
        before = _indicator_snapshot(indicator)
        for name, value in _indicator_values(scheme, data, current=indicator).items():
            setattr(indicator, name, value)
        indicator.save()
        _refresh_group_points(scheme)
        indicator.refresh_from_db()
        after = _indicator_snapshot(indicator)
        audit.record(
            "assessment.update_indicator",
            actor=actor,
            obj=indicator,
            details={
                "scheme": scheme.pk,
                "changes": {k: [before[k], after[k]] for k in after if before[k] != after[k]},
            },
        )
    return indicator


def delete_indicator(indicator: Indicator, *, actor: User) -> None:
    """Remove an indicator without children or hand scores from a scheme not frozen."""
    _require_office(actor)
    scheme = indicator.scheme
    with transaction.atomic():
        _lock(scheme)
        require_editable(scheme)
        if indicator.children.exists():
            raise AssessmentError(_("Remove or move the indicators under this group first."))
        if indicator.hand_scores.exists():
            raise AssessmentError(_("Hand scores were entered on this indicator: it stays."))
        snapshot = _indicator_snapshot(indicator)
        audit.record(
            "assessment.delete_indicator",
            actor=actor,
            obj=indicator,
            details={"scheme": scheme.pk, **snapshot},
        )
        indicator.delete()
        _refresh_group_points(scheme)


# --------------------------------------------------------------------------- hand scores


def _evidence_documents(documents: Iterable[Document]) -> list[Document]:
    chosen = list(documents)
    public = set(
        public_document_rows()
        .filter(pk__in=[document.pk for document in chosen])
        .values_list("pk", flat=True)
    )
    for document in chosen:
        if document.pk not in public:
            raise AssessmentError(
                _("“%(title)s” is not a public document of the catalogue.")
                % {"title": document.title},
                field="documents",
            )
    return chosen


def record_hand_score(
    indicator: Indicator,
    agency: Agency,
    *,
    points: Decimal | str | int,
    comment: str,
    documents: Iterable[Document] = (),
    files: Sequence[UploadedFile] = (),
    remove_files: Iterable[int] = (),
    actor: User,
    now: datetime.datetime | None = None,
) -> HandScore:
    """The assessor's points for ``agency`` on a hand-scored ``indicator``, replacing any
    earlier score of theirs: the points, a comment saying why (required) and evidence — public
    catalogue documents, private files, or both; at least one piece (required). The previous
    points and comment stay in the audit trail."""
    _require(
        permissions.can_score_by_hand(actor, indicator),
        _("Hand scores on this indicator are entered by its assessor in the disclosure office."),
    )
    comment = (comment or "").strip()
    if not comment:
        raise AssessmentError(_("Say why the agency gets these points."), field="comment")
    if len(comment) > 5000:
        raise AssessmentError(_("The comment is at most 5,000 characters."), field="comment")
    value = _points(points, field="points", maximum=indicator.max_points)
    chosen = _evidence_documents(documents)
    remove_ids = [int(pk) for pk in remove_files]
    inspected = []
    for upload in files:
        try:
            inspected.append((upload, uploads.inspect_upload(upload, policy=uploads.EVIDENCE)))
        except uploads.UploadRefused as refused:
            raise AssessmentError(refused.message, field="evidence_files") from None
    now = _now(now)
    scheme = indicator.scheme
    start, end = selectors.year_bounds(scheme.year)
    with transaction.atomic():
        _lock(scheme)
        require_editable(scheme)
        if selectors.member_period(agency, start, end) is None:
            raise AssessmentError(
                _("%(agency)s was not a member of the disclosure system in %(year)s.")
                % {"agency": agency.name, "year": scheme.year},
                field="agency",
            )
        hand_score = (
            HandScore.objects.select_for_update().filter(indicator=indicator, agency=agency).first()
        )
        kept_files = hand_score.files.exclude(pk__in=remove_ids).count() if hand_score else 0
        if not chosen and not inspected and not kept_files:
            raise AssessmentError(
                _("Give the evidence: a public document of the catalogue or a file."),
                field="documents",
            )
        before = None
        if hand_score is not None:
            before = {"points": str(hand_score.points), "comment": hand_score.comment}
            hand_score.points, hand_score.comment = value, comment
            hand_score.assessor, hand_score.scored_at = actor, now
            hand_score.save(update_fields=["points", "comment", "assessor", "scored_at"])
        else:
            hand_score = HandScore.objects.create(
                indicator=indicator,
                agency=agency,
                points=value,
                comment=comment,
                assessor=actor,
                scored_at=now,
            )
        removed = list(hand_score.files.filter(pk__in=remove_ids).values_list("pk", flat=True))
        hand_score.files.filter(pk__in=removed).delete()  # the stored files are kept
        hand_score.documents.set(chosen)
        for _upload, facts in inspected:
            evidence = EvidenceFile(
                hand_score=hand_score,
                original_name=facts.original_name,
                content_type=facts.content_type,
                size=facts.size,
                sha256=facts.sha256,
                uploaded_at=now,
                uploaded_by=actor,
            )
            evidence.file.save(facts.original_name, facts.as_file(), save=False)
            evidence.save()
        audit.record(
            "assessment.record_hand_score",
            actor=actor,
            obj=hand_score,
            agency_id=agency.pk,
            details={
                "indicator": indicator.pk,
                "points": str(value),
                "before": before,
                "documents": [document.pk for document in chosen],
                "files_added": len(inspected),
                "files_removed": removed,
            },
        )
    return hand_score


def delete_hand_score(hand_score: HandScore, *, actor: User) -> None:
    """Withdraw a hand score entered by mistake (not once the scheme is frozen)."""
    indicator = hand_score.indicator
    _require(
        permissions.can_score_by_hand(actor, indicator),
        _("Hand scores on this indicator are entered by its assessor in the disclosure office."),
    )
    with transaction.atomic():
        _lock(indicator.scheme)
        require_editable(indicator.scheme)
        audit.record(
            "assessment.delete_hand_score",
            actor=actor,
            obj=hand_score,
            agency_id=hand_score.agency_id,
            details={
                "indicator": indicator.pk,
                "points": str(hand_score.points),
                "comment": hand_score.comment,
            },
        )
        hand_score.delete()


# --------------------------------------------------------------------------- publication


def publish_scores(
    scheme: IndicatorScheme,
    *,
    actor: User,
    now: datetime.datetime | None = None,
) -> list[Scorecard]:
    """Publish the year's scorecards (成绩单) under the active ``scheme`` once the year is
    over: every member agency's scores computed from the records as they stand, stored with
    the records behind each figure, ranked, and frozen — as is the scheme. A later change
    is a new version, published as a correction."""
    _require(
        permissions.can_publish_scores(actor),
        _("Scorecards are published by the disclosure office."),
    )
    now = _now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        _lock(scheme)
        if scheme.state != State.ACTIVE:
            raise workflow.WorkflowError(_("Only the year's active scheme is published."))
        if scheme.published_at is not None:
            raise workflow.WorkflowError(_("These scorecards are published already."))
        if not selectors.year_is_over(scheme.year, today=today):
            raise AssessmentError(
                _("The scorecards of %(year)s are published after the year is over.")
                % {"year": scheme.year}
            )
        end = selectors.year_bounds(scheme.year)[1]
        missing = selectors.missing_hand_scores(scheme, end=end)
        if missing:
            raise AssessmentError(
                _("Hand scores are still missing: %(list)s.")
                % {
                    "list": "; ".join(
                        _("%(code)s %(name)s (%(count)s agencies)")
                        % {"code": indicator.code, "name": indicator.name, "count": count}
                        for indicator, count in missing
                    )
                }
            )
        cards = selectors.compute_cards(scheme, end=end)
        scorecards = []
        scores = []
        for card in cards:
            scorecard = Scorecard.objects.create(
                scheme=scheme,
                agency=card.agency,
                period_start=card.start,
                period_end=card.end,
                total=card.total,
                rank=card.rank or 0,
            )
            scorecards.append(scorecard)
            scores += [
                Score(
                    scorecard=scorecard,
                    indicator=line.indicator,
                    basis=line.basis,
                    figure=line.figure,
                    numerator=line.numerator,
                    denominator=line.denominator,
                    points=line.points,
                    records=[row.as_json() for row in line.records],
                    hand_score=line.hand_score,
                )
                for line in card.lines
            ]
        Score.objects.bulk_create(scores, batch_size=500)
        scheme.published_at = now
        scheme.published_by = actor
        scheme.save(update_fields=["published_at", "published_by"])
        audit.record(
            "assessment.publish_scores",
            actor=actor,
            obj=scheme,
            details={"year": scheme.year, "version": scheme.version, "scorecards": len(cards)},
        )
    return scorecards


# --------------------------------------------------------------------------- accountability


def _require_accountability(actor: User) -> None:
    _require(
        permissions.can_manage_accountability(actor),
        _("Accountability records are kept by the disclosure office."),
    )


def _accountability_values(
    *,
    agency: Agency | None,
    person: str,
    person_title: str,
    reason: str,
    measure: str,
    decided_on: datetime.date | None,
    decision_number: str,
    today: datetime.date,
) -> dict[str, Any]:
    if agency is None:
        raise AssessmentError(_("Choose the agency."), field="agency")
    person = _text(person)
    if not person:
        raise AssessmentError(_("Name the person held accountable."), field="person")
    if len(person) > 100:
        raise AssessmentError(_("The name is at most 100 characters."), field="person")
    person_title = _text(person_title)
    if len(person_title) > 100:
        raise AssessmentError(_("The post is at most 100 characters."), field="person_title")
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError(_("Give the reason."), field="reason")
    if measure not in AccountabilityRecord.Measure.values:
        raise AssessmentError(_("Choose the measure taken."), field="measure")
    if not isinstance(decided_on, datetime.date):
        raise AssessmentError(_("Enter the date decided."), field="decided_on")
    if decided_on > today:
        raise AssessmentError(_("The date decided cannot be after today."), field="decided_on")
    decision_number = _text(decision_number)
    if len(decision_number) > 64:
        raise AssessmentError(
            _("The decision number is at most 64 characters."), field="decision_number"
        )
    return {
        "agency": agency,
        "person": person,
        "person_title": person_title,
        "reason": reason,
        "measure": measure,
        "decided_on": decided_on,
        "decision_number": decision_number,
    }


def _accountability_details(record: AccountabilityRecord) -> dict[str, Any]:
    """What the audit entry keeps: never the person."""
    return {
        "agency": record.agency_id,
        "measure": record.measure,
        "decided_on": record.decided_on.isoformat(),
    }


def record_accountability(
    agency: Agency | None,
    *,
    person: str,
    person_title: str = "",
    reason: str,
    measure: str,
    decided_on: datetime.date | None,
    decision_number: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> AccountabilityRecord:
    """Record that a person of ``agency`` was held accountable (责任追究), why and how."""
    _require_accountability(actor)
    now = _now(now)
    values = _accountability_values(
        agency=agency, person=person, person_title=person_title, reason=reason,
        measure=measure, decided_on=decided_on, decision_number=decision_number,
        today=timezone.localdate(now),
    )  # fmt: skip
    with transaction.atomic():
        record = AccountabilityRecord.objects.create(recorded_by=actor, recorded_at=now, **values)
        audit.record(
            "assessment.record_accountability",
            actor=actor,
            obj=record,
            agency_id=record.agency_id,
            details=_accountability_details(record),
        )
    return record


def update_accountability(
    record: AccountabilityRecord,
    *,
    agency: Agency | None,
    person: str,
    person_title: str = "",
    reason: str,
    measure: str,
    decided_on: datetime.date | None,
    decision_number: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> AccountabilityRecord:
    """Correct an accountability record."""
    _require_accountability(actor)
    now = _now(now)
    values = _accountability_values(
        agency=agency, person=person, person_title=person_title, reason=reason,
        measure=measure, decided_on=decided_on, decision_number=decision_number,
        today=timezone.localdate(now),
    )  # fmt: skip
    with transaction.atomic():
        _lock(record)
        before = _accountability_details(record)
        person_changed = record.person != values["person"]
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        audit.record(
            "assessment.update_accountability",
            actor=actor,
            obj=record,
            agency_id=record.agency_id,
            details={
                "before": before,
                "after": _accountability_details(record),
                "person_changed": person_changed,
            },
        )
    return record
