"""The records behind a number, read only when something reads them (:class:`LazyRefs`)."""

from __future__ import annotations

import copy
import pickle

from gongkai.reports.content import Cell, LazyRefs, Ref


def counting(keys):
    reads = []

    def read():
        reads.append(1)
        return keys

    return read, reads


def test_lazy_refs_read_their_keys_once_and_only_when_read():
    read, reads = counting([3, 1, 2])
    refs = LazyRefs("document", read)
    assert reads == []
    assert repr(refs) == "LazyRefs('document', not read)"
    assert list(refs) == [Ref("document", "3"), Ref("document", "1"), Ref("document", "2")]
    assert len(refs) == 3 and refs[0] == Ref("document", "3") and refs[1:] == refs._load()[1:]
    assert reads == [1]


def test_lazy_refs_compare_pickle_and_copy_as_the_tuple_of_their_refs():
    read, _reads = counting([7])
    refs = LazyRefs("info_request", read)
    assert refs == (Ref("info_request", "7"),) and (Ref("info_request", "7"),) == refs
    assert refs != (Ref("info_request", "8"),)
    cell = Cell("1", 1, refs)
    assert pickle.loads(pickle.dumps(cell)).refs == (Ref("info_request", "7"),)  # noqa: S301
    assert type(pickle.loads(pickle.dumps(refs))) is tuple  # noqa: S301
    assert copy.deepcopy(refs) == refs and hash(refs) == hash((Ref("info_request", "7"),))


def test_whether_there_are_refs_comes_from_the_count_when_given():
    read, reads = counting([])
    assert not LazyRefs("document", read, nonempty=False)
    assert LazyRefs("document", read, nonempty=True)
    assert reads == []
    assert not LazyRefs("document", read)  # no count given: read
    assert reads == [1]
