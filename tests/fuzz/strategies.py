"""What the fuzzers feed the site, and how many cases they run.

Input is any Unicode text (control characters and NUL included), text made of the pieces people
and robots really send to a Chinese government site — Chinese words, full-width digits and
brackets, document numbers, identity and phone numbers, SQL and markup fragments, right-to-left
marks — and values of the wrong kind. The normal suite runs a fixed, reproducible few cases per
property (``derandomize``); the ``slow`` runs a thousand a property, also fixed unless
``GONGKAI_FUZZ_FRESH`` asks for new draws. No example database is
written (the work tree stays clean).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

SUPPRESSED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def normal(examples: int) -> settings:
    """A few cases, the same on every run: the normal suite stays fast and never flaky."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=SUPPRESSED,
    )


def thorough(examples: int = 1000) -> settings:
    """A thousand cases a property (many thousands in all), for the ``slow`` runs: the same on
    every run, so that CI never turns red by chance; ``GONGKAI_FUZZ_FRESH=1`` draws new ones
    (exploring: a failure found so is then fixed and kept as a test of its own)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not os.environ.get("GONGKAI_FUZZ_FRESH"),
        database=None,
        suppress_health_check=SUPPRESSED,
    )


PIECES = [
    "政府信息公开",
    "最低生活保障",
    "张政办发〔2014〕50号",
    "张政办发[2014]50号",
    "张政办发（2014）第50号",
    "〔２０２６〕",
    "１２３４５",
    "11010519491231002X",
    "13912345678",
    "6222020200112233445",
    "wang@example.cn",
    "' OR 1=1 --",
    '"; DROP TABLE core_user; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:7 }}{% debug %}",
    "\u202e\u200b\ufeff",
    "\x00",
    "\r\n",
    "%00%2e%2e%2f",
    "../../etc/passwd",
    "Ａｂｃ",
    "𠀀𪚥",  # characters outside the basic plane
    " ",
    "\u3000",
    "AND",
    "OR",
    '"',
    "*",
    "-",
    "+",
    ":",
]

text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=10).map("".join),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=60),
)
"""Text of every kind."""

value = st.one_of(
    text,
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    st.sampled_from(["", "0", "-1", "on", "true", "null", "[]", "{}", "9" * 40]),
)
"""What a form field may receive from a robot."""
