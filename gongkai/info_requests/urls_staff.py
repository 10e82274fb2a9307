"""The workbench pages of applications (``/workbench/requests/``)."""

from django.urls import path, register_converter

from gongkai.info_requests.views import staff, staff_actions, staff_templates

app_name = "info_requests_staff"

# An agency's id, or "default" for the templates and settings of every agency.
register_converter(staff_templates.NoticeScopeConverter, "notice_scope")

urlpatterns = [
    # Lists, the case page, registration and files (views/staff.py).
    path("", staff.queue, name="queue"),
    path("register/", staff.register, name="register"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/files/", staff.upload_file, name="upload_file"),
    path("<int:pk>/files/<int:file_pk>/", staff.download_file, name="download_file"),
    path(
        "<int:pk>/notices/<int:notice_pk>/<str:fmt>/",
        staff.download_notice,
        name="download_notice",
    ),
    # One POST view per action, each calling one service (views/staff_actions.py).
    path("<int:pk>/accept/", staff_actions.accept, name="accept"),
    path("<int:pk>/assign/", staff_actions.assign, name="assign"),
    path("<int:pk>/transfer/", staff_actions.transfer, name="transfer"),
    path("<int:pk>/correction/", staff_actions.request_correction, name="request_correction"),
    path("<int:pk>/corrected/", staff_actions.receive_correction, name="receive_correction"),
    path("<int:pk>/close-at-receipt/", staff_actions.close_at_receipt, name="close_at_receipt"),
    path("<int:pk>/extend/", staff_actions.extend, name="extend"),
    path("<int:pk>/consult/", staff_actions.consult, name="consult"),
    path(
        "<int:pk>/consultations/<int:consultation_pk>/",
        staff_actions.settle_consultation,
        name="settle_consultation",
    ),
    path("<int:pk>/fee/", staff_actions.issue_fee_notice, name="issue_fee_notice"),
    path("<int:pk>/fee/<int:fee_pk>/", staff_actions.settle_fee, name="settle_fee"),
    path("<int:pk>/reply/", staff_actions.draft_reply, name="draft_reply"),
    path("<int:pk>/submit/", staff_actions.submit_for_review, name="submit_for_review"),
    path("<int:pk>/review/", staff_actions.review, name="review"),
    path("<int:pk>/head/", staff_actions.approve_as_head, name="approve_as_head"),
    path("<int:pk>/deliver/", staff_actions.deliver, name="deliver"),
    path("<int:pk>/close/", staff_actions.close, name="close"),
    path(
        "<int:pk>/propose/",
        staff_actions.propose_for_disclosure,
        name="propose_for_disclosure",
    ),
    path("<int:pk>/remedies/", staff_actions.record_remedy, name="record_remedy"),
    path(
        "<int:pk>/remedies/<int:remedy_pk>/",
        staff_actions.decide_remedy,
        name="decide_remedy",
    ),
    path("<int:pk>/notices/reissue/", staff_actions.reissue_notice, name="reissue_notice"),
    # The notice template editor (views/staff_templates.py).
    path("notice-templates/", staff_templates.index, name="notice_template_index"),
    path(
        "notice-templates/<notice_scope:scope>/",
        staff_templates.template_list,
        name="notice_templates",
    ),
    path(
        "notice-templates/<notice_scope:scope>/settings/",
        staff_templates.edit_settings,
        name="notice_settings",
    ),
    path(
        "notice-templates/<notice_scope:scope>/<slug:kind>/",
        staff_templates.edit_template,
        name="edit_notice_template",
    ),
    path(
        "notice-templates/<notice_scope:scope>/<slug:kind>/revert/",
        staff_templates.revert_template,
        name="revert_notice_template",
    ),
]
