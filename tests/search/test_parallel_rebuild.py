"""A rebuild that reads and segments in worker processes writes the rows a rebuild in one
process writes. Transactional: the workers read the committed database on their own
connections."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from gongkai.search.engine import SearchQuery, search
from gongkai.search.models import SearchEntry
from tests.seeds import reseed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def search_backend(settings):
    settings.GONGKAI_SEARCH_BACKEND = "tantivy"
    return "tantivy"


def test_a_rebuild_in_worker_processes_writes_the_rows_of_one_process(
    published_document, monkeypatch, capsys
):
    reseed()
    monkeypatch.setattr("gongkai.search.indexing.REBUILD_BATCH", 4)  # several batches
    for n in range(11):
        published_document(
            title=f"城乡低保标准调整通知第{n}号",
            body=f"<p>第{n}批&nbsp;最低生活保障金发放。</p><ul><li>PM2.5</li></ul>",
            doc_number=f"张政办发〔2024〕{n + 1}号",
        )

    def snapshot():
        return sorted(
            json.dumps(row, sort_keys=True, default=str)
            for row in SearchEntry.objects.values(
                "source", "object_id", *SearchEntry.INDEXED_FIELDS
            )
        )

    def answers():
        return [
            (result.total, [hit.title for hit in result.hits])
            for result in (
                search(SearchQuery(q=q)) for q in ("低保", "pm2.5", "张政办发[2024]7号", "发放")
            )
        ]

    call_command("rebuild_index", workers=0)
    alone, alone_answers = snapshot(), answers()
    assert len(alone) == 11 and alone_answers[0][0] == 11

    call_command("rebuild_index", workers=2)
    assert snapshot() == alone
    assert answers() == alone_answers
    assert "11/11" in capsys.readouterr().err
