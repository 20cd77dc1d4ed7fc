"""Upper bounds on every text and list a caller may send, in one place (they show in OpenAPI).

A request body becomes a stored document and usually an event; an unbounded field lets one
request make an event larger than the bus carries (NATS `max_payload`). The bounds here keep
every request well inside the event budget that `Tx.emit` enforces as the last line
(`linli_shared.outbox.EVENT_BUDGET_BYTES`). Use them on request models only: a response shows
what is stored, whatever its size.
"""
from __future__ import annotations

from typing import Annotated, TypeVar

from pydantic import Field, StringConstraints

T = TypeVar("T")

MAX_ITEMS = 50  # items in any list of a request: skills, needs, aid, groups …

Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]  # a resident, task (composite), staff … id
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]  # a key or code
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]  # a person's name
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]  # a skill, a category
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]  # title, address
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]  # free text
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]  # a remark, may be empty

Items = Annotated[list[T], Field(max_length=MAX_ITEMS)]  # Items[NeedIn]: at most MAX_ITEMS of them
Tags = Items[Tag]
