"""Who may do what to a document, and the queryset every staff list goes through.

Editors (信息员) make and change their own agency's drafts and submit them; that agency's
reviewers (审核人) approve or reject them — never a submission of their own (REG 17: a second
pair of eyes); reviewers and the disclosure office withdraw published documents and decide on
the re-assessment of withheld ones (REG 18). The office and administrators see every agency's
documents; other staff see their own agencies' only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongkai.agencies.models import Agency, StaffRole
from gongkai.agencies.permissions import active_user, agencies_visible_to, has_role
from gongkai.catalogue import workflow
from gongkai.catalogue.models import Document

if TYPE_CHECKING:
    from gongkai.agencies.permissions import UserLike

Role = StaffRole.Role
State = Document.State


def can_create_document(user: UserLike, agency: Agency) -> bool:
    """Make a draft for ``agency``: its editors."""
    return has_role(user, agency, Role.EDITOR)


def can_edit_document(user: UserLike, document: Document) -> bool:
    """Change the working copy (and its attachments): the agency's editors, while a draft."""
    return document.working_state in workflow.EDITABLE_STATES and has_role(
        user, document.agency, Role.EDITOR
    )


def can_submit(user: UserLike, document: Document) -> bool:
    """Send a draft to review: the agency's editors."""
    return document.working_state == State.DRAFT and has_role(user, document.agency, Role.EDITOR)


def can_review_document(user: UserLike, document: Document) -> bool:
    """Approve or reject a submitted document: the agency's reviewers, not its submitter."""
    account = active_user(user)
    if account is None or document.working_state != State.SUBMITTED:
        return False
    if document.submitted_by_id is not None and document.submitted_by_id == account.pk:
        return False
    return has_role(account, document.agency, Role.REVIEWER)


def can_withdraw(user: UserLike, document: Document) -> bool:
    """Take a published (or approved, scheduled) document off: reviewers or the office."""
    if document.state not in (State.PUBLISHED, State.APPROVED):
        return False
    return has_role(user, document.agency, Role.REVIEWER, Role.OFFICE)


def can_amend_document(user: UserLike, document: Document) -> bool:
    """Start an amendment of a published document: the agency's editors."""
    return (
        document.state == State.PUBLISHED
        and not document.amendment_state
        and has_role(user, document.agency, Role.EDITOR)
    )


def can_change_validity(user: UserLike, document: Document) -> bool:
    """Record that a published document expired, was amended or repealed: its reviewers or
    the office (the validity is public metadata, like the publication itself)."""
    return document.state == State.PUBLISHED and has_role(
        user, document.agency, Role.REVIEWER, Role.OFFICE
    )


def can_link_interpretation(user: UserLike, interpretation: Document) -> bool:
    """Link an interpretation to its policies: editors or reviewers of its agency, the office."""
    return has_role(user, interpretation.agency, Role.EDITOR, Role.REVIEWER, Role.OFFICE)


def can_reassess(user: UserLike, document: Document) -> bool:
    """Decide again on a withheld document's disclosure (REG 18): its reviewers or the office."""
    return has_role(user, document.agency, Role.REVIEWER, Role.OFFICE)


def can_view_document_staff(user: UserLike, document: Document) -> bool:
    """See a document in the workbench, drafts and history included."""
    return has_role(user, document.agency)


def documents_visible_to(user: UserLike) -> QuerySet[Document]:
    """Documents ``user`` may see in the workbench: own agencies; office and admins all."""
    if active_user(user) is None:
        return Document.objects.none()
    return Document.objects.filter(agency__in=agencies_visible_to(user))
