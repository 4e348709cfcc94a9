"""Record (promptreg.core.records) behaves as typing.NamedTuple does, cheaper to define:
defaults, methods, properties, `_replace`, pickling and the refusals."""

from __future__ import annotations

import pickle
import typing
from pathlib import Path

import pytest

from promptreg.core.location import Location, Position, Span
from promptreg.core.records import Record


class Sample(Record):
    """A record with a default, a method, a property and a class method."""

    name: str
    size: int = 0

    def doubled(self) -> int:
        return self.size * 2

    @property
    def shout(self) -> str:
        return self.name.upper()

    @classmethod
    def empty(cls) -> Sample:
        return cls("")


def test_a_record_is_a_named_tuple_with_its_class_body() -> None:
    sample = Sample("a", 3)
    assert sample == ("a", 3) and Sample("a") == ("a", 0)
    assert Sample._fields == ("name", "size") and Sample._field_defaults == {"size": 0}
    assert (sample.doubled(), sample.shout, Sample.empty()) == (6, "A", Sample(""))
    assert sample._replace(size=5) == Sample("a", 5)
    assert repr(sample) == "Sample(name='a', size=3)"
    assert Sample.__doc__ == "A record with a default, a method, a property and a class method."
    assert Sample.__module__ == __name__ and Sample.__qualname__ == "Sample"


def test_its_annotations_stay_as_written_and_resolve_on_request() -> None:
    assert Sample.__annotations__ == {"name": "str", "size": "int"}
    assert typing.get_type_hints(Sample) == {"name": str, "size": int}


def test_records_pickle_as_lint_workers_send_them() -> None:
    where = Location(Path("a.yaml"), Span.at(3, 4))
    assert pickle.loads(pickle.dumps(where)) == where  # noqa: S301 (bytes made just above)
    assert sorted([Span.at(2), Span.at(1, 5)]) == [Span.at(1, 5), Span.at(2)]
    assert Position(1, 2) < Position(1, 3) < Position(2, 1)


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError, match="follows a default"):

        class Bad(Record):
            first: int = 0
            second: int


@pytest.mark.parametrize("name", ["_replace", "__new__", "_fields"])
def test_overwriting_what_a_named_tuple_defines_is_refused(name: str) -> None:
    with pytest.raises(AttributeError, match=name):
        type(Record)("Bad", (Record,), {"__module__": __name__, "__annotations__": {}, name: 1})
