"""The browser tests' reference data. The browser itself (Playwright driving Debian's
chromium, docs/decisions/0008) is in the suite's conftest, so that a browser test in any
folder shares the one browser of the session."""

from __future__ import annotations

import pytest

from tests.seeds import reseed

# The data migrations that seed a new installation: the working-day calendar, the catalogue's
# taxonomies and its list types. Each is idempotent.


@pytest.fixture(autouse=True)
def seeded_reference_data(transactional_db):
    """Browser tests are transactional: the flush after each one empties every table, including
    what the data migrations seeded. Run those seeds again before each test, whatever ran
    before (``serialized_rollback`` does not help once the live server holds other
    connections)."""
    reseed()
