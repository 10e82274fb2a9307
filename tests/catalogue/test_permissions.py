"""Who may do what to a document, and what staff see."""

from gongkai.catalogue import permissions, services
from gongkai.catalogue.models import Document


def test_editors_edit_and_submit_their_own_agencys_drafts_only(
    document_factory, editor, other_editor, reviewer
):
    document = document_factory()
    assert permissions.can_edit_document(editor, document)
    assert permissions.can_submit(editor, document)
    assert not permissions.can_edit_document(other_editor, document)
    assert not permissions.can_submit(other_editor, document)
    assert not permissions.can_edit_document(reviewer, document)


def test_reg_17_reviewers_review_others_submissions_of_their_agency(
    document_factory, editor, reviewer, other_reviewer
):
    document = services.submit_document(document_factory(), actor=editor)
    assert permissions.can_review_document(reviewer, document)
    assert not permissions.can_review_document(other_reviewer, document)
    assert not permissions.can_review_document(editor, document)
    assert not permissions.can_edit_document(editor, document)  # not while in review


def test_withdraw_by_reviewers_or_the_office(
    document_factory, publish, editor, reviewer, office_user
):
    document = publish(document_factory())
    assert permissions.can_withdraw(reviewer, document)
    assert permissions.can_withdraw(office_user, document)
    assert not permissions.can_withdraw(editor, document)


def test_documents_visible_to_own_agencies_and_to_the_office(
    document_factory, editor, other_editor, office_user, user_factory
):
    document = document_factory()
    assert list(permissions.documents_visible_to(editor)) == [document]
    assert list(permissions.documents_visible_to(other_editor)) == []
    assert list(permissions.documents_visible_to(office_user)) == [document]
    assert list(permissions.documents_visible_to(user_factory())) == []
    assert list(permissions.documents_visible_to(None)) == []
    assert permissions.can_view_document_staff(editor, document)
    assert not permissions.can_view_document_staff(other_editor, document)


def test_anonymous_users_may_do_nothing(document_factory):
    from django.contrib.auth.models import AnonymousUser

    document = document_factory()
    anonymous = AnonymousUser()
    assert not permissions.can_edit_document(anonymous, document)
    assert not permissions.can_review_document(anonymous, document)
    assert not permissions.can_create_document(anonymous, document.agency)
    assert Document.objects.count() == 1
