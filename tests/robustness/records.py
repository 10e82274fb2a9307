"""What a whole online application is, for the robustness tests: the record and everything the
submitting transaction writes with it."""

from __future__ import annotations

from collections import Counter

from gongkai.core.models import AuditEntry, OutgoingMail, SerialCounter
from gongkai.info_requests.models import InfoRequest, RequestEvent
from gongkai.info_requests.notice_models import Notice

Code = RequestEvent.Code


def parts_of_each_application() -> dict[str, dict[str, int]]:
    """For every application in the database: how many of each part it has."""
    ids = dict(InfoRequest.objects.values_list("pk", "number"))
    parts: dict[str, Counter[str]] = {number: Counter() for number in ids.values()}
    for request_id, code in RequestEvent.objects.values_list("request_id", "code"):
        parts[ids[request_id]][f"event:{code}"] += 1
    for request_id, kind in Notice.objects.values_list("request_id", "kind"):
        parts[ids[request_id]][f"notice:{kind}"] += 1
    for object_id, action in AuditEntry.objects.filter(
        object_type=InfoRequest._meta.label_lower
    ).values_list("object_id", "action"):
        parts[ids[int(object_id)]][f"audit:{action}"] += 1
    for subject in OutgoingMail.objects.values_list("subject", flat=True):
        number = subject[1:].partition("]")[0]
        if number in parts:
            parts[number]["mail"] += 1
    return {number: dict(counts) for number, counts in parts.items()}


WHOLE = {
    f"event:{Code.SUBMITTED}": 1,
    f"event:{Code.NOTICE_ISSUED}": 1,
    f"notice:{Notice.Kind.ACKNOWLEDGEMENT}": 1,
    "audit:info_requests.submit": 1,
    "audit:info_requests.issue_notice": 1,
    "mail": 1,
}


def assert_every_application_whole() -> int:
    """Every application has exactly the parts its submission writes; returns how many."""
    found = parts_of_each_application()
    broken = {number: parts for number, parts in found.items() if parts != WHOLE}
    assert not broken, f"half-written applications: {broken}"
    return len(found)


def assert_gap_free(numbers: list[str], year: int) -> None:
    """The tracking numbers are YSQ<year>00001 … in a row, each once, and the counter agrees."""
    expected = [f"YSQ{year}{serial:05d}" for serial in range(1, len(numbers) + 1)]
    assert sorted(numbers) == expected
    counter = SerialCounter.objects.get(scope=f"info_requests:{year}")
    assert counter.last_value == len(numbers)
