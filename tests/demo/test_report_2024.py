"""The national format (国办公开办函〔2021〕30号, REG 50) on the demonstration: the government's
2024 and 2025 reports build, their drafts check against their figures, and section 一 quotes the
year's applications and the published assessment. The demonstration is loaded once for the
package (``tests/demo/conftest.py``)."""

from __future__ import annotations

import pytest

from gongkai.reports import tables as t
from gongkai.reports.formats import fmt2021
from gongkai.reports.formats.base import Subject, check_prose
from gongkai.reports.tables import annual_tables, government_scope
from tests.reports.test_fmt2021 import TITLES

pytestmark = pytest.mark.django_db
FORMAT = fmt2021.FORMAT


@pytest.fixture
def loaded(district):
    """The demonstration, loaded once for the package."""


@pytest.mark.parametrize("year", [2024, 2025])
def test_reg_50_the_governments_demonstration_reports_build_and_their_drafts_check(loaded, year):
    subject = Subject(scope=government_scope(year), agency_name="张店区人民政府")
    content = FORMAT.build(subject, {})
    assert [s.title for s in content.sections] == TITLES
    assert content.title == f"张店区人民政府{year}年政府信息公开工作年度报告"
    assert check_prose(content, FORMAT.facts()) == []
    annual = annual_tables(subject.scope)
    figures = content.figures
    assert figures["requests_new"].value == annual.three.cell(t.NEW)
    assert figures["requests_carried_forward"].value == annual.three.cell(t.CARRIED_FORWARD)
    overview = content.section("1").text
    assert f"全年共收到政府信息公开申请{annual.three.cell(t.NEW)}件" in overview
    assert "工作考核、社会评议和责任追究结果情况" in overview
    if year == 2025:  # the demonstration publishes the 2025 scorecards
        assert figures["assessment_agencies"].value > 0
        assert f"共对{figures['assessment_agencies'].value}个单位进行评分" in overview
