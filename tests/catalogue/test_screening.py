"""Pre-publication screening (REG 17): secrecy markings, personal data, configured terms."""

import pytest

from gongkai.catalogue.models import Document, SensitiveTerm
from gongkai.catalogue.screening import location_label, screen_document

RESIDENT_ID = "11010519491231002X"


def _kinds(document):
    return [(f.kind, f.severity) for f in screen_document(document)]


def _doc(**fields):
    return Document(title=fields.pop("title", "通知"), **fields)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "<p>机密</p><p>关于…</p>",
        "<p>秘密★一年</p>",
        "<p>内部资料　注意保存</p>",
        "<p>绝密★长期</p>",
    ],
)
def test_secrecy_markings_block(body):
    findings = screen_document(_doc(body=body))
    assert [(f.kind, f.severity) for f in findings] == [("secrecy", "blocking")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "<p>依法保护商业秘密和个人隐私。</p>",
        "<p>不得泄露国家秘密。</p>",
        "<p>加强涉密人员管理。</p>",
        "<p>★重点项目进展顺利。</p>",
    ],
)
def test_ordinary_words_are_not_markings(body):
    assert _kinds(_doc(body=body)) == []


@pytest.mark.django_db
def test_personal_data_needs_a_reason_and_is_masked():
    document = _doc(summary=f"申请人身份证号{RESIDENT_ID}，手机13812345678，邮箱zhang.san@qq.com")
    findings = screen_document(document)
    assert [(f.kind, f.severity) for f in findings] == [
        ("resident_id", "needs_reason"),
        ("mobile", "needs_reason"),
        ("email", "needs_reason"),
    ]
    for finding in findings:
        assert finding.location == "summary"
        assert RESIDENT_ID not in finding.snippet
        assert "13812345678" not in finding.snippet
        assert "zhang.san@" not in finding.snippet
    assert "138****5678" in findings[1].snippet


@pytest.mark.django_db
def test_government_email_and_landlines_are_warnings():
    document = _doc(body="<p>咨询电话：0531-83123456，邮箱 gkb@zhangqiu.gov.cn</p>")
    assert sorted(_kinds(document)) == [("email", "warning"), ("phone_landline", "warning")]


@pytest.mark.django_db
def test_configured_sensitive_and_mistaken_terms_are_warnings_with_a_suggestion():
    SensitiveTerm.objects.create(term="群体性事件", kind=SensitiveTerm.Kind.SENSITIVE)
    SensitiveTerm.objects.create(term="其它", kind=SensitiveTerm.Kind.MISTAKEN, suggestion="其他")
    SensitiveTerm.objects.create(term="停用词", kind=SensitiveTerm.Kind.SENSITIVE, active=False)
    findings = screen_document(_doc(title="关于群体性事件及其它事项的报告", body="<p>停用词</p>"))
    assert [(f.kind, f.severity, f.suggestion) for f in findings] == [
        ("sensitive", "warning", ""),
        ("mistaken", "warning", "其他"),
    ]


@pytest.mark.django_db
def test_locations_have_labels():
    assert location_label("body") == "body"
    assert location_label("attachment:3:名单.xlsx") == "attachment “名单.xlsx”"
