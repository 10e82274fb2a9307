"""文号: parsing, validation and the lookup key."""

import datetime

import pytest

from gongkai.catalogue.docnumbers import (
    DocumentNumberError,
    doc_number_key,
    normalize_doc_number,
    parse_doc_number,
)

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "张政办发〔2014〕50号",
        "张政办发[2014]50号",
        "张政办发(2014)50号",
        "张政办发（2014）50号",
        "张政办发﹝2014﹞50号",
        "张政办发［2014］50号",
        "张政办发【2014】50号",
        " 张政办发 〔 2014 〕 50 号 ",
        "张政办发〔２０１４〕５０号",
        "张政办发〔2014〕第50号",
        "张政办发〔2014〕050号",
    ],
)
def test_variants_normalise_to_the_same_form_and_key(typed):
    assert normalize_doc_number(typed, today=TODAY) == "张政办发〔2014〕50号"
    assert doc_number_key(typed) == doc_number_key("张政办发〔2014〕50号")


def test_different_numbers_have_different_keys():
    assert doc_number_key("张政字〔2014〕59号") != doc_number_key("张政办发〔2014〕59号")
    assert doc_number_key("张政字[2014]59号") == "张政字〔2014〕59号"


def test_parts_are_read():
    number = parse_doc_number("张政字（2014）59号", today=TODAY)
    assert (number.prefix, number.year, number.serial) == ("张政字", 2014, 59)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the document number"),
        ("张政办发2014年50号", "is not a document number"),
        ("〔2014〕50号", "is not a document number"),
        ("张政办发〔1900〕5号", "not plausible"),
        ("张政办发〔2031〕5号", "not plausible"),
        ("张政办发〔2014〕0号", "at least 1"),
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(typed, message):
    with pytest.raises(DocumentNumberError, match=message):
        parse_doc_number(typed, today=TODAY)


def test_empty_number_normalises_to_empty_and_a_partial_query_keeps_a_key():
    assert normalize_doc_number("  ") == ""
    assert doc_number_key("张政办发[2014]") == "张政办发〔2014〕"
