"""Segmentation, personal-data detection and masking (gongkai.core.text)."""

from __future__ import annotations

import threading
import unicodedata

import pytest

from gongkai.core import text as text_module
from gongkai.core.text import (
    USER_DICTIONARY,
    Finding,
    Kind,
    Risk,
    find_personal_data,
    find_terms,
    is_valid_resident_id,
    mask,
    mask_text,
    normalize,
    segment,
    segment_for_index,
    snippet,
)

# Resident ID numbers with correct check digits (GB 11643, ISO 7064 MOD 11-2).
ID_1980 = "370303198001011234"
ID_WITH_X = "11010519491231002X"
ID_LEAP_DAY = "370303201202291230"
# The same number with one digit changed: the check digit no longer fits.
ID_ONE_DIGIT_CHANGED = "370303198001021234"
# A valid check digit but 29 February of a year that is not a leap year.
ID_IMPOSSIBLE_DATE = "370303201402291235"
# Card numbers passing the Luhn check, and one failing it.
CARD_16 = "6250941006528599"
CARD_18 = "622848003001234567"
CARD_INVALID = "6250941006528598"


def _check_digit(first17: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


# --- Normalisation and segmentation --------------------------------------------------------


def test_normalize_folds_width_case_and_controls():
    assert normalize("ＰＭ２．５ ＡＰＥＣ\u200b会议\x00") == "pm2.5 apec会议"


def test_segment_seed_sentence():
    tokens = segment("区房管局主动公开2014年保障性安居工程建设计划")

    for word in [
        "房管局",
        "主动公开",
        "公开",
        "2014年",
        "2014",
        "保障性",
        "保障",
        "安居工程",
        "计划",
    ]:
        assert word in tokens
    assert all(token.strip() == token and token for token in tokens)


def test_segment_search_mode_gives_the_sub_words():
    tokens = segment("保障性住房")

    assert set(tokens) == {"保障", "保障性", "住房", "保障性住房"}


def test_long_words_give_their_longer_sub_words_too():
    tokens = segment("张店区政府信息公开工作")

    assert {"政府信息公开", "信息公开", "政府信息", "政府", "信息", "公开"} <= set(tokens)
    # A query for the shorter term finds every token it needs in the longer text.
    assert set(segment("信息公开")) <= set(tokens)


@pytest.mark.parametrize("word", ["低保", "环保", "招生"])
def test_two_character_words_stay_whole(word):
    assert segment(f"区教育局{word}工作").count(word) == 1


def test_latin_and_number_tokens_survive():
    tokens = segment("2014年PM2.5年均浓度下降，APEC会议期间空气质量良好")

    assert "pm2.5" in tokens
    assert "apec" in tokens
    assert "2014年" in tokens
    assert "2014" in tokens


def test_full_width_is_normalised_so_that_both_forms_match():
    assert "pm2.5" in segment("ＰＭ２．５浓度")
    assert set(segment("ＰＭ２．５浓度")) == set(segment("PM2.5浓度"))


def test_dates_keep_their_unit():
    tokens = segment("自2014年1月1日至2014年12月31日")

    assert {"2014年", "1月", "1日", "12月", "31日"} <= set(tokens)


def test_punctuation_and_whitespace_are_dropped():
    tokens = segment("一、概述：（一）加强 领导；“条例”……")

    assert tokens
    assert not [token for token in tokens if not any(char.isalnum() for char in token)]


def _dictionary_terms():
    with USER_DICTIONARY.open(encoding="utf-8") as handle:
        return [line.split()[0] for line in handle if line.strip() and not line.startswith("#")]


def test_user_dictionary_is_substantial_and_has_no_duplicates():
    terms = _dictionary_terms()

    assert len(terms) >= 150
    assert len(terms) == len(set(terms))
    for term in ["低保", "政府信息公开", "依申请公开", "政风行风热线", "区长信箱", "街道办事处"]:
        assert term in terms


def test_every_user_dictionary_term_is_kept_whole():
    terms = _dictionary_terms()

    split = [term for term in terms if normalize(term) not in segment(f"关于{term}的通知")]

    assert split == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("张店区2014年政府信息公开工作年度报告", "政府信息公开"),
        ("通过政风行风热线接听市民热线电话", "政风行风热线"),
        ("区长信箱共受理来信", "区长信箱"),
        ("三公经费预决算公开的口径", "三公经费"),
        ("继续推进保障性住房信息公开", "保障性住房"),
        ("我区12个镇办的102个村", "镇办"),
        ("依申请公开工作", "依申请公开"),
        ("经适房和廉租房的分配", "经适房"),
        ("经适房和廉租房的分配", "廉租房"),
    ],
)
def test_government_terms_in_context(text, word):
    assert word in segment(text)


def test_segment_for_index_is_space_joined_tokens():
    indexed = segment_for_index("保障性住房 ＡＰＥＣ")

    assert indexed.split(" ") == segment("保障性住房 ＡＰＥＣ")
    assert "apec" in indexed.split()
    assert "  " not in indexed


def test_segment_of_nothing():
    assert segment("") == []
    assert segment(" \n\t，。") == []
    assert segment_for_index("") == ""


def test_segmenter_loads_once_across_threads():
    results: list[list[str]] = []

    def work():
        results.append(segment("淄博市张店区政府信息公开"))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 6
    assert all(result == results[0] for result in results)
    assert "政府信息公开" in results[0]


# --- Resident ID numbers -------------------------------------------------------------------


@pytest.mark.parametrize("value", [ID_1980, ID_WITH_X, ID_WITH_X.lower(), ID_LEAP_DAY])
def test_valid_resident_ids(value):
    assert is_valid_resident_id(value)


def test_check_digit_examples_agree_with_the_standard():
    for value in [ID_1980, ID_WITH_X, ID_LEAP_DAY]:
        assert _check_digit(value[:17]) == value[17].upper()


@pytest.mark.parametrize(
    "value",
    [
        ID_ONE_DIGIT_CHANGED,
        ID_IMPOSSIBLE_DATE,
        "370303" + "18991231" + "123" + _check_digit("37030318991231123"),  # before 1900
        "370303" + "21990101" + "123" + _check_digit("37030321990101123"),  # in the future
        "370303" + "19801301" + "123" + _check_digit("37030319801301123"),  # month 13
        "070303" + "19800101" + "123" + _check_digit("07030319800101123"),  # region 0
        ID_1980[:17],
        ID_1980 + "5",
        "37030319800101123A",
        "",
    ],
)
def test_invalid_resident_ids(value):
    assert not is_valid_resident_id(value)


def test_full_width_resident_id_is_valid():
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in ID_WITH_X)

    assert is_valid_resident_id(full_width)


def test_resident_id_found_with_position_and_mask():
    text = f"申请人身份证号：{ID_1980}，请核对。"

    findings = find_personal_data(text)

    assert findings == [
        Finding(
            kind=Kind.RESIDENT_ID,
            start=8,
            end=26,
            value=ID_1980,
            masked="370303********1234",
            risk=Risk.HIGH,
        )
    ]
    assert text[findings[0].start : findings[0].end] == ID_1980


def test_resident_id_ending_in_x_is_found():
    findings = find_personal_data(f"身份证{ID_WITH_X.lower()}号")

    assert [(f.kind, f.value, f.masked) for f in findings] == [
        ("resident_id", ID_WITH_X.lower(), "110105********002X")
    ]


@pytest.mark.parametrize("value", [ID_ONE_DIGIT_CHANGED, ID_IMPOSSIBLE_DATE])
def test_resident_id_with_a_wrong_check_digit_or_date_is_not_found(value):
    findings = find_personal_data(f"身份证号{value}。")

    assert [f for f in findings if f.kind == Kind.RESIDENT_ID] == []


def test_resident_id_inside_a_longer_number_is_not_found():
    assert find_personal_data(f"编号9{ID_1980}7") == []
    assert find_personal_data(f"编号{ID_1980}0") == []


def test_old_fifteen_digit_id_is_found():
    findings = find_personal_data("旧身份证370303800101123。")

    assert [(f.kind, f.masked) for f in findings] == [("resident_id", "370303*****1123")]


# --- Telephone numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "138-1234-5678",
        "138 1234 5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "86-13812345678",
        "１３８１２３４５６７８",
    ],
)
def test_mobile_numbers(value):
    findings = find_personal_data(f"联系电话：{value}。")

    assert [(f.kind, f.value, f.masked) for f in findings] == [("mobile", value, "138****5678")]


@pytest.mark.parametrize(
    "text",
    [
        "编号12345678901",  # starts with 12
        "流水号213812345678",  # inside a longer number
        "流水号138123456789",
        "金额1381234567元",  # ten digits
    ],
)
def test_not_mobile_numbers(text):
    assert [f for f in find_personal_data(text) if f.kind == Kind.MOBILE] == []


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("0533-2869813", "0533-***9813"),
        ("010-62345678", "010-****5678"),
        ("(0533)2869813", "(0533)***9813"),
        ("0533-2869813-801", "0533-***9813-801"),
    ],
)
def test_landline_numbers_are_found_at_low_risk(value, masked):
    findings = find_personal_data(f"电话:{value};传真")

    assert [(f.kind, f.value, f.masked, f.risk) for f in findings] == [
        ("phone_landline", value, masked, Risk.LOW)
    ]


# --- Bank cards and e-mail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (CARD_16, "6250********8599"),
        (CARD_18, "6228**********4567"),
        ("6250 9410 0652 8599", "6250********8599"),
        ("6250-9410-0652-8599", "6250********8599"),
    ],
)
def test_bank_cards_passing_luhn_are_found(value, masked):
    findings = find_personal_data(f"退费账户{value}，户名张三")

    assert [(f.kind, f.value, f.masked) for f in findings] == [("bank_card", value, masked)]


def test_bank_card_failing_luhn_is_not_found():
    assert find_personal_data(f"退费账户{CARD_INVALID}") == []


def test_valid_resident_id_is_not_also_a_bank_card():
    luhn_valid_id = "370303198001010100"  # passes the Luhn check too
    assert is_valid_resident_id(luhn_valid_id)

    findings = find_personal_data(f"证件号{luhn_valid_id}")

    assert [f.kind for f in findings] == ["resident_id"]


def test_eighteen_digits_failing_the_id_check_may_still_be_a_card():
    # 18 digits, not a resident ID (bad check digit) but Luhn-valid: a card number.
    assert not is_valid_resident_id(CARD_18 + "0")
    findings = find_personal_data(f"账号{CARD_18}")

    assert [f.kind for f in findings] == ["bank_card"]


@pytest.mark.parametrize(
    ("value", "masked", "risk"),
    [
        ("zhang.san@example.com", "z***@example.com", Risk.HIGH),
        ("Li_Si+gk@mail.qq.com", "L***@mail.qq.com", Risk.HIGH),
        ("zddzzw@zibo.gov.cn", "z***@zibo.gov.cn", Risk.LOW),
    ],
)
def test_email_addresses(value, masked, risk):
    findings = find_personal_data(f"电子邮箱:{value}）。")

    assert [(f.kind, f.value, f.masked, f.risk) for f in findings] == [
        ("email", value, masked, risk)
    ]


def test_email_wins_over_the_digits_in_it():
    findings = find_personal_data("邮箱13812345678@163.com")

    assert [(f.kind, f.value) for f in findings] == [("email", "13812345678@163.com")]


# --- Masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("370303198001011234", "resident_id", "370303********1234"),
        ("138-1234-5678", "mobile", "138****5678"),
        ("+86 13812345678", "mobile", "138****5678"),
        ("6250941006528599", "bank_card", "6250********8599"),
        ("6250 9410 0652 8599", "bank_card", "6250********8599"),
        ("zhang.san@example.com", "email", "z***@example.com"),
        ("秘密", "secrecy", "**"),
    ],
)
def test_mask(value, kind, expected):
    assert mask(value, kind) == expected


def test_mask_text_replaces_every_finding():
    text = (
        f"申请人张三，身份证{ID_1980}，手机138-1234-5678，"
        f"邮箱zhang.san@example.com，银行卡{CARD_16}；经办单位电话0533-2869813。"
    )

    masked = mask_text(text)

    assert masked == (
        "申请人张三，身份证370303********1234，手机138****5678，"
        "邮箱z***@example.com，银行卡6250********8599；经办单位电话0533-***9813。"
    )


def test_mask_text_only_the_kinds_asked_for():
    text = "手机13812345678，办公电话0533-2869813"

    masked = mask_text(text, kinds=[Kind.MOBILE])

    assert masked == "手机138****5678，办公电话0533-2869813"


def test_long_text_with_many_findings():
    parts = []
    expected = []
    for n in range(200):
        first17 = f"37030319{80 + n % 20:02d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        resident_id = first17 + _check_digit(first17)
        mobile = f"139{n:08d}"
        parts.append(f"第{n}户，户主身份证号{resident_id}，联系电话{mobile}，住址张店区某街道。")
        expected += [(Kind.RESIDENT_ID, resident_id), (Kind.MOBILE, mobile)]
    text = "\n".join(parts)

    findings = find_personal_data(text)

    assert [(f.kind, f.value) for f in findings] == expected
    assert all(text[f.start : f.end] == f.value for f in findings)
    masked = mask_text(text)
    assert not [value for _, value in expected if value in masked]
    assert masked.count("370303********") == 200
    assert masked.count("139****") == 200


def test_nothing_found_in_plain_text():
    assert (
        find_personal_data("所列数据的统计期限是2014年1月1日至2014年12月31日，共受理15件。") == []
    )


# --- Terms and snippets --------------------------------------------------------------------


def test_find_terms_reports_each_occurrence_with_its_position():
    text = "本件标注“秘密★一年”，另有机密和绝密字样，机密件另行处理。"

    findings = find_terms(text, ["秘密", "机密", "绝密", "秘密★"], kind="secrecy")

    assert [(f.value, f.start) for f in findings] == [
        ("秘密★", 5),
        ("机密", 14),
        ("绝密", 17),
        ("机密", 22),
    ]
    assert {f.kind for f in findings} == {"secrecy"}
    assert all(text[f.start : f.end] == f.value for f in findings)


def test_find_terms_ignores_latin_case_and_width_and_escapes_regex():
    text = "CONFIDENTIAL ＣＯＮＦＩＤＥＮＴＩＡＬ a.b* axb"

    findings = find_terms(text, ["confidential", "a.b*"], kind="sensitive")

    assert [f.value for f in findings] == ["CONFIDENTIAL", "ＣＯＮＦＩＤＥＮＴＩＡＬ", "a.b*"]


def test_find_terms_with_no_terms():
    assert find_terms("任何文字", [], kind="sensitive") == []
    assert find_terms("任何文字", ["", "  "], kind="sensitive") == []


def test_snippet_shows_context_and_ellipses():
    text = "甲" * 30 + "身份证号" + "乙" * 30

    assert snippet(text, 30, 34, width=3) == "…甲甲甲身份证号乙乙乙…"
    assert snippet(text, 0, 2, width=3) == "甲甲甲甲甲…"
    assert snippet(text, 60, 64, width=100) == text


def test_snippet_puts_the_hit_on_one_line():
    text = "第一行\n\n  电话0533-2869813\t第二行"

    assert snippet(text, 9, 21, width=4) == "…电话0533-2869813 第二行"


@pytest.mark.parametrize(
    "text",
    [
        "关于做好ＰＭ２．５监测工作的通知（试行）：第１条　全文",
        "ａ\u0301 Ｃａｆé ﬁ ① ㈱ ㍻ ｶﾞ ＜ｓｃｒｉｐｔ＞",  # combining mark, ligature, circled, kana
        "〔2014〕《条例》、“公开”。\ufe35全角空格\u3000止",
        "",
    ],
)
def test_normalize_is_nfkc_with_the_full_width_fast_path(text):
    """The fast path (folding full-width forms before NFKC) gives exactly what NFKC gives."""
    expected = text_module._CONTROL_RE.sub("", unicodedata.normalize("NFKC", text)).lower()
    assert normalize(text) == expected
