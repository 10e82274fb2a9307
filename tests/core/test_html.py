"""Rich-text sanitising and plain text (gongkai.core.html)."""

from __future__ import annotations

import re

import pytest

from gongkai.core.html import html_to_text, sanitize_html
from gongkai.core.text import find_personal_data

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)" onload="alert(2)">',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="java\tscript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">link</a>',
    '<a href="javascript&colon;alert(1)">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="javascript:alert(1)">',
    '<body onload="alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    '<p onmouseover="alert(1)">unclosed <b onclick="alert(1)">nested <i>tags',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<!--<script>alert(1)</script>-->",
    '<a href="#" onclick="alert(1)">x</a>',
    '<details open ontoggle="alert(1)">',
    '<video><source onerror="alert(1)"></video>',
    '<table background="javascript:alert(1)"><tr><td onclick="alert(1)">x</td></tr></table>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]

_DANGEROUS = re.compile(
    r"<script|<iframe|<svg|<math|<object|<embed|<style|<form|<input|<meta|<base|<link|"
    r"\son[a-z]+\s*=|javascript:|vbscript:|data:|style=|expression\(",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_neutralised(payload):
    cleaned = sanitize_html(payload)

    assert not _DANGEROUS.search(cleaned), cleaned
    # Sanitising is stable: what comes out passes through unchanged.
    assert sanitize_html(cleaned) == cleaned


def test_script_and_style_content_is_removed_not_shown():
    cleaned = sanitize_html(
        "<p>前</p><script>alert('x')</script><style>p{color:red}</style><p>后</p>"
    )

    assert cleaned == "<p>前</p><p>后</p>"


def test_escaped_markup_stays_text():
    cleaned = sanitize_html("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")

    assert cleaned == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_allowed_structure_is_kept():
    html = (
        "<h2>一、概述</h2><p>按照<strong>《条例》</strong>和<em>《办法》</em>要求，"
        "<u>下划线</u><s>删除</s>H<sub>2</sub>O m<sup>2</sup></p>"
        "<ul><li>一</li></ul><ol><li>二</li></ol><blockquote><p>引文</p></blockquote>"
        "<hr><pre><code>code</code></pre><h3>三</h3><h4>四</h4><h5>五</h5><h6>六</h6>"
        '<figure><img src="/media/a.png" alt="图"><figcaption>图一</figcaption></figure>'
        "<div><span>文字</span></div><p>第一行<br>第二行</p>"
    )

    assert sanitize_html(html) == html


def test_tables_keep_spans():
    html = (
        '<table><thead><tr><th colspan="2" scope="col">指标</th></tr></thead>'
        '<tbody><tr><td rowspan="2">申请</td><td>15</td></tr></tbody></table>'
    )

    assert sanitize_html(html) == html


def test_table_attributes_that_are_not_numbers_are_dropped():
    cleaned = sanitize_html('<table><tr><td colspan="x" rowspan="0" width="9">1</td></tr></table>')

    assert cleaned == "<table><tbody><tr><td>1</td></tr></tbody></table>"


@pytest.mark.parametrize(
    "href",
    ["https://www.zhangdian.gov.cn/", "http://example.org/a?b=1", "mailto:office@example.gov.cn",
     "/gongkai/documents/1/", "../guide/", "#section-2", "?page=2"],
)  # fmt: skip
def test_safe_links_keep_their_href_and_get_rel(href):
    cleaned = sanitize_html(f'<a href="{href}" title="说明" target="_blank">链接</a>')

    assert f'href="{href.replace("&", "&amp;")}"' in cleaned
    assert 'rel="noopener noreferrer"' in cleaned
    assert 'title="说明"' in cleaned
    assert "target" not in cleaned


@pytest.mark.parametrize("href", ["ftp://example.org/f", "file:///etc/passwd", "tel:12345"])
def test_other_link_schemes_are_dropped(href):
    cleaned = sanitize_html(f'<a href="{href}">链接</a>')

    assert "href" not in cleaned
    assert "链接" in cleaned


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://www.zhangdian.gov.cn/a.jpg", True),
        ("http://example.org/a.png", True),
        ("/media/uploads/a.png", True),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("mailto:office@example.gov.cn", False),
        ("javascript:alert(1)", False),
    ],
)
def test_image_sources(src, kept):
    cleaned = sanitize_html(f'<img src="{src}" alt="图" width="200" height="50%">')

    assert (f'src="{src}"' in cleaned) is kept
    assert 'alt="图"' in cleaned
    assert 'width="200"' in cleaned
    assert 'height="50%"' in cleaned


def test_style_class_and_id_attributes_are_dropped():
    cleaned = sanitize_html('<p style="color:red" class="x" id="y" align="center">文</p>')

    assert cleaned == "<p>文</p>"


def test_tags_not_allowed_keep_their_text():
    cleaned = sanitize_html("<h1>标题</h1><font color=red>红字</font><center>居中</center>")

    assert cleaned == "标题红字居中"


def test_sanitize_nothing():
    assert sanitize_html("") == ""


# --- Plain text ----------------------------------------------------------------------------


def test_html_to_text_puts_blocks_on_lines():
    html = (
        "<h2>一、概述</h2><p>张店区政府&nbsp;高度重视&amp;推进</p><p>第一行<br>第二行<br/>第三行</p>"
        "<ul><li>网上申请5件</li><li>信函申请10件</li></ul>"
    )

    assert html_to_text(html) == (
        "一、概述\n张店区政府 高度重视&推进\n第一行\n第二行\n第三行\n网上申请5件\n信函申请10件"
    )


def test_html_to_text_decodes_entities_and_keeps_escaped_markup_as_text():
    assert html_to_text("<p>&lt;script&gt; &#x4E2D;&#25991; &quot;引号&quot;</p>") == (
        '<script> 中文 "引号"'
    )


def test_html_to_text_drops_script_and_style():
    html = "<p>可见</p><script>var s = '<p>不可见</p>';</script><style>p{}</style><p>也可见</p>"

    assert html_to_text(html) == "可见\n也可见"


def test_html_to_text_separates_table_cells():
    html = "<table><tr><th>项目</th><th>数量</th></tr><tr><td>申请</td><td>15</td></tr></table>"

    assert html_to_text(html) == "项目 数量\n申请 15"


def test_html_to_text_collapses_whitespace_and_inline_tags():
    html = "<p>\n  　　本报告由<strong>区政府办公室</strong>\t编制。 </p>\n\n<div></div>"

    assert html_to_text(html) == "本报告由区政府办公室 编制。"


def test_html_to_text_of_plain_text_and_nothing():
    assert html_to_text("没有标签的文字") == "没有标签的文字"
    assert html_to_text("") == ""


def test_html_to_text_feeds_screening():
    text = html_to_text("<p>联系电话：<strong>138</strong>-1234-5678</p>")

    assert [f.kind for f in find_personal_data(text)] == ["mobile"]


def _parsed_text(html: str) -> str:
    """``html_to_text`` as the parser alone gives it (the fast path switched off)."""
    from gongkai.core import html as module

    original = module._simple_parts
    module._simple_parts = lambda html: None
    try:
        return html_to_text(html)
    finally:
        module._simple_parts = original


_PIECES = [
    "<p>", "</p>", "<h3>", "</h3>", "<br>", "<br/>", "<br />", "<hr>", "<td>", "</td>", "<th/>",
    "<tr>", "</tr>", "<strong>", "</strong>", "<span>", "</span>", "<li>", "</li>", "<td/>",
    '<a href="https://example.gov.cn/a?b=1&amp;c=2" rel="noopener noreferrer">', "</a>",
    '<img src="/x.png" alt="图 1">', '<td colspan="2">', "<P>", "</P >", "<p >", "<!-- 注释 -->",
    "<script>", "</script>", "<style>", "<svg>", "</svg>", "<textarea>", "<", ">", "</", "</br>",
    "&", "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#x4E2D;", "&#25991;", "&am", "p;",
    "&copy", "&unknown;", "\n", "\t", " ", "\u3000", "\xa0", "政府信息公开", "，", "a1", "2014年",
    "<p/>", "</p/>", '<a title="x>y">', '<a title=\'q\'>', "<a title=x>", "<div>", "</div>",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(40))
def test_html_to_text_fast_path_gives_the_parsers_text(seed):
    """Issue 10: sanitised bodies skip the parser; any HTML must give the same text either
    way (the search index must not change)."""
    import random

    rng = random.Random(seed)
    for _ in range(200):
        html = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))
        assert html_to_text(html) == _parsed_text(html), html
        cleaned = sanitize_html(html)
        assert html_to_text(cleaned) == _parsed_text(cleaned), cleaned


def test_html_to_text_reads_sanitised_bodies_without_the_parser(monkeypatch):
    from gongkai.core import html as module

    body = sanitize_html(
        '<h3>一、总体要求</h3><p>各单位&amp;部门<a href="https://www.gov.cn/">链接</a></p>'
        "<table><tr><td>甲</td><td>乙</td></tr></table><p>第一行<br>第二行</p>"
    )
    monkeypatch.setattr(module, "_TextExtractor", None)  # the parser is not used

    assert html_to_text(body) == "一、总体要求\n各单位&部门链接\n甲 乙\n第一行\n第二行"
