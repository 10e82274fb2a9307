"""The demonstration district is searchable: its loader writes in bulk, without the saves that
keep the index current, and the search loader indexes it all at the end."""

from __future__ import annotations

import pytest

from gongkai.interaction.consultations.selectors import public_consultations
from gongkai.interaction.letters.selectors import published_qa
from gongkai.search.engine import SearchQuery, search

pytestmark = pytest.mark.django_db


def test_the_demonstration_district_is_searchable(district):
    result = search(SearchQuery(q="张政办发[2014]50号"))

    assert result.hits[0].title == "关于进一步加强政府信息公开工作的通知"
    assert search(SearchQuery(q="低保")).total > 0
    # The published Q&A and consultations on drafts, as content types of their own.
    assert search(SearchQuery(type="qa")).total == published_qa().count() > 0
    assert search(SearchQuery(type="consultation")).total == public_consultations().count() > 0
